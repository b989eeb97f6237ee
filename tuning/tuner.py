"""`ZooTuner`: the keras-tuner `Tuner` that trains zoo models, for every oracle.

It runs each trial through the family's `ZooHyperModel` and reports the objective to the
oracle after every epoch (so the oracle can prune a trial or end it at the time budget,
and keeps the objective of every epoch in `trial.json`). When the oracle answers
STOPPED, training stops at the end of that epoch. The zoo model of each trial (the best
of its executions) is saved in `trial_ID/zoo_model/` when it can matter (it beats every
trial ended so far, or it is the registered defaults), from which the results keep the
best one and the defaults' one. `trial_ID/zoo_trial.json` records the family's task
metrics on the validation split (`ZooHyperModel.validation_metrics`), the seconds spent
in `fit` and the seconds of the whole trial, from which the results derive the per-trial
overhead. Hyperband's extra hyperparameters ("tuner/epochs", "tuner/initial_epoch",
"tuner/trial_id") are honoured as keras-tuner's own Hyperband tuner does.
"""

from __future__ import annotations

import copy
import gc
import json
import time
from pathlib import Path
from typing import Any

import keras_tuner

from tuning import compat
from tuning.compat import TrialStatus
from tuning.results import atomic_write_text

#: Where each trial's fitted zoo model goes, inside its trial directory.
TRIAL_MODEL_DIR = "zoo_model"
#: Each trial's task metrics and timing, inside its trial directory.
TRIAL_RECORD = "zoo_trial.json"


class ZooTuner(compat.TunerHooks, keras_tuner.Tuner):
    """A keras-tuner `Tuner` over a `ZooHyperModel` and a `ZooOracle` (see the module).

    Args:
        oracle: from `tuning.oracle.make_oracle`.
        hypermodel: from `tuning.hypermodel_for`.
        echo: where progress lines go (default `print`); None for silence.
        **kwargs: `keras_tuner.Tuner` arguments (directory, project_name, overwrite,
            executions_per_trial, ...).
    """

    def __init__(self, oracle, hypermodel, *, echo=print, **kwargs: Any) -> None:
        self.echo = echo or (lambda *a, **k: None)
        self._stopped: dict[str, str] = {}
        self._epochs: dict[str, dict[int, list[float]]] = {}
        self._started: dict[str, float] = {}
        self._fit_seconds: dict[str, float] = {}
        self._task: dict[str, dict[str, float]] = {}
        self._parts: dict[str, dict[str, float]] = {}
        self._defaults: dict[str, Any] | None = None
        self._begun = 0
        self._execution = 0
        self._begun_at_last_request = -1
        self._frozen = False  # whether this search froze the heap (`on_search_begin`)
        self.trials_run: list[str] = []
        super().__init__(oracle=oracle, hypermodel=hypermodel, **kwargs)

    # -- the search loop ------------------------------------------------------------
    def on_search_begin(self) -> None:
        # Write tuner0.json (and oracle.json) before any trial, so that a search killed
        # during its very first trial is reloaded, not started over.
        self.save()
        # keras-tuner clears the session and runs two full garbage collections before
        # every build (its own and `clear_session`'s). Over the ~400,000 objects that
        # TensorFlow, Keras and the data bring, they took about 0.5 s a trial here, a
        # tenth of a short trial. Freezing what exists now keeps it out of every
        # collection (`gc.freeze`); the trials' own garbage is still collected, and the
        # search unfreezes at its end.
        gc.freeze()
        self._frozen = True

    def on_search_end(self) -> None:
        try:
            super().on_search_end()
        finally:
            self.unfreeze()

    def unfreeze(self) -> None:
        """Gives the objects frozen at the search's start back to the garbage collector
        (also after a search that ended in an error)."""
        if self._frozen:
            gc.unfreeze()
            self._frozen = False

    def pre_create_trial(self) -> None:
        # keras-tuner asks again at once when the oracle answers IDLE (Hyperband or grid
        # waiting on other workers): wait a little instead of spinning.
        if self._begun_at_last_request == self._begun:
            time.sleep(0.5)
        self._begun_at_last_request = self._begun

    def on_trial_begin(self, trial) -> None:
        self._begun += 1
        self._stopped.pop(trial.trial_id, None)
        self._epochs[trial.trial_id] = {}
        self._started[trial.trial_id] = time.perf_counter()
        self._fit_seconds[trial.trial_id] = 0.0
        self._task[trial.trial_id] = {}
        self._parts[trial.trial_id] = {}
        values = ", ".join(f"{k}={_fmt(v)}" for k, v in trial.hyperparameters.values.items())
        self.echo(f"\ntrial {trial.trial_id} [{self.tuner_id}] {values}", flush=True)

    def run_trial(self, trial: Any, *args: Any, **kwargs: Any) -> list[dict[str, float]]:
        hp = trial.hyperparameters
        if "tuner/epochs" in hp.values:  # Hyperband
            kwargs["epochs"] = hp.values["tuner/epochs"]
            kwargs["initial_epoch"] = hp.values["tuner/initial_epoch"]
        objective = self.oracle.objective
        checkpoint = compat.SaveBestEpoch(
            objective=objective, filepath=self.checkpoint_path(trial.trial_id)
        )
        original = kwargs.pop("callbacks", [])
        results, best = [], None
        for execution in range(self.executions_per_trial):
            self.hypermodel.execution = self._execution = execution
            copied = copy.copy(kwargs)
            callbacks = self.trial_callbacks(original, trial, execution)
            callbacks += [compat.TunerCallback(self, trial), checkpoint]
            copied["callbacks"] = callbacks
            metrics = self.build_and_fit(trial, *args, **copied)
            self._fit_seconds[trial.trial_id] += self.hypermodel.fit_seconds
            parts = self._parts[trial.trial_id]
            parts["build_seconds"] = parts.get("build_seconds", 0.0) + self.hypermodel.build_seconds
            results.append(metrics)
            value = objective.get_value(metrics)
            if best is None or objective.better_than(value, best[0]):
                best = (value, self.hypermodel.last_model)
            if trial.trial_id in self._stopped:
                break  # pruned or out of time: no more executions
        self.hypermodel.execution = self._execution = 0
        data = args[0] if args else self.hypermodel.training_data()
        start = time.perf_counter()
        self._task[trial.trial_id] = self.hypermodel.validation_metrics(best[1], data)
        self._parts[trial.trial_id]["metric_seconds"] = time.perf_counter() - start
        start = time.perf_counter()
        if self.is_defaults(hp.values) or self._beats_the_best(best[0]):
            best[1].save(Path(self.get_trial_dir(trial.trial_id)) / TRIAL_MODEL_DIR)
        self._parts[trial.trial_id]["save_seconds"] = time.perf_counter() - start
        self.trials_run.append(trial.trial_id)
        return results

    def is_defaults(self, values: dict[str, Any]) -> bool:
        """Whether `values` (a trial's, Hyperband's "tuner/..." aside) are the space's
        default point: the registered defaults."""
        if self._defaults is None:
            self._defaults = self.hypermodel.default_choices()
        plain = {k: v for k, v in values.items() if not k.startswith("tuner/")}
        return plain == self._defaults

    def _beats_the_best(self, value: float | None) -> bool:
        if value is None:
            return False
        best = [t for t in self.oracle.get_best_trials(1) if t.score is not None]
        return not best or self.oracle.objective.better_than(value, best[0].score)

    def after_build(self, model, hp):
        if "tuner/trial_id" in hp.values:  # Hyperband: continue from the earlier round
            model.load_weights(self.checkpoint_path(hp.values["tuner/trial_id"]))
        return model

    def on_epoch_end(self, trial, model, epoch, logs=None) -> None:
        name = self.oracle.objective.name
        if not logs or name not in logs:
            return
        step = int(trial.hyperparameters.values.get("tuner/initial_epoch", 0)) + int(epoch)
        value = float(logs[name])
        self._epochs[trial.trial_id].setdefault(step, []).append(value)
        reply = self.oracle.update_trial(trial.trial_id, {name: value}, step=step)
        line = f"  trial {trial.trial_id} epoch {step + 1}: {name} {value:.6g}"
        if self.executions_per_trial > 1:
            line += f" (execution {self._execution + 1}/{self.executions_per_trial})"
        if reply.status == TrialStatus.STOPPED:
            reason = self._stop_reason(trial.trial_id)
            self._stopped[trial.trial_id] = reason
            model.stop_training = True
            line += f"  -> stopped: {reason}"
        self.echo(line, flush=True)

    def on_trial_end(self, trial) -> None:
        start = time.perf_counter()
        super().on_trial_end(trial)  # the oracle ends the trial, writes the results files
        self._parts.setdefault(trial.trial_id, {})["end_seconds"] = time.perf_counter() - start
        seconds = time.perf_counter() - self._started.get(trial.trial_id, time.perf_counter())
        record = {
            "task_metrics": self._task.get(trial.trial_id, {}),
            "fit_seconds": round(self._fit_seconds.get(trial.trial_id, 0.0), 4),
            "trial_seconds": round(seconds, 4),
            # where the time outside fit went: the build, the task metric, the save, the end
            "parts": {k: round(v, 4) for k, v in self._parts.get(trial.trial_id, {}).items()},
        }
        path = Path(self.get_trial_dir(trial.trial_id)) / TRIAL_RECORD
        atomic_write_text(path, json.dumps(record))
        score = self.local_score(trial.trial_id)
        name = self.oracle.objective.name
        if trial.status != TrialStatus.COMPLETED:
            last = (trial.message or "").strip().splitlines()[-1:] or [""]
            outcome = f"{trial.status.lower()}: {last[0]}"
        else:
            outcome = self._stopped.get(trial.trial_id, "completed")
            outcome = "pruned" if outcome.startswith("pruned") else outcome
            outcome += "" if score is None else f", {name} {score:.6g}"
            task = self.hypermodel.task_metric
            if task in record["task_metrics"]:
                outcome += f", {task} {record['task_metrics'][task]:.4g}"
        self.echo(f"trial {trial.trial_id} {outcome} ({seconds:.1f} s)", flush=True)

    # -- helpers --------------------------------------------------------------------
    def local_score(self, trial_id: str) -> float | None:
        """The trial's objective as the oracle scores it: the best epoch's mean over the
        executions this tuner ran."""
        means = [sum(v) / len(v) for v in self._epochs.get(trial_id, {}).values()]
        if not means:
            return None
        return min(means) if self.oracle.objective.direction == "min" else max(means)

    def _stop_reason(self, trial_id: str) -> str:
        record_of = getattr(self.oracle, "record_of", None)
        record = record_of(trial_id) if record_of else {}
        if "pruned" in record:
            p = record["pruned"]
            return (
                f"pruned (worse than the median {p['median']:.6g} of {p['peers']} earlier trials)"
            )
        if "budget_cut" in record:
            return "time budget spent"
        return "stopped by the oracle (pruned, or the time budget is spent)"

    def save(self) -> None:
        if not self.is_worker():
            self.oracle.save()
        atomic_write_text(self.tuner_file(), json.dumps(self.get_state()))


def _fmt(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)
