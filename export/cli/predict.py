"""`lstm-zoo predict`: predictions from a bundle, with onnxruntime only.

Generic over the families: the bundle's model names its family, whose registered `cli`
part (protocol: `zoo.models.predict_cli`) reads the inputs, maps the options and shows
the predictions.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from zoo.cli.errors import one_line_errors


@one_line_errors
def predict(
    bundle: Path = typer.Argument(
        ...,
        help="A bundle directory (from `lstm-zoo export`), or a model directory (from "
        "`lstm-zoo train`, run with Keras).",
    ),
    inputs: list[str] = typer.Argument(None, help="Texts or sentences (text models)."),
    file: Path = typer.Option(
        None,
        "--file",
        help="Texts/sentences, one per line; for a forecaster, the series CSV (date + columns).",
    ),
    beam: int = typer.Option(None, "--beam", min=1, help="Beam width (translators)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Predict with BUNDLE using the TensorFlow-free runtime: labels and
    probabilities for texts, translations for sentences, the next horizon
    (with intervals) for the series in --file, entities with their character
    spans for texts given to a tagger. A model directory instead of a bundle
    runs on Keras."""
    from export.runtime import Predictor
    from zoo.family import FamilyError, family_for

    if file is not None and file.is_dir():
        raise ValueError(f"{file}: is a directory; --file expects a file")
    if (bundle / "zoo_model.json").is_file() and not (bundle / "zoo_bundle.json").exists():
        predictor = _KerasPredictor(bundle)
    else:
        predictor = Predictor.load(bundle)
    try:
        command_line = family_for(predictor.model).resolve("cli")
    except FamilyError as error:
        raise ValueError(f"{bundle}: `lstm-zoo predict` cannot read inputs: {error}") from None
    options = command_line.predict_options({"beam": beam}, predictor.name)
    values = command_line.inputs(list(inputs or []), file, predictor)
    results = predictor.predict(values, **options)
    if as_json:
        typer.echo(json.dumps(command_line.json(results)))
        return
    for line in command_line.show(values, results):
        typer.echo(line)


class _KerasPredictor:
    """A saved model directory behind the `Predictor` interface the command uses."""

    def __init__(self, directory: Path) -> None:
        import zoo

        self.model = zoo.load_model(directory)
        self.name = self.model.name

    def predict(self, inputs, **options):
        return self.model.predict(inputs, **options)
