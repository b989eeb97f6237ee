"""The `lstm-zoo` command line.

One module per command; each imports TensorFlow and Keras inside the
command, so `lstm-zoo --help` answers at once.
"""

from __future__ import annotations

import typer

from tuning.cli import export, models, predict, quickstart, train, translate, tune, verify

app = typer.Typer(
    name="lstm-zoo",
    help="LSTM layers from the gate equations, a model zoo, search, export and deployment.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("quickstart")(quickstart.quickstart)
app.command("models")(models.models)
app.command("train")(train.train)
app.command("translate")(translate.translate)
app.command("tune")(tune.tune)
app.command("export")(export.export)
app.command("verify")(verify.verify)
app.command("predict")(predict.predict)


@app.callback()
def _root() -> None:
    """LSTM layers from the gate equations, a model zoo, search, export and deployment."""


def main() -> None:
    """Entry point of the `lstm-zoo` console script."""
    app()
