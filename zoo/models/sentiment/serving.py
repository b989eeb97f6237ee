"""The sentiment family's task metric for serving variants (`zoo.metrics.serving`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from zoo.metrics.serving import POINT, TaskMetric


def task_metric(model: Any, data: Any) -> TaskMetric:
    """Accuracy (0-1) of `model.predict` on the labelled texts `data`; 1 point of
    tolerance."""
    from zoo.metrics import accuracy

    names = list(model.label_names)
    predicted = np.array([names.index(row["label"]) for row in model.predict(data.texts)])
    return TaskMetric(
        "accuracy",
        float(accuracy(data.labels, predicted)),
        higher_is_better=True,
        tolerance=POINT,
        samples=len(data.texts),
    )
