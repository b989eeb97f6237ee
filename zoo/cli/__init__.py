"""The `zoo` package's commands of the command line (models, train, evaluate, quickstart, translate),
the shared one-line error handling (`zoo.cli.errors`) and the app that assembles every
package's commands (`zoo.cli.app`, the `lstm-zoo` console script)."""
