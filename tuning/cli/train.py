"""`lstm-zoo train`: train a zoo model, evaluate it beside its baselines, save it."""

from __future__ import annotations

from pathlib import Path

import typer

from tuning.cli.errors import one_line_errors, parse_overrides


@one_line_errors
def train(
    model: str = typer.Argument(..., help="A registered model name (see `lstm-zoo models`)."),
    data: Path = typer.Option(
        None, "--data", help="A data file or directory; without it, the embedded default."
    ),
    epochs: int = typer.Option(None, "--epochs", min=1, help="Epochs (default: the model's)."),
    out: Path = typer.Option(None, "--out", help="Output directory (default: runs/MODEL)."),
    seed: int = typer.Option(0, "--seed", help="Seed for the data split."),
    overrides: list[str] = typer.Option(
        None, "--set", help="Hyperparameter override KEY=VALUE (repeatable)."
    ),
) -> None:
    """Train MODEL, print its held-out metrics beside the baselines, and write
    the model directory (model.keras, zoo_model.json), metrics.json and plots."""
    from tuning.training import train_and_report

    result = train_and_report(
        model,
        data=data,
        epochs=epochs,
        out=out or Path("runs") / model,
        seed=seed,
        overrides=parse_overrides(overrides),
    )
    typer.echo(f"wrote {result['out']}: {', '.join(sorted(result['files']))}")
