"""Evaluation metrics in NumPy for the sentiment and forecasting families."""

from zoo.metrics.classification import accuracy, confusion_matrix, macro_f1, per_class_f1
from zoo.metrics.forecasting import (
    interval_coverage,
    mae,
    mase,
    mse,
    pinball_loss,
    rmse,
    smape,
)

__all__ = [
    "accuracy",
    "confusion_matrix",
    "interval_coverage",
    "macro_f1",
    "mae",
    "mase",
    "mse",
    "per_class_f1",
    "pinball_loss",
    "rmse",
    "smape",
]
