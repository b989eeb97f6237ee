"""`lstm-zoo train`: train a zoo model, evaluate it beside its baselines, save it."""

from __future__ import annotations

from pathlib import Path

import typer

from zoo.cli.errors import one_line_errors, parse_overrides


@one_line_errors
def train(
    model: str = typer.Argument(..., help="A registered model name (see `lstm-zoo models`)."),
    data: Path = typer.Option(
        None,
        "--data",
        help="A data file or directory, or an embedded dataset's name (see `lstm-zoo "
        "datasets`); without it, the model's embedded default.",
    ),
    delimiter: str = typer.Option(
        None, "--delimiter", help="The data file's field delimiter (default: inferred)."
    ),
    date_column: str = typer.Option(
        None, "--date-column", help="A series CSV's date column (default: 'date', else the first)."
    ),
    columns: str = typer.Option(
        None,
        "--columns",
        help="A series CSV's value columns, comma-separated (default: every other column).",
    ),
    epochs: int = typer.Option(None, "--epochs", min=1, help="Epochs (default: the model's)."),
    out: Path = typer.Option(None, "--out", help="Output directory (default: runs/MODEL)."),
    seed: int = typer.Option(0, "--seed", help="Seed for the data split."),
    overrides: list[str] = typer.Option(
        None, "--set", help="Hyperparameter override KEY=VALUE (repeatable)."
    ),
    hparams: Path = typer.Option(
        None,
        "--hparams",
        help="A JSON file of hyperparameters (a search's best_hparams.json); --set wins.",
    ),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace another model's directory lstm-zoo wrote at --out."
    ),
    distribute: str = typer.Option(
        None,
        "--distribute",
        help="Train on tf.distribute: 'mirrored' (this machine's devices) or 'multi-worker' "
        "(the machines in TF_CONFIG; only the chief writes --out).",
    ),
    precision: str = typer.Option(
        None, "--precision", help="float32 (default), mixed_float16 or mixed_bfloat16."
    ),
) -> None:
    """Train MODEL, print its held-out metrics beside the baselines, and write
    the model directory (model.keras, zoo_model.json), metrics.json and plots.

    --out is checked before training: the working directory, its parents, home, a
    file and a non-empty folder lstm-zoo did not write are refused; an earlier run of
    the same model there is replaced, another model's directory only with --overwrite.

    --distribute multi-worker: run the same command on every machine, each with its
    TF_CONFIG; each worker backs up every epoch under OUT.backup/ and a restarted job
    resumes there.

    --hparams retrains a configuration a search found: its `hparams` (and the `fixed`
    ones of the search) are validated against the model's own ranges."""
    from zoo.distribute import check_strategy, distributed
    from zoo.precision import check_policy
    from zoo.precision import precision as policy
    from zoo.training import train_and_report

    chosen = {}
    if hparams is not None:
        from zoo.hparams_file import read_hparams_file

        chosen = read_hparams_file(hparams, model)
        typer.echo(f"hyperparameters from {hparams}: " + ", ".join(
            f"{k}={v}" for k, v in chosen.items()
        ))  # fmt: skip
    chosen.update(parse_overrides(overrides, model))
    out = out or Path("runs") / model
    backups = out.parent / f"{out.name}.backup" if check_strategy(distribute) else None
    with policy(check_policy(precision)), distributed(distribute, backups) as run:
        result = train_and_report(
            model,
            data=data,
            epochs=epochs,
            out=out,
            seed=seed,
            overrides=chosen,
            overwrite=overwrite,
            callbacks=run.callbacks(),
            write=run.is_chief,
            data_options={
                "delimiter": _delimiter(delimiter),
                "date_column": date_column,
                "value_columns": _columns(columns),
            },
        )
    if not run.is_chief:
        typer.echo(f"{run.task}: trained; the chief writes {out}")
        return
    typer.echo(f"wrote {result['out']}: {', '.join(sorted(result['files']))}")


def _delimiter(text: str | None) -> str | None:
    """`--delimiter`: one character; `tab` or `\\t` for a tab."""
    if text is None:
        return None
    text = "\t" if text in ("tab", "\\t") else text
    if len(text) != 1 or text in '\r\n"':
        raise ValueError(f"--delimiter must be one character (or 'tab'), got {text!r}")
    return text


def _columns(text: str | None) -> list[str] | None:
    """`--columns a,b`: the names, stripped; an empty name is refused."""
    if text is None:
        return None
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise ValueError(f"--columns must be comma-separated column names, got {text!r}")
    return names
