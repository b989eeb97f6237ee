"""The `tuning` package's command of the command line: `lstm-zoo tune` (assembled with the
other packages' commands in `zoo.cli.app`)."""
