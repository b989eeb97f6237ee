"""`ZooOracle`: keras-tuner's oracles with pruning, a time budget and a safe resume.

A mixin put in front of each keras-tuner oracle (`make_oracle`), so random search,
Bayesian optimisation, Hyperband and grid search all get, locally and as the chief of a
distributed search:

* **median-stopping pruning**: every epoch a tuner reports goes through
  `MedianStoppingRule`; a trial worse than the median of earlier completed trials at that
  epoch gets `status == "STOPPED"` back from `update_trial` (which keras-tuner's gRPC
  service carries to workers), and is recorded as pruned;
* **a time budget**: once spent, `create_trial` answers STOPPED (no new trial starts) and
  `update_trial` stops the running ones at their next epoch;
* **a per-trial record** (tuner id, start, seconds, pruned/cut) written into each trial's
  own `trial.json` under the key "zoo", which keras-tuner ignores on reload; the results
  files are derived from these files only;
* **atomic writes** of `trial.json` and `oracle.json` (temporary file + `os.replace`), so a
  kill -9 never leaves half a file;
* **a repaired reload** (keras-tuner issues #439, #835): trials left RUNNING by a crash are
  retried (their partial metrics dropped), a trial that completed just before the crash is
  never queued again, and grid search gets its queue of combinations back;
* **the registered defaults as trial 0** (`defaults_first`): the first configuration a
  random, Bayesian or Hyperband oracle proposes is the default point of the space, so the
  defaults get the same epochs, pruning and budget as every other trial and are scored
  like them (recorded as `"defaults": true`);
* **a lost worker's trial is re-queued** (`trial_timeout`): a running trial whose tuner
  has reported nothing (no start, no epoch) for `trial_timeout` seconds is queued again
  for the next tuner that asks, and the silent tuner is forgotten, so a chief never waits
  forever for a worker that died mid-trial. While other trials still run, a tuner that
  would be told to stop is told to wait instead (IDLE), so it can take a re-queued trial.
"""

from __future__ import annotations

import copy
import glob
import importlib.util
import json
import os
import time
from collections.abc import Callable
from typing import Any

import keras_tuner

from tuning import compat
from tuning.budget import Deadline
from tuning.pruning import MedianStoppingRule
from tuning.results import atomic_write_text

TrialStatus = compat.TrialStatus
synchronized = compat.synchronized
_TERMINAL = (TrialStatus.COMPLETED, TrialStatus.FAILED)


class ZooOracle(compat.OracleHooks):
    """Mixin over a keras-tuner `Oracle` (see the module docstring).

    Args:
        rule: the pruning rule, or None for no pruning.
        deadline: the time budget (`Deadline(None)`: none).
        on_trial_end: called with the oracle after every ended trial (writes results).
        announce: print a line when a trial starts and ends (the chief of a
            distributed search, which trains nothing itself).
        **kwargs: the keras-tuner oracle's arguments.
    """

    def __init__(
        self,
        *args: Any,
        rule: MedianStoppingRule | None = None,
        deadline: Deadline | None = None,
        on_trial_end: Callable[[Any], None] | None = None,
        announce: bool = False,
        defaults_first: bool = True,
        trial_timeout: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.defaults_first = defaults_first
        self.trial_timeout = trial_timeout
        self._proposed_defaults = False
        self.rule = rule
        self.deadline = deadline or Deadline(None)
        self.on_trial_end = on_trial_end
        self.announce = announce
        self.records: dict[str, dict[str, Any]] = {}
        self.stopped_by_budget = False
        self.verbose = 0  # keras-tuner's own display clears notebook output; we print

    # -- trials ---------------------------------------------------------------------
    def propose_values(self) -> dict[str, Any] | None:
        if self.defaults_first and not self.trials:
            self._proposed_defaults = True
            return default_values(self.hyperparameters)
        return super().propose_values()

    @synchronized
    def create_trial(self, tuner_id: str) -> Any:
        self.requeue_lost(asking=tuner_id)
        if tuner_id not in self.ongoing_trials and self.deadline.expired():
            self.stopped_by_budget = True
            self.tuner_ids.discard(tuner_id)
            return compat.Trial(self.get_space(), status=TrialStatus.STOPPED)
        resuming = tuner_id in self.ongoing_trials
        queue = compat.retry_queue(self)
        retry = queue[-1] if queue else None
        self._proposed_defaults = False
        trial = super().create_trial(tuner_id)
        others = [t for t in self.ongoing_trials if t != tuner_id]
        if trial.status == TrialStatus.STOPPED and self.trial_timeout and others:
            # other trials still run and may be lost: wait, to take one if re-queued
            self.tuner_ids.add(tuner_id)
            return compat.Trial(self.get_space(), status=TrialStatus.IDLE)
        if trial.status == TrialStatus.RUNNING and not resuming:
            record = self.records.setdefault(trial.trial_id, {})
            if self._proposed_defaults:
                record["defaults"] = True
                self._proposed_defaults = False
            if trial.trial_id == retry:  # a fresh start: drop the failed run's epochs
                trial.metrics = compat.MetricsTracker()
                trial.score, trial.best_step = None, 0
                for key in ("pruned", "budget_cut", "seconds", "heartbeat"):
                    record.pop(key, None)
            record.update(tuner_id=tuner_id, started=time.time(), runs=record.get("runs", 0) + 1)
            self.write_trial(trial)
            if self.announce:
                print(f"trial {trial.trial_id} -> {tuner_id}: {_values(trial)}", flush=True)
        return trial

    @synchronized
    def update_trial(self, trial_id: str, metrics: dict[str, float], step: int = 0) -> Any:
        record = self.records.setdefault(trial_id, {})
        record["heartbeat"] = time.time()
        value = metrics.get(self.objective.name)
        stop = False
        if self.rule is not None and value is not None and "pruned" not in record:
            decision = self.rule.decide(step + 1, value, self.peer_values(trial_id, step))
            if decision.prune:
                record["pruned"] = {
                    "epoch": step + 1,
                    "value": float(value),
                    "median": decision.median,
                    "peers": decision.peers,
                }
                stop = True
        if not stop and self.deadline.expired():
            record["budget_cut"] = {"epoch": step + 1}
            self.stopped_by_budget = stop = True
        stop = stop or "pruned" in record
        trial = super().update_trial(trial_id, metrics, step=step)
        if not stop:
            return trial
        reply = copy.copy(trial)  # the stored trial keeps RUNNING until it ends
        reply.status = TrialStatus.STOPPED
        return reply

    @synchronized
    def end_trial(self, trial: Any) -> None:
        # a trial re-queued as lost whose tuner was only slow: it has ended, run it no more
        queue = compat.retry_queue(self)
        if trial.trial_id in queue and trial.status in _TERMINAL:
            compat.set_retry_queue(self, [t for t in queue if t != trial.trial_id])
        record = self.records.setdefault(trial.trial_id, {})
        record["seconds"] = round(time.time() - record.get("started", time.time()), 3)
        super().end_trial(trial)
        if self.announce:
            ended = self.trials[trial.trial_id]
            outcome = describe_end(ended, record, self.objective.name)
            print(f"trial {trial.trial_id} {outcome}", flush=True)
        if self.on_trial_end is not None:
            try:
                self.on_trial_end(self)
            except Exception as error:  # results are written again at the end
                print(f"warning: could not write the results files: {error}", flush=True)

    @synchronized
    def requeue_lost(self, asking: str | None = None) -> list[str]:
        """Queues again every running trial whose tuner (not `asking`) has been silent
        for `trial_timeout` seconds, and forgets that tuner; returns the trial ids."""
        if not self.trial_timeout:
            return []
        now, lost = time.time(), []
        for tuner_id, trial in list(self.ongoing_trials.items()):
            record = self.records.setdefault(trial.trial_id, {})
            last = max(record.get("started", now), record.get("heartbeat", 0.0))
            if tuner_id == asking or now - last <= self.trial_timeout:
                continue
            del self.ongoing_trials[tuner_id]
            self.tuner_ids.discard(tuner_id)
            queue = [t for t in compat.retry_queue(self) if t != trial.trial_id]
            compat.set_retry_queue(self, [*queue, trial.trial_id])  # popped next
            record["requeued"] = [*record.get("requeued", []), tuner_id]
            lost.append(trial.trial_id)
            print(
                f"trial {trial.trial_id}: tuner {tuner_id} silent for "
                f"{now - last:.0f} s (--trial-timeout {self.trial_timeout:g}); queued again",
                flush=True,
            )
        if lost:
            self.save()
        return lost

    def peer_values(self, trial_id: str, step: int) -> list[float]:
        """The objective at `step` of every other completed, unpruned trial."""
        values = []
        for other in self.trials.values():
            if other.trial_id == trial_id or other.status != TrialStatus.COMPLETED:
                continue
            if "pruned" in self.records.get(other.trial_id, {}):
                continue
            if not other.metrics.exists(self.objective.name):
                continue
            for observation in other.metrics.get_history(self.objective.name):
                if observation.step == step:
                    values.append(float(observation.mean()))
        return values

    def record_of(self, trial_id: str) -> dict[str, Any]:
        return dict(self.records.get(trial_id, {}))

    # -- persistence ----------------------------------------------------------------
    def write_trial(self, trial) -> None:
        state = trial.get_state()
        state["zoo"] = self.records.get(trial.trial_id, {})
        path = os.path.join(compat.trial_dir(self, trial.trial_id), "trial.json")
        atomic_write_text(path, json.dumps(state))

    def save(self) -> None:
        atomic_write_text(compat.oracle_file(self), json.dumps(self.get_state()))

    def reload(self) -> None:
        super().reload()
        pattern = os.path.join(compat.project_dir(self), "trial_*", "trial.json")
        for path in glob.glob(pattern):
            with open(path) as handle:
                state = json.load(handle)
            self.records[state["trial_id"]] = dict(state.get("zoo") or {})
        self.repair()

    def repair(self) -> list[str]:
        """Makes a reloaded state consistent with the trial files; returns the ids of the
        interrupted trials queued again."""
        queued = []
        retry = compat.retry_queue(self)
        for trial_id in sorted(self.trials):
            trial = self.trials[trial_id]
            if trial_id not in self.start_order:
                self.start_order.append(trial_id)
            if trial.status in _TERMINAL:  # ended, even if oracle.json missed it
                retry = [t for t in retry if t != trial_id]
                if trial_id not in self.end_order:
                    self.end_order.append(trial_id)
            elif trial_id not in retry:  # RUNNING when the process died
                queued.append(trial_id)
            if trial.hyperparameters.values:
                compat.record_values(self, trial)
        # keras-tuner pops the queue from its end: the lowest id runs first.
        compat.set_retry_queue(self, sorted(set(retry) | set(queued), reverse=True))
        for trial_id in compat.retry_queue(self):
            trial = self.trials[trial_id]
            trial.metrics = compat.MetricsTracker()
            trial.score, trial.best_step = None, 0
        if isinstance(self, keras_tuner.oracles.GridSearchOracle):
            self._restore_grid()
        return queued

    def _restore_grid(self) -> None:
        """Grid search keeps its visiting order out of oracle.json: rebuild it."""
        tried = [t for t in self.start_order if self.trials[t].hyperparameters.values]
        compat.restore_grid_order(self, tried)


def describe_end(trial: Any, record: dict[str, Any], objective: str = "score") -> str:
    """ "completed in 12.3 s: val_loss 0.0123" / "pruned at epoch 2 ..." for one trial."""
    seconds = record.get("seconds")
    took = f" in {seconds:.1f} s" if seconds is not None else ""
    score = "" if trial.score is None else f": {objective} {trial.score:.6g}"
    if trial.status != TrialStatus.COMPLETED:
        return f"{trial.status.lower()}{took}"
    if "pruned" in record:
        p = record["pruned"]
        return (
            f"pruned at epoch {p['epoch']}{took}{score} (worse than the median "
            f"{p['median']:.6g} of {p['peers']} earlier trials)"
        )
    if "budget_cut" in record:
        return f"cut by the time budget at epoch {record['budget_cut']['epoch']}{took}{score}"
    return f"completed{took}{score}"


def default_values(space: Any) -> dict[str, Any]:
    """The default point of a keras-tuner `HyperParameters` space (active values only)."""
    hps = keras_tuner.HyperParameters()
    for hp in space.space:
        hps.merge([hp])
        if hps.is_active(hp):
            hps.values[hp.name] = hp.default
    return dict(hps.values)


def _values(trial) -> str:
    return ", ".join(f"{k}={_short(v)}" for k, v in trial.hyperparameters.values.items())


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


_BASES = {
    "random": keras_tuner.oracles.RandomSearchOracle,
    "bayesian": keras_tuner.oracles.BayesianOptimizationOracle,
    "hyperband": keras_tuner.oracles.HyperbandOracle,
    "grid": keras_tuner.oracles.GridSearchOracle,
}
#: The names `--tuner` takes.
TUNERS = tuple(_BASES)
_CLASSES = {
    kind: type(f"Zoo{base.__name__}", (ZooOracle, base), {}) for kind, base in _BASES.items()
}


def make_oracle(
    kind: str,
    objective: keras_tuner.Objective,
    *,
    max_trials: int,
    max_epochs: int,
    seed: int = 0,
    **options: Any,
):
    """A keras-tuner oracle of `kind` ("random", "bayesian", "hyperband", "grid") with the
    `ZooOracle` additions (`options`: rule, deadline, on_trial_end, announce).

    Hyperband runs as many brackets as `max_trials` allows (its own size depends on
    `max_epochs` and the reduction factor 3).
    """
    if kind not in _CLASSES:
        raise ValueError(f"unknown tuner {kind!r}; choose one of {', '.join(TUNERS)}.")
    missing = [m for m in ("scipy", "sklearn") if importlib.util.find_spec(m) is None]
    if kind == "bayesian" and missing:
        raise ValueError(
            f"the bayesian tuner needs {missing[0]} (pip install 'keras-tuner[bayesian]')."
        )
    common = {"objective": objective, "seed": seed + 1}  # keras-tuner reads seed 0 as "random"
    if kind == "hyperband":
        oracle = _CLASSES[kind](
            max_epochs=max_epochs, factor=3, hyperband_iterations=None, **common, **options
        )
        oracle.max_trials = max_trials
        return oracle
    return _CLASSES[kind](max_trials=max_trials, **common, **options)
