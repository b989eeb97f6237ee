"""`lstm-zoo quickstart`: train a small zoo LSTM on the adding problem."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from zoo.cli.errors import one_line_errors


@one_line_errors
def quickstart(
    out: Path = typer.Option(Path("runs/quickstart"), help="Where to write the results."),
    epochs: int = typer.Option(12, min=1, help="Training epochs."),
    timesteps: int = typer.Option(30, min=4, help="Sequence length of the adding problem."),
    samples: int = typer.Option(6000, min=100, help="Generated training sequences."),
    seed: int = typer.Option(0, help="Random seed."),
) -> None:
    """Train a zoo LSTM on the adding problem (generated; no download).

    Each sequence holds random numbers and two markers; the target is the sum
    of the two marked numbers, which needs memory across the whole sequence
    (Hochreiter & Schmidhuber, 1997). Prints progress per epoch, the test MSE
    beside the predict-the-mean baseline, and writes `metrics.json`, the
    `.keras` model and a PNG of the gates on one sequence.
    """
    from zoo.quickstart import run_adding_problem

    result = run_adding_problem(
        out=out, epochs=epochs, timesteps=timesteps, samples=samples, seed=seed
    )
    typer.echo(json.dumps(result["metrics"], indent=2))
    typer.echo(f"wrote {', '.join(str(p) for p in result['files'])}")
