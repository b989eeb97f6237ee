"""`tuning.search`: a resumable keras-tuner search of a zoo model (what `lstm-zoo tune` runs).

    import tuning
    result = tuning.search("forecast-lstm", tuner="random", max_trials=4, max_epochs=3,
                           directory="runs/tuning")
    result.best_hparams, result.best_model_dir, result.beats_default()
    print(result.text_table())

The function lives here, in `tuning.run`, and is exported as `tuning.search`. The project
directory `DIR/PROJECT` holds keras-tuner's own state (`oracle.json`, `trial_*/trial.json`,
checkpoints), `search.json` (the model and tuner it belongs to), `baseline.json` (the
default hyperparameters' run) and the results derived from them (see `tuning.results`).
Running the same search again resumes it.
"""

from __future__ import annotations

import os
import shutil
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tuning.budget import Deadline, format_duration, parse_duration
from tuning.pruning import MedianStoppingRule
from tuning.result import SearchResult
from tuning.validation import (
    MANIFEST,
    check_distributed,
    check_positive,
    check_project,
    check_tuner,
)


def search(
    name: str,
    data: Any = None,
    *,
    tuner: str = "random",
    max_trials: int = 10,
    max_epochs: int = 5,
    time_budget: str | float | None = None,
    executions_per_trial: int = 1,
    directory: str | os.PathLike[str] = "runs/tuning",
    project: str | None = None,
    overwrite: bool = False,
    seed: int = 0,
    fixed: dict[str, Any] | None = None,
    prune: bool = True,
    prune_startup_trials: int = 3,
    prune_warmup_epochs: int = 1,
    baseline: bool = True,
    distributed: str | None = None,
    oracle: str | None = None,
    tuner_id: str | None = None,
    connect_timeout: float = 60.0,
    verbose: int | str = 0,
    echo: Callable[..., None] = print,
) -> SearchResult:
    """Searches the hyperparameters of the registered model `name`.

    Args:
        name: a registry name ("sentiment-lstm", "forecast-lstm", ...).
        data: a path (read with the family's `load_data`), the training data itself, or
            None for the family's embedded default (`default_data()`).
        tuner: "random", "bayesian", "hyperband" or "grid" (keras-tuner's own).
        max_trials: trials in all (a resumed search counts the earlier ones).
        max_epochs: epochs per trial (Hyperband: the most a trial gets).
        time_budget: "90s", "30m", "1h30m" or seconds: no trial starts after it, and
            running trials stop at their next epoch.
        executions_per_trial: trainings per trial, averaged.
        directory, project: the project is `directory/project` (default project: `name`).
        overwrite: delete an existing project first (otherwise it is resumed).
        seed: seeds the tuner's sampling and the data split.
        fixed: hyperparameters held fixed (a searched one becomes `hp.Fixed`).
        prune, prune_startup_trials, prune_warmup_epochs: median-stopping pruning.
        baseline: also train the default hyperparameters (once per project).
        distributed, oracle, tuner_id, connect_timeout: "chief" or "worker" of a
            keras-tuner distributed search at `oracle` ("HOST:PORT").
        verbose: Keras verbosity of each fit (0: only our lines per epoch).
        echo: where progress lines go.

    Returns:
        A `SearchResult`; the results files are in `result.project_dir`.
    """
    import zoo

    started = time.time()
    card = zoo.model_card(name)  # UnknownModelError, with suggestions
    check_tuner(tuner)
    for option, value in (
        ("--max-trials", max_trials),
        ("--max-epochs", max_epochs),
        ("--executions-per-trial", executions_per_trial),
    ):
        check_positive(option, value)
    budget = parse_duration(time_budget)
    check_distributed(distributed, oracle, tuner_id)
    rule = None
    if prune:  # checked now; its direction is the hypermodel's objective's (set below)
        rule = MedianStoppingRule("min", prune_startup_trials, prune_warmup_epochs)
    if not connect_timeout > 0:
        raise ValueError(f"--connect-timeout must be positive; received {connect_timeout!r}.")
    unknown = sorted(set(fixed or {}) - set(card["hyperparameters"]))
    if unknown:
        raise ValueError(
            f"{name} has no hyperparameter {unknown[0]!r}; "
            f"known: {', '.join(sorted(card['hyperparameters']))}."
        )
    project = project or name
    project_dir = Path(directory) / project
    worker = distributed == "worker"
    check_project(project_dir, name, tuner, overwrite and not worker)
    train = _training_data(name, data, seed, fixed)

    from tuning.distributed import distributed_environment

    with distributed_environment(distributed, oracle, tuner_id) as this_id:
        if worker:
            from tuning.distributed import wait_for_oracle

            echo(f"worker {this_id}: waiting for the oracle at {oracle} ...", flush=True)
            wait_for_oracle(oracle, connect_timeout)
        elif overwrite and project_dir.exists():
            shutil.rmtree(project_dir)
        deadline = Deadline(budget, started)
        return _run(
            name, train, tuner, project_dir, this_id, deadline, started,
            options={
                "max_trials": max_trials, "max_epochs": max_epochs, "seed": seed,
                "executions_per_trial": executions_per_trial, "fixed": fixed or {},
                "rule": rule, "baseline": baseline,
                "distributed": distributed, "oracle": oracle, "verbose": verbose,
                "data": data if isinstance(data, (str, os.PathLike)) else None,
            },
            echo=echo,
        )  # fmt: skip


def _training_data(name: str, data: Any, seed: int, fixed: dict[str, Any] | None):
    """The training part of `data` (a path, a dataset, or None: the embedded default)."""
    import zoo

    if data is not None and not isinstance(data, (str, os.PathLike)):
        return data
    model = zoo.create_model(name, **(fixed or {}))
    if data is None:
        return model.default_data(seed=seed)[0]
    if not Path(data).exists():
        raise FileNotFoundError(f"--data {data}: no such file or directory.")
    return model.load_data(data, seed=seed)[0]


def _run(name, train, tuner, project_dir, this_id, deadline, started, options, echo):
    from tuning.hypermodels import hypermodel_for
    from tuning.oracle import make_oracle
    from tuning.results import atomic_write_json, write_results
    from tuning.tuner import ZooTuner

    role = options["distributed"] or "local"
    hypermodel = hypermodel_for(
        name, train, fixed=options["fixed"], max_epochs=options["max_epochs"],
        verbose=options["verbose"],
    )  # fmt: skip
    manifest = {
        "model": name,
        "tuner": tuner,
        "objective": hypermodel.objective_name,
        "direction": hypermodel.objective_direction,
        "hparams": list(hypermodel.default_choices()),
        "fixed": options["fixed"],
        "max_epochs": options["max_epochs"],
        "data": str(options["data"]) if options["data"] else "embedded default",
    }
    rule = options["rule"]
    if rule is not None:
        rule.direction = hypermodel.objective_direction
    oracle = make_oracle(
        tuner,
        hypermodel.objective,
        max_trials=options["max_trials"],
        max_epochs=options["max_epochs"],
        seed=options["seed"],
        rule=rule,
        deadline=deadline,
        on_trial_end=lambda _: write_results(project_dir, manifest),
        announce=role == "chief",
    )
    if role != "worker":
        atomic_write_json(project_dir / MANIFEST, manifest)
    zoo_tuner = ZooTuner(
        oracle,
        hypermodel,
        echo=echo,
        directory=str(project_dir.parent),
        project_name=project_dir.name,
        overwrite=False,
        executions_per_trial=options["executions_per_trial"],
    )
    before = {r["trial_id"] for r in _ended(project_dir, manifest)}
    if before and role != "worker":
        echo(f"resuming {project_dir}: {len(before)} trials already ended", flush=True)
    if role == "local" and options["baseline"]:
        _ensure_baseline(project_dir, hypermodel, train, options, deadline, echo)
    with warnings.catch_warnings():
        # keras-tuner warns when a tuner reports every epoch, which this one does on purpose
        warnings.filterwarnings("ignore", message=".*update_trial.*", category=DeprecationWarning)
        _search(zoo_tuner, oracle, train, options, role, this_id, echo)
    if role == "chief" and options["baseline"]:
        _ensure_baseline(project_dir, hypermodel, train, options, Deadline(None), echo)
    if role == "worker":
        summary = {
            "trials": [],
            "ranked": [],
            "best": None,
            "default": None,
            "best_model": None,
            "files": [],
        }
    else:
        summary = write_results(project_dir, manifest)
    reason = _stop_reason(oracle, summary, options, role)
    return SearchResult(
        model=name,
        tuner=tuner,
        objective=manifest["objective"],
        direction=manifest["direction"],
        project_dir=project_dir,
        trials=summary["trials"],
        ranked=summary["ranked"],
        best=summary["best"],
        default=summary["default"],
        best_model_dir=summary["best_model"],
        stop_reason=reason,
        seconds=time.time() - started,
        files=summary["files"],
        role=role,
        trials_run=list(zoo_tuner.trials_run),
        budget=deadline.seconds,
    )


def _search(zoo_tuner, oracle, train, options, role, this_id, echo) -> None:
    epochs = options["max_epochs"]
    if role == "chief":
        from tuning.distributed import serve

        zoo_tuner.save()
        echo(f"chief: serving the oracle at {options['oracle']} ...", flush=True)
        serve(oracle, options["oracle"])
        return
    if role == "worker":
        import grpc

        from tuning.distributed import lost_oracle

        try:
            zoo_tuner.search(train, epochs=epochs)
        except grpc.RpcError as error:
            raise lost_oracle(options["oracle"], error) from None
        return
    try:
        zoo_tuner.search(train, epochs=epochs)
    except RuntimeError as error:
        if "consecutive failures" not in str(error):
            raise
        last = [line for line in str(error).splitlines() if line.strip()][-1]
        raise ValueError(
            f"the search stopped: {str(error).splitlines()[0]} Last error: {last}"
        ) from None


def _ensure_baseline(project_dir, hypermodel, train, options, deadline, echo) -> None:
    from tuning.baseline import run_baseline
    from tuning.results import DEFAULT_MODEL, atomic_write_json

    path = project_dir / "baseline.json"
    if path.is_file():
        return
    result = run_baseline(
        hypermodel,
        train,
        options["max_epochs"],
        deadline,
        echo,
        executions=options["executions_per_trial"],
    )
    if hypermodel.last_model is not None:  # kept: it is the best model if no trial beats it
        hypermodel.last_model.save(project_dir / DEFAULT_MODEL)
    atomic_write_json(path, result)


def _ended(project_dir: Path, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    from tuning.results import ENDED, read_trials

    return [r for r in read_trials(project_dir, manifest["objective"]) if r["status"] in ENDED]


def _stop_reason(oracle, summary, options, role) -> str:
    if getattr(oracle, "stopped_by_budget", False):
        budget = oracle.deadline.seconds
        return f"the time budget ({format_duration(budget)}) ended the search"
    if role == "worker":
        return "the chief ended the search"
    ended = [
        r
        for r in summary["trials"]
        if r["status"] in ("completed", "pruned", "budget_cut", "failed")
    ]
    if len(ended) >= options["max_trials"]:
        return f"max_trials ({options['max_trials']}) reached"
    return "the tuner ran out of new hyperparameters (search space exhausted)"
