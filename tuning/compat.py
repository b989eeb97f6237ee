"""The one module that reaches into keras-tuner's internals.

lstm-zoo builds on keras-tuner's public `Oracle`, `Tuner` and `HyperModel`, but a safe
resume, per-epoch pruning and a chief that serves its own oracle need a few of its private
members: the retry queue, trial directories, the grid-search order, the best-epoch
checkpoint callback and the gRPC servicer. Every such use is here, behind a small public
function or mixin, so that the rest of `tuning/` speaks only public names, and
`check()` (run by the tests) says at once which piece a new keras-tuner release moved.

Written against keras-tuner 1.4.x (pinned in pyproject.toml).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

import keras_tuner
from keras_tuner.src.engine import metrics_tracking, tuner_utils
from keras_tuner.src.engine import trial as _trial
from keras_tuner.src.engine.oracle import synchronized as _synchronized

#: The keras-tuner releases this module was written against.
SUPPORTED = ("1.4.",)

Trial = _trial.Trial
TrialStatus = _trial.TrialStatus
MetricsTracker = metrics_tracking.MetricsTracker
SaveBestEpoch = tuner_utils.SaveBestEpoch
TunerCallback = tuner_utils.TunerCallback
#: keras-tuner's lock around oracle methods (a re-entrant lock per oracle).
synchronized: Callable[[Callable[..., Any]], Callable[..., Any]] = _synchronized


# -- oracles ------------------------------------------------------------------------------
class OracleHooks:
    """Mixin over a keras-tuner `Oracle`: `write_trial(trial)` replaces keras-tuner's own
    trial writer (override it; the default is keras-tuner's)."""

    def _save_trial(self, trial: Any) -> None:  # keras-tuner's hook
        self.write_trial(trial)

    def write_trial(self, trial: Any) -> None:
        super()._save_trial(trial)  # type: ignore[misc]

    def _random_values(self) -> dict[str, Any] | None:  # keras-tuner's hook
        return self.propose_values()

    def propose_values(self) -> dict[str, Any] | None:
        """The values of the next new configuration (random, Bayesian's initial points
        and Hyperband's new candidates all ask here); the default is keras-tuner's
        random sample, None when the space is exhausted."""
        return super()._random_values()  # type: ignore[misc]


def retry_queue(oracle: Any) -> list[str]:
    """Trial ids queued to run again, the next one last (keras-tuner pops from the end)."""
    return oracle._retry_queue


def set_retry_queue(oracle: Any, trial_ids: Iterable[str]) -> None:
    oracle._retry_queue = list(trial_ids)


def trial_dir(oracle: Any, trial_id: str) -> str:
    """The directory of one trial (`PROJECT/trial_ID`)."""
    return oracle._get_trial_dir(trial_id)


def oracle_file(oracle: Any) -> str:
    """The path of `oracle.json`."""
    return oracle._get_oracle_fname()


def project_dir(oracle: Any) -> str:
    return oracle._project_dir


def record_values(oracle: Any, trial: Any) -> None:
    """Marks `trial`'s values as tried (so the oracle does not propose them again)."""
    oracle._record_values(trial)


def restore_grid_order(oracle: Any, tried: list[str]) -> None:
    """Rebuilds a grid-search oracle's visiting order, which `oracle.json` does not keep,
    from the ids of the trials already tried."""
    from keras_tuner.src.tuners.gridsearch import LinkedList

    values = {t: oracle.trials[t].hyperparameters.values for t in tried}
    order = sorted(
        tried, key=functools.cmp_to_key(lambda a, b: oracle._compare(values[a], values[b]))
    )
    linked = LinkedList()
    for trial_id in order:
        linked.insert(trial_id)
    oracle._ordered_ids = linked
    oracle._populate_next = list(tried)


# -- tuners -------------------------------------------------------------------------------
class TunerHooks:
    """Mixin over a keras-tuner `Tuner`: `after_build(model, hp)` sees (and may replace)
    each model keras-tuner builds; the other methods name the internals a tuner uses."""

    def _build_hypermodel(self, hp: Any) -> Any:  # keras-tuner's hook
        return self.after_build(super()._build_hypermodel(hp), hp)  # type: ignore[misc]

    def after_build(self, model: Any, hp: Any) -> Any:
        return model

    def checkpoint_path(self, trial_id: str) -> str:
        """Where keras-tuner keeps a trial's best-epoch weights."""
        return self._get_checkpoint_fname(trial_id)

    def tuner_file(self) -> str:
        """The path of this tuner's `tuner_ID.json`."""
        return self._get_tuner_fname()

    def is_worker(self) -> bool:
        return self._is_worker()

    def build_and_fit(self, trial: Any, *args: Any, **kwargs: Any) -> Any:
        """Builds the trial's model and fits it once (keras-tuner's own step)."""
        return self._build_and_fit_model(trial, *args, **kwargs)

    def trial_callbacks(self, callbacks: list[Any], trial: Any, execution: int) -> list[Any]:
        """Fresh copies of `callbacks`, with TensorBoard's log directory set per trial."""
        copied = self._deepcopy_callbacks(callbacks)
        self._configure_tensorboard_dir(copied, trial, execution)
        return copied


# -- the distributed chief and workers ----------------------------------------------------
def set_rpc_timeout(seconds: float) -> None:
    """How long a worker's call to the chief may take (keras-tuner's default: an hour)."""
    from keras_tuner.src.distribute import oracle_client

    oracle_client.TIMEOUT = seconds


def add_oracle_service(server: Any, oracle: Any) -> Any:
    """Adds keras-tuner's oracle gRPC service for `oracle` to `server`; returns the servicer
    (`.stop_triggered` turns True once a worker was told to stop)."""
    from keras_tuner.src import protos
    from keras_tuner.src.distribute.oracle_chief import OracleServicer

    servicer = OracleServicer(oracle)
    protos.get_service_grpc().add_OracleServicer_to_server(servicer, server)
    return servicer


def chief_may_exit(oracle: Any) -> bool:
    """keras-tuner's own test that no trial runs and every worker has been stopped."""
    from keras_tuner.src.distribute.oracle_chief import exit_chief

    return exit_chief(oracle)


# -- the check ----------------------------------------------------------------------------
_ORACLE_MEMBERS = (
    "_get_trial_dir",
    "_get_oracle_fname",
    "_project_dir",
    "_record_values",
    "_save_trial",
    "_random_values",
)
_TUNER_MEMBERS = (
    "_build_hypermodel",
    "_get_checkpoint_fname",
    "_get_tuner_fname",
    "_is_worker",
    "_build_and_fit_model",
    "_deepcopy_callbacks",
    "_configure_tensorboard_dir",
)


def check() -> list[str]:
    """What of keras-tuner this module needs and cannot find (empty when all is there).

    Looks at the classes (methods and properties) and at a fresh oracle's attributes,
    without setting a project directory (keras-tuner creates it on first access).
    """
    problems = []
    version = keras_tuner.__version__
    if not version.startswith(SUPPORTED):
        problems.append(f"keras-tuner {version} (written for {', '.join(SUPPORTED)}x)")
    base = keras_tuner.Oracle
    problems += [f"Oracle.{m}" for m in _ORACLE_MEMBERS if not hasattr(base, m)]
    oracle = keras_tuner.oracles.RandomSearchOracle(
        objective=keras_tuner.Objective("loss", "min"), max_trials=1
    )
    if not isinstance(vars(oracle).get("_retry_queue"), list):
        problems.append("Oracle._retry_queue")
    grid = keras_tuner.oracles.GridSearchOracle
    problems += [f"GridSearchOracle.{m}" for m in ("_compare",) if not hasattr(grid, m)]
    problems += [f"Tuner.{m}" for m in _TUNER_MEMBERS if not hasattr(keras_tuner.Tuner, m)]
    try:
        from keras_tuner.src import protos
        from keras_tuner.src.distribute import oracle_chief, oracle_client
        from keras_tuner.src.tuners.gridsearch import LinkedList  # noqa: F401

        for owner, name in (
            (oracle_client, "TIMEOUT"),
            (oracle_chief, "OracleServicer"),
            (oracle_chief, "exit_chief"),
            (protos, "get_service_grpc"),
        ):
            if not hasattr(owner, name):
                problems.append(f"{owner.__name__}.{name}")
    except ImportError as error:
        problems.append(f"import: {error}")
    return problems
