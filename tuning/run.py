"""`tuning.search`: a resumable keras-tuner search of a zoo model (what `lstm-zoo tune` runs).

    import tuning
    result = tuning.search("forecast-lstm", tuner="random", max_trials=4, max_epochs=3,
                           directory="runs/tuning")
    result.best_hparams, result.best_model_dir, result.beats_default()
    print(result.text_table())

The function lives here, in `tuning.run`, and is exported as `tuning.search`. The project
directory `DIR/PROJECT` holds keras-tuner's own state (`oracle.json`, `trial_*/trial.json`,
checkpoints), `search.json` (the model and tuner it belongs to) and the results derived
from them (see `tuning.results`), ending with `summary.json` (`tuning.summary`): the best
trial against the registered defaults (trial 0 of every search), on the validation split
and, for both models, on the held-out test split. Running the same search again resumes
it.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tuning.budget import Deadline, format_duration
from tuning.config import SearchConfig
from tuning.projects import (
    check_directory,
    check_project,
    check_project_name,
    check_resume,
    data_fingerprint,
    prepare_folders,
    remove_project,
)
from tuning.pruning import MedianStoppingRule
from tuning.result import SearchResult
from tuning.validation import MANIFEST


def search(
    config: SearchConfig | str,
    data: Any = None,
    *,
    echo: Callable[..., None] = print,
    validation: Any = None,
    test: Any = None,
    **options: Any,
) -> SearchResult:
    """Searches the hyperparameters of a registered model.

    Args:
        config: a `SearchConfig`, or a registry name ("sentiment-lstm", ...) with the
            config's other fields as keyword `options` (tuner, max_trials, max_epochs,
            time_budget, directory, project, overwrite, seed, fixed, prune, baseline,
            distributed, oracle, ...; see `SearchConfig`).
        data: a path (read with the family's `load_data`), the training data itself, or
            None for the family's embedded default (`default_data()`).
        echo: where progress lines go.
        validation: held-out data to select on instead of the family's own split of
            the training data (see `ZooHyperModel`); in memory, not part of a resume's
            fingerprint.
        test: held-out data on which the best and the defaults' models are scored at
            the end when `data` is given in memory (a path or the embedded default
            brings its own test split).

    The project is `directory/project`. Neither may be the working directory, its parents
    or home; a non-empty `directory` must be ours unless `overwrite`, and `overwrite` only
    removes a project folder that lstm-zoo created (it carries the `.lstm-zoo` marker). A
    resume on other data or with other options is refused.

    Returns:
        A `SearchResult`; the results files are in `result.project_dir`.

    Raises:
        ConfigError: a bad option, named; `SearchInputError` for the project's folders.
    """
    if not isinstance(config, SearchConfig):
        config = SearchConfig(config, **options)
    elif options:
        config = config.replace(**options)
    started = time.time()
    rule = None
    if config.prune:  # its direction is the hypermodel's objective's (set in _run)
        rule = MedianStoppingRule("min", config.prune_startup_trials, config.prune_warmup_epochs)
    project = check_project_name(config.project)
    directory = config.directory
    project_dir = directory / project
    worker = config.role == "worker"
    check_directory(directory, config.overwrite)
    check_project(project_dir, config.model, config.tuner, config.overwrite and not worker)
    train, own_test, data_defaults = _datasets(config.model, data, config.seed, config.fixed)
    test = own_test if test is None else test
    source = _Source(
        train=train,
        test=test,
        path=data if _is_path(data) else None,
        sha256=data_fingerprint(data, config.model, config.seed),  # None for data in memory
        data_defaults=data_defaults,
    )

    from tuning.distributed import distributed_environment

    with distributed_environment(config.distributed, config.oracle, config.tuner_id) as this_id:
        if worker:
            from tuning.distributed import wait_for_oracle

            echo(f"worker {this_id}: waiting for the oracle at {config.oracle} ...", flush=True)
            wait_for_oracle(config.oracle, config.connect_timeout)
        elif config.overwrite and project_dir.exists():
            remove_project(project_dir)
        prepare_folders(directory, project_dir)
        deadline = Deadline(config.time_budget, started)
        run = _Run(config, source, project_dir, this_id, deadline, rule, echo)
        run.validation = validation
        return run.execute(started)


@dataclass
class _Source:
    """The training data of a search and where it came from."""

    train: Any
    test: Any
    path: Any
    sha256: str | None
    #: Hyperparameters the data set (`ZooModel.data_defaults`), the search's defaults.
    data_defaults: dict[str, Any]


def _is_path(data: Any) -> bool:
    return isinstance(data, (str, os.PathLike))


def _datasets(name: str, data: Any, seed: int, fixed: dict[str, Any] | None):
    """`(train, test, data_defaults)` of `data` (a path, an embedded dataset's name, the
    data itself, or None: the embedded default), split as the family splits it, and the
    hyperparameters the data set on the model (`ZooModel.data_defaults`); data given in
    memory is all training data (no test split, no data defaults)."""
    import zoo
    from zoo.data.datasets import is_dataset

    if data is not None and not isinstance(data, (str, os.PathLike)):
        return data, None, {}
    model = zoo.create_model(name, **(fixed or {}))
    if data is None:
        train, test = model.default_data(seed=seed)
    elif not is_dataset(data) and not Path(data).exists():
        raise FileNotFoundError(
            f"--data {data}: no such file, directory or embedded dataset (see `lstm-zoo datasets`)."
        )
    else:
        train, test = model.load_data(data, seed=seed)
    for line in model.data_notes:
        print(line, flush=True)
    return train, test, dict(model.data_defaults)


class _Run:
    """One search, from a validated config: builds the hypermodel, oracle and tuner,
    runs the trials (the registered defaults first), and writes the results."""

    def __init__(self, config, source, project_dir, this_id, deadline, rule, echo) -> None:
        self.config = config
        self.source = source
        self.project_dir = project_dir
        self.this_id = this_id
        self.deadline = deadline
        self.rule = rule
        self.echo = echo
        self._strategy = None
        self.validation = None

    def manifest(self, hypermodel) -> dict[str, Any]:
        """What `search.json` says the project is (checked on every resume)."""
        config = self.config
        return {
            "model": config.model,
            "tuner": config.tuner,
            "objective": hypermodel.objective_name,
            "direction": hypermodel.objective_direction,
            "hparams": list(hypermodel.default_choices()),
            "fixed": dict(config.fixed),
            "max_epochs": config.max_epochs,
            "executions_per_trial": config.executions_per_trial,
            "seed": config.seed,
            "data": str(self.source.path) if self.source.path else "embedded default",
            "data_sha256": self.source.sha256,
        }

    def execute(self, started: float) -> SearchResult:
        from tuning.hypermodels import hypermodel_for
        from tuning.oracle import make_oracle
        from tuning.results import atomic_write_json, write_results
        from tuning.tuner import ZooTuner

        config, project_dir, role = self.config, self.project_dir, self.config.role
        hypermodel = hypermodel_for(
            config.model, self.source.train, fixed=dict(config.fixed),
            max_epochs=config.max_epochs, verbose=config.verbose,
            data_defaults=self.source.data_defaults, validation=self.validation,
        )  # fmt: skip
        manifest = self.manifest(hypermodel)
        if self.rule is not None:
            self.rule.direction = hypermodel.objective_direction
        oracle = make_oracle(
            config.tuner,
            hypermodel.objective,
            max_trials=config.max_trials,
            max_epochs=config.max_epochs,
            seed=config.seed,
            rule=self.rule,
            deadline=self.deadline,
            on_trial_end=lambda _: write_results(project_dir, manifest),
            announce=role == "chief",
            defaults_first=config.baseline,
            trial_timeout=config.trial_timeout if role == "chief" else None,
        )
        if role != "worker":
            check_resume(project_dir, manifest)  # the same data and options, or refused
            atomic_write_json(project_dir / MANIFEST, manifest)
        strategy = self.strategy()
        zoo_tuner = ZooTuner(
            oracle,
            hypermodel,
            echo=self.echo,
            directory=str(project_dir.parent),
            project_name=project_dir.name,
            overwrite=False,
            executions_per_trial=config.executions_per_trial,
            distribution_strategy=strategy,
        )
        before = {r["trial_id"] for r in _ended(project_dir, manifest)}
        if before and role != "worker":
            self.echo(f"resuming {project_dir}: {len(before)} trials already ended", flush=True)
        with warnings.catch_warnings():
            # keras-tuner warns when a tuner reports every epoch, which this one does on purpose
            warnings.filterwarnings(
                "ignore", message=".*update_trial.*", category=DeprecationWarning
            )
            try:
                self.search(zoo_tuner, oracle)
            finally:
                zoo_tuner.unfreeze()  # also when the search was stopped by an error
        report = None
        if role == "worker":
            summary = {k: [] for k in ("trials", "ranked", "files")}
            summary.update(best=None, default=None, best_model=None)
        else:
            summary = write_results(project_dir, manifest, final=True)
            from tuning.summary_writer import finish

            report = finish(
                project_dir, manifest, summary, hypermodel, self.source.test,
                seconds=time.time() - started, seed=config.seed,
            )  # fmt: skip
            summary["files"] += [f for f in report["files"] if f not in summary["files"]]
        return SearchResult(
            model=config.model,
            tuner=config.tuner,
            objective=manifest["objective"],
            direction=manifest["direction"],
            project_dir=project_dir,
            trials=summary["trials"],
            ranked=summary["ranked"],
            best=summary["best"],
            default=summary["default"],
            best_model_dir=summary["best_model"],
            stop_reason=self.stop_reason(oracle, summary),
            seconds=time.time() - started,
            files=summary["files"],
            role=role,
            trials_run=list(zoo_tuner.trials_run),
            budget=self.deadline.seconds,
            report=report,
        )

    def search(self, zoo_tuner, oracle) -> None:
        config, train, epochs = self.config, self.source.train, self.config.max_epochs
        if config.role == "chief":
            from tuning.distributed import serve

            zoo_tuner.save()
            self.echo(f"chief: serving the oracle at {config.oracle} ...", flush=True)
            serve(oracle, config.oracle)
            return
        if config.role == "worker":
            import grpc

            from tuning.distributed import lost_oracle

            try:
                zoo_tuner.search(train, epochs=epochs)
            except grpc.RpcError as error:
                raise lost_oracle(config.oracle, error) from None
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

    def strategy(self):
        """The `tf.distribute` strategy each trial trains under (`--distribute`), made
        once per search; None without one."""
        if self.config.distribute is None:
            return None
        if self._strategy is None:
            from zoo.distribute import make_strategy

            self._strategy = make_strategy(self.config.distribute)
            self.echo(
                f"each trial trains under {type(self._strategy).__name__} "
                f"({self._strategy.num_replicas_in_sync} replica(s))",
                flush=True,
            )
        return self._strategy

    def stop_reason(self, oracle, summary) -> str:
        if getattr(oracle, "stopped_by_budget", False):
            budget = oracle.deadline.seconds
            return f"the time budget ({format_duration(budget)}) ended the search"
        if self.config.role == "worker":
            return "the chief ended the search"
        ended = [
            r
            for r in summary["trials"]
            if r["status"] in ("completed", "pruned", "budget_cut", "failed")
        ]
        if len(ended) >= self.config.max_trials:
            return f"max_trials ({self.config.max_trials}) reached"
        return "the tuner ran out of new hyperparameters (search space exhausted)"


def _ended(project_dir: Path, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    from tuning.results import ENDED, read_trials

    return [r for r in read_trials(project_dir, manifest["objective"]) if r["status"] in ENDED]
