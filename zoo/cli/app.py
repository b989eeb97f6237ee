"""The `lstm-zoo` command line, assembled from the commands of the three packages.

Each command lives with the package whose job it is: `zoo.cli` (models, datasets, train,
evaluate, quickstart, translate), `tuning.cli` (tune) and `export.cli` (export, verify, predict).
This module only puts them in one typer app. Every command imports TensorFlow, Keras,
keras-tuner or onnxruntime inside itself, so `lstm-zoo --help` answers at once.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperGroup

from export.cli import export, predict, verify
from tuning.cli import tune
from zoo.cli import datasets, evaluate, models, quickstart, train, translate


class OneLineErrors(TyperGroup):
    """The command group, with usage errors (a bad option value, an unknown option, a
    missing argument) as one `error: ...` line and exit code 2, like every other input
    error of the command line, instead of click's boxed usage message."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.Abort:
            print("error: aborted", file=sys.stderr)
            code = 1
        except typer.TyperException as error:  # click's UsageError and BadParameter
            context = getattr(error, "ctx", None)
            where = f" ({context.command_path})" if context is not None else ""
            message = " ".join(error.format_message().split())
            if message:  # no arguments at all: the help was shown, and that is all
                print(f"error: {message}{where}", file=sys.stderr)
            code = getattr(error, "exit_code", 2)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=OneLineErrors,
    name="lstm-zoo",
    help="LSTM layers from the gate equations, a model zoo, search, export and deployment.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("quickstart")(quickstart.quickstart)
app.command("models")(models.models)
app.command("datasets")(datasets.datasets)
app.command("train")(train.train)
app.command("evaluate")(evaluate.evaluate)
app.command("translate")(translate.translate)
app.command("tune")(tune.tune)
app.command("export")(export.export)
app.command("verify")(verify.verify)
app.command("predict")(predict.predict)


@app.callback()
def _root(
    verbose: bool = typer.Option(
        False, "--verbose", help="Show TensorFlow's own log lines (hidden by default)."
    ),
) -> None:
    """LSTM layers from the gate equations, a model zoo, search, export and deployment."""
    if verbose:
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "0"


def main() -> None:
    """Entry point of the `lstm-zoo` console script."""
    from zoo.cli.quiet import filter_native_logs, quiet_environment

    if "--verbose" not in sys.argv[1:2]:
        quiet_environment()
        filter_native_logs()
    app()
