"""The default hyperparameters' run: what every trial of a search is compared with.

The family's registered defaults (the default point of its search space) are trained once,
with the same data, `max_epochs` and objective as the trials, and the result is kept in
`baseline.json` in the project, so a resumed search does not train it again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import keras
import keras_tuner

from tuning.budget import Deadline


class _EpochRecorder(keras.callbacks.Callback):
    """Keeps the objective of every epoch; stops at the deadline."""

    def __init__(self, objective: str, deadline: Deadline, echo) -> None:
        super().__init__()
        self.objective, self.deadline, self.echo = objective, deadline, echo
        self.values: list[float] = []
        self.budget_cut = False

    def on_epoch_end(self, epoch, logs=None):
        if logs and self.objective in logs:
            self.values.append(float(logs[self.objective]))
            self.echo(
                f"  default epoch {epoch + 1}: {self.objective} {self.values[-1]:.6g}", flush=True
            )
        if self.deadline.expired():
            self.budget_cut = True
            self.model.stop_training = True


def run_baseline(
    hypermodel: Any,
    data: Any,
    max_epochs: int,
    deadline: Deadline | None = None,
    echo: Callable[..., None] = print,
    executions: int = 1,
) -> dict[str, Any]:
    """Trains the default point of `hypermodel`'s space on `data` for `max_epochs` epochs
    (`executions` times, averaged per epoch, as a trial with as many executions).

    Returns:
        `{"hparams", "objective", "best_epoch", "epochs": [{"epoch", "value"}], "seconds",
        "budget_cut"}`; the objective is the best epoch's, as keras-tuner scores a trial.
    """
    name, direction = hypermodel.objective_name, hypermodel.objective_direction
    choices = ", ".join(f"{k}={v}" for k, v in hypermodel.default_choices().items())
    echo(f"\ndefault hyperparameters: {choices}", flush=True)
    start = time.perf_counter()
    runs, budget_cut = [], False
    for execution in range(executions):
        hp = keras_tuner.HyperParameters()
        recorder = _EpochRecorder(name, deadline or Deadline(None), echo)
        keras.backend.clear_session()
        hypermodel.execution = execution
        try:
            network = hypermodel.build(hp)
            hypermodel.fit(hp, network, data, epochs=max_epochs, callbacks=[recorder])
        finally:
            hypermodel.execution = 0
        runs.append(recorder.values)
        budget_cut = budget_cut or recorder.budget_cut
        if budget_cut:
            break
    seconds = time.perf_counter() - start
    longest = max((len(r) for r in runs), default=0)
    values = []
    for i in range(longest):
        seen = [r[i] for r in runs if len(r) > i]
        values.append(sum(seen) / len(seen))
    best = None
    if values:
        pick = min if direction == "min" else max
        best = values.index(pick(values))
    result = {
        "hparams": dict(hp.values),
        "objective": None if best is None else values[best],
        "best_epoch": None if best is None else best + 1,
        "epochs": [{"epoch": i + 1, "value": v} for i, v in enumerate(values)],
        "executions": len(runs),
        "seconds": round(seconds, 3),
        "budget_cut": budget_cut,
    }
    score = "no objective" if best is None else f"{name} {values[best]:.6g}"
    echo(f"default hyperparameters: {score} ({seconds:.1f} s)", flush=True)
    return result
