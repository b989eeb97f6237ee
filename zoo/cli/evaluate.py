"""`lstm-zoo evaluate`: score a saved model on held-out data, beside its baselines."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from zoo.cli.errors import one_line_errors


@one_line_errors
def evaluate(
    directory: Path = typer.Argument(
        ..., help="A saved model directory, or a search project (its best_model/ is used)."
    ),
    data: Path = typer.Option(
        None,
        "--data",
        help="A data file or directory; its held-out split is scored (default: the "
        "embedded data's).",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the data split (as given to train)."),
    json_out: Path = typer.Option(
        None, "--json", help="Also write the report as JSON to this file."
    ),
) -> None:
    """Score a saved model on held-out data with its family's metrics and baselines.

    The data is split as `lstm-zoo train` splits it (same --seed), and only the
    held-out part is scored: for a model trained on --data that is data it never
    saw. Without --data, the family's embedded default is used. Prints the model's
    metrics beside the family's baselines (naive and seasonal naive forecasts,
    copying the source, ...)."""
    import zoo
    from zoo.training import metrics_table

    if not directory.exists():
        raise FileNotFoundError(f"{directory}: no such model directory.")
    if (directory / "best_model").is_dir() and not (directory / "zoo_model.json").exists():
        directory = directory / "best_model"
    model = zoo.load_model(directory)
    if data is not None:
        if not data.exists():
            raise FileNotFoundError(f"--data {data}: no such file or directory.")
        test = model.load_data(data, seed=seed)[1]
    else:
        test = model.default_data(seed=seed)[1]
    report = model.evaluate(test)
    source = getattr(test, "source", None) or (str(data) if data else "the embedded default")
    typer.echo(f"{model.name} from {directory}, held-out part of {source} ({len(test)} items):")
    typer.echo(metrics_table(report))
    if json_out is not None:
        import os
        import tempfile

        record = {"model": model.name, "directory": str(directory), "held_out": report}
        text = json.dumps(record, indent=2, default=float) + "\n"
        json_out.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{json_out.name}.", dir=json_out.parent)
        with os.fdopen(handle, "w") as stream:  # renamed into place: never half-written
            stream.write(text)
        os.replace(temporary, json_out)
        typer.echo(f"wrote {json_out}")
