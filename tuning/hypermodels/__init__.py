"""One keras-tuner `HyperModel` per zoo model family, and `hypermodel_for(name)`.

Each family registers its hypermodel class as the `hypermodel` part of its
`zoo.family.Family`; `hypermodel_for` asks the registration. Importing this package
imports keras-tuner (and so TensorFlow); the command line imports it inside
`lstm-zoo tune` only.
"""

from __future__ import annotations

from typing import Any

from tuning.hypermodels.base import ZooHyperModel, best_epoch_metrics
from tuning.hypermodels.forecasting import ForecastingHyperModel
from tuning.hypermodels.sentiment import SentimentHyperModel
from tuning.hypermodels.speech import SpeechHyperModel
from tuning.hypermodels.translation import TranslationHyperModel


def hypermodel_for(name: str, data: Any = None, **options: Any) -> ZooHyperModel:
    """The family `HyperModel` for the registered model `name`.

    Args:
        name: a registry name; unknown names raise `zoo.UnknownModelError`.
        data: training data for the trials (None: the family's embedded default).
        **options: `fixed`, `max_epochs`, `verbose` (see `ZooHyperModel`).

    Raises:
        ValueError: the model's family registers no hypermodel.
    """
    from zoo.family import FamilyError, family_for

    family = family_for(name)  # UnknownModelError for an unregistered name
    try:
        hypermodel = family.resolve("hypermodel")
    except FamilyError as error:
        raise ValueError(f"{name}: no search space for its family: {error}") from None
    return hypermodel(name, data, **options)


__all__ = [
    "ForecastingHyperModel",
    "SentimentHyperModel",
    "SpeechHyperModel",
    "TranslationHyperModel",
    "ZooHyperModel",
    "best_epoch_metrics",
    "hypermodel_for",
]
