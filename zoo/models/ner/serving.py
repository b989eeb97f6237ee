"""The NER family's task metric for serving variants (`zoo.metrics.serving`)."""

from __future__ import annotations

from typing import Any

from zoo.metrics.serving import POINT, TaskMetric


def task_metric(model: Any, data: Any) -> TaskMetric:
    """Entity-level F1 (0-1, seqeval) of `model`'s tags on the tagged sentences `data`;
    1 point of tolerance."""
    from zoo.models.ner.scoring import entity_scores

    f1 = entity_scores(data.tags, model.tag(data.sentences))["f1"]
    return TaskMetric("entity_f1", float(f1), True, POINT, samples=len(data))
