"""`lstm-zoo predict`: predictions from a bundle, with onnxruntime only."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from tuning.cli.errors import one_line_errors


def _jsonable(value):
    import numpy as np

    if isinstance(value, np.ndarray):
        if value.dtype.kind == "M":
            return [str(v) for v in value]
        return value.tolist()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


@one_line_errors
def predict(
    bundle: Path = typer.Argument(..., help="A bundle directory (from `lstm-zoo export`)."),
    inputs: list[str] = typer.Argument(None, help="Texts or sentences (sentiment, translation)."),
    file: Path = typer.Option(
        None,
        "--file",
        help="Texts/sentences, one per line; for a forecaster, the series CSV (date + columns).",
    ),
    beam: int = typer.Option(None, "--beam", min=1, help="Beam width for translation."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Predict with BUNDLE using the TensorFlow-free runtime: labels and
    probabilities for texts, translations for sentences, the next horizon
    (with intervals) for the series in --file."""
    from export.runtime import Predictor

    predictor = Predictor.load(bundle)
    if predictor.task == "forecasting":
        if file is None:
            raise ValueError("a forecaster predicts from a series: pass --file SERIES.csv")
        from zoo.data.timeseries import load_series_csv

        series = load_series_csv(file, value_columns=predictor.model._state["columns"])
        result = predictor.predict(series)
        if as_json:
            typer.echo(json.dumps(_jsonable(result)))
            return
        targets = predictor.model._state["targets"]
        typer.echo("date" + "".join(f"\t{t}" for t in targets))
        for index, date in enumerate(result["dates"]):
            cells = []
            for j, _ in enumerate(targets):
                cell = f"{result['forecast'][index, j]:.4f}"
                if "lower" in result:
                    cell += f" [{result['lower'][index, j]:.4f}, {result['upper'][index, j]:.4f}]"
                cells.append(cell)
            typer.echo(str(date) + "".join(f"\t{c}" for c in cells))
        return
    texts = list(inputs or [])
    if file is not None:
        texts += [line for line in file.read_text().splitlines() if line.strip()]
    if not texts:
        raise ValueError("nothing to predict: give texts as arguments or --file")
    kwargs = {"beam_width": beam} if predictor.task == "translation" else {}
    results = predictor.predict(texts, **kwargs)
    if as_json:
        typer.echo(json.dumps(_jsonable(results)))
        return
    for text, result in zip(texts, results, strict=True):
        if isinstance(result, dict):
            best = result["probabilities"][result["label"]]
            typer.echo(f"{result['label']}\t{best:.4f}\t{text}")
        else:
            typer.echo(result)
