"""The forecasting family's task metric for serving variants (`zoo.metrics.serving`)."""

from __future__ import annotations

from typing import Any

from zoo.metrics.serving import RELATIVE, TaskMetric


def task_metric(model: Any, data: Any) -> TaskMetric:
    """The model's first error measure among MAE (original scale), QLIKE (the volatility
    model) and MSE, over the point forecasts of every window of the series `data`
    (`model.evaluate`); 2% relative tolerance."""
    report = model.evaluate(data)["model"]
    name = next(k for k in ("mae", "qlike", "mse") if report.get(k) is not None)
    windows = max(len(model.preprocessor.as_series(data).values) - model.context(), 0)
    return TaskMetric(
        name.upper(),
        float(report[name]),
        higher_is_better=False,
        tolerance=RELATIVE,
        relative=True,
        samples=windows,
    )
