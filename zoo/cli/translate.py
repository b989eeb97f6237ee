"""`lstm-zoo translate`: translate sentences with a saved translation model."""

from __future__ import annotations

from pathlib import Path

import typer

from zoo.cli.errors import one_line_errors


@one_line_errors
def translate(
    model_dir: Path = typer.Argument(..., help="A saved model directory (from `lstm-zoo train`)."),
    sentences: list[str] = typer.Argument(..., help="One or more sentences to translate."),
    beam: int = typer.Option(
        None, "--beam", min=1, help="Beam width (1 = greedy; default: the model's beam_width)."
    ),
    attention: bool = typer.Option(
        False, "--attention", help="Also print each output word's most attended source word."
    ),
) -> None:
    """Translate SENTENCES with the translation model saved in MODEL_DIR, one per line."""
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

    import zoo

    if not model_dir.is_dir():
        raise FileNotFoundError(f"{model_dir}: no such model directory.")
    model = zoo.load_model(model_dir)
    if model.task != "translation":
        raise ValueError(
            f"{model_dir} holds a {model.task or 'non-translation'} model ({model.name}), "
            "not a translation model."
        )
    for sentence, translation in zip(sentences, model.predict(sentences, beam_width=beam)):
        typer.echo(translation)
        if attention:
            source, target, weights = model.attention_matrix(sentence)
            pairs = [f"{word}<-{source[int(row.argmax())]}" for word, row in zip(target, weights)]
            typer.echo("  attention: " + " ".join(pairs))
