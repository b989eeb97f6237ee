"""The speech family's task metric for serving variants (`zoo.metrics.serving`)."""

from __future__ import annotations

from typing import Any

from zoo.metrics.serving import RELATIVE, TaskMetric


def task_metric(model: Any, data: Any) -> TaskMetric:
    """Greedy character error rate (%, jiwer) of `model` on the transcribed utterances
    `data`; 2% relative tolerance."""
    from zoo.models.speech.metrics import error_rates

    cer = error_rates(list(data.texts), model.predict(data))["cer"]
    return TaskMetric("CER", float(cer), False, RELATIVE, relative=True, samples=len(data))
