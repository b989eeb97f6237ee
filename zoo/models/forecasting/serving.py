"""The forecasting family's task metric for serving variants (`zoo.metrics.serving`)."""

from __future__ import annotations

from typing import Any

from zoo.metrics.serving import RELATIVE, TaskMetric


def task_metric(model: Any, data: Any) -> TaskMetric:
    """MAE (original scale) of the point forecasts of every window of the series
    `data` (`model.evaluate`); 2% relative tolerance."""
    report = model.evaluate(data)["model"]
    windows = max(len(model.preprocessor.as_series(data).values) - model.context(), 0)
    return TaskMetric(
        "MAE",
        float(report["mae"]),
        higher_is_better=False,
        tolerance=RELATIVE,
        relative=True,
        samples=windows,
    )
