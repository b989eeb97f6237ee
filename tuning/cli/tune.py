"""`lstm-zoo tune`: a keras-tuner search of a zoo model's hyperparameters."""

from __future__ import annotations

from pathlib import Path

import typer

from zoo.cli.errors import one_line_errors, parse_overrides


@one_line_errors
def tune(
    model: str = typer.Argument(..., help="A registered model name (see `lstm-zoo models`)."),
    data: Path = typer.Option(
        None,
        "--data",
        help="A data file or directory, or an embedded dataset's name (see `lstm-zoo "
        "datasets`); without it, the model's embedded default.",
    ),
    tuner: str = typer.Option(
        "hyperband",
        "--tuner",
        help="keras-tuner's hyperband (default: multi-fidelity), random, bayesian or grid.",
    ),
    max_trials: int = typer.Option(
        10, "--max-trials", help="Trials in all, resumed ones included."
    ),
    max_epochs: int = typer.Option(
        5, "--max-epochs", help="Epochs per trial (Hyperband: at most)."
    ),
    time_budget: str = typer.Option(
        None, "--time-budget", help="Start no trial after this (90s, 30m, 1h30m); stops epochs too."
    ),
    executions_per_trial: int = typer.Option(
        1, "--executions-per-trial", help="Trainings per trial, averaged."
    ),
    directory: Path = typer.Option(
        Path("runs/tuning"), "--directory", help="Where the project directory goes."
    ),
    project: str = typer.Option(None, "--project", help="Project name (default: MODEL)."),
    overwrite: bool = typer.Option(
        False,
        "--overwrite",
        help="Delete an existing project (only one lstm-zoo created) instead of resuming it.",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the tuner's sampling and the data split."),
    overrides: list[str] = typer.Option(
        None, "--set", help="Hold a hyperparameter fixed, KEY=VALUE (repeatable)."
    ),
    prune: bool = typer.Option(
        True, "--prune/--no-prune", help="Median-stopping pruning of bad trials."
    ),
    prune_startup_trials: int = typer.Option(
        3, "--prune-startup-trials", help="Completed trials needed before pruning."
    ),
    prune_warmup_epochs: int = typer.Option(
        1, "--prune-warmup-epochs", help="Epochs every trial runs before it can be pruned."
    ),
    baseline: bool = typer.Option(
        True,
        "--baseline/--no-baseline",
        help="Run the registered defaults as trial 0, scored like every other trial.",
    ),
    export: bool = typer.Option(
        False, "--export", help="Export the best model to ONNX and verify it after the search."
    ),
    distributed: str = typer.Option(
        None, "--distributed", help="chief or worker of a distributed search (needs --oracle)."
    ),
    oracle: str = typer.Option(None, "--oracle", help="HOST:PORT of the chief's oracle."),
    tuner_id: str = typer.Option(
        None, "--tuner-id", help="A worker's id (default: unique to the process)."
    ),
    connect_timeout: float = typer.Option(
        60.0, "--connect-timeout", help="Seconds a worker waits for the chief to answer."
    ),
    trial_timeout: float = typer.Option(
        600.0,
        "--trial-timeout",
        help="Chief: re-queue a trial whose worker reported nothing for this many seconds.",
    ),
    distribute: str = typer.Option(
        None,
        "--distribute",
        help="mirrored: each trial trains on every device of this machine (tf.distribute).",
    ),
    verbose: bool = typer.Option(
        False, "--verbose", help="Keras' own line per epoch as well as ours."
    ),
) -> None:
    """Search MODEL's hyperparameters with keras-tuner; run it again to resume.

    The registered defaults are trial 0. Prints each trial and epoch, then the trials,
    best first, the best trial against the defaults on the validation split and both
    models on the held-out test split. Writes into DIRECTORY/PROJECT: summary.json,
    trials.csv, trials.json, best_hparams.json, trials.png, parallel.png,
    importance.png, best_model/ and default_model/ (zoo model directories).

    A resume must be the same search: other data (by its sha256), another tuner,
    other fixed hyperparameters or another --max-epochs are refused. --overwrite only
    removes a project folder lstm-zoo created; never the working directory, its
    parents, home, or an ordinary folder."""
    from tuning.config import ConfigError, SearchConfig
    from tuning.run import search

    try:
        config = SearchConfig(
            model,
            tuner=tuner,
            max_trials=max_trials,
            max_epochs=max_epochs,
            time_budget=time_budget,
            executions_per_trial=executions_per_trial,
            directory=directory,
            project=project or "",
            overwrite=overwrite,
            seed=seed,
            fixed=parse_overrides(overrides, model),
            prune=prune,
            prune_startup_trials=prune_startup_trials,
            prune_warmup_epochs=prune_warmup_epochs,
            baseline=baseline,
            distributed=distributed,
            oracle=oracle,
            tuner_id=tuner_id,
            connect_timeout=connect_timeout,
            trial_timeout=trial_timeout,
            distribute=distribute,
            verbose=2 if verbose else 0,
        )
    except ConfigError as error:
        raise ValueError(error.for_cli()) from None
    result = search(config, data)
    if result.role == "worker":
        ran = ", ".join(result.trials_run) or "none"
        typer.echo(f"\nworker done: {result.stop_reason}; trials run here: {ran}")
        return
    typer.echo("")
    typer.echo(result.text_table(), nl=False)
    typer.echo(result.summary())
    if export:
        from tuning.exporting import export_best

        report = export_best(result)
        typer.echo(report.table())
        if not report.ok:
            raise typer.Exit(1)
