"""One keras-tuner `HyperModel` per zoo model family, and `hypermodel_for(name)`.

Importing this package imports keras-tuner (and so TensorFlow); the command line
imports it inside `lstm-zoo tune` only.
"""

from __future__ import annotations

from typing import Any

from tuning.hypermodels.base import ZooHyperModel, best_epoch_metrics
from tuning.hypermodels.forecasting import ForecastingHyperModel
from tuning.hypermodels.sentiment import SentimentHyperModel
from tuning.hypermodels.translation import TranslationHyperModel

#: The hypermodel class of each task (a registered model's `task`).
FAMILIES: dict[str, type[ZooHyperModel]] = {
    "sentiment": SentimentHyperModel,
    "forecasting": ForecastingHyperModel,
    "translation": TranslationHyperModel,
}


def hypermodel_for(name: str, data: Any = None, **options: Any) -> ZooHyperModel:
    """The family `HyperModel` for the registered model `name`.

    Args:
        name: a registry name; unknown names raise `zoo.UnknownModelError`.
        data: training data for the trials (None: the family's embedded default).
        **options: `fixed`, `max_epochs`, `verbose` (see `ZooHyperModel`).

    Raises:
        ValueError: the model's task has no hypermodel.
    """
    import zoo

    task = zoo.model_card(name)["task"]
    if task not in FAMILIES:
        raise ValueError(f"{name}: no search space for the task {task!r} yet.")
    return FAMILIES[task](name, data, **options)


__all__ = [
    "FAMILIES",
    "ForecastingHyperModel",
    "SentimentHyperModel",
    "TranslationHyperModel",
    "ZooHyperModel",
    "best_epoch_metrics",
    "hypermodel_for",
]
