"""The `export` package's commands of the command line: `lstm-zoo export`, `verify` and
`predict` (assembled with the other packages' commands in `zoo.cli.app`)."""
