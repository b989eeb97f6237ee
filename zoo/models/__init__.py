"""Model families: sentiment, forecasting and translation, all on zoo.layers."""

from zoo.models.base import ZooModel, load_model

__all__ = ["ZooModel", "load_model"]
