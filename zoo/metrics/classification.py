"""Classification metrics in NumPy: accuracy, macro-F1 and the confusion matrix.

Inputs holding NaN or infinity, or no example at all, raise ``ValueError``; the only NaN
returned is documented: :func:`per_class_f1` of a class absent from both inputs (which
:func:`macro_f1` skips).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["accuracy", "confusion_matrix", "macro_f1", "per_class_f1"]


def _labels(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Integer label vectors; ``y_pred`` may be scores ``[N, C]`` (argmax is taken)."""
    true = np.asarray(y_true)
    pred = np.asarray(y_pred)
    for name, array in (("y_true", true), ("y_pred", pred)):
        if array.dtype.kind not in "biuf":
            raise ValueError(f"{name} must hold numbers, got dtype {array.dtype}")
        if array.dtype.kind == "f" and not np.isfinite(array).all():
            raise ValueError(f"{name} holds NaN or infinite values")
    if pred.ndim == true.ndim + 1:
        pred = pred.argmax(axis=-1)
    true, pred = true.reshape(-1), pred.reshape(-1)
    if true.shape != pred.shape:
        raise ValueError(f"y_true has {true.size} labels but y_pred has {pred.size}")
    if true.size == 0:
        raise ValueError("metrics need at least one example")
    for name, array in (("y_true", true), ("y_pred", pred)):
        if not np.issubdtype(array.dtype, np.integer) and not np.all(np.mod(array, 1) == 0):
            raise ValueError(f"{name} must hold integer class labels")
    return true.astype(np.int64), pred.astype(np.int64)


def accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Fraction of exact matches. ``y_pred`` may be labels ``[N]`` or scores ``[N, C]``."""
    true, pred = _labels(y_true, y_pred)
    return float(np.mean(true == pred))


def confusion_matrix(y_true: ArrayLike, y_pred: ArrayLike, num_classes: int) -> np.ndarray:
    """``int64 [C, C]`` counts: row = true class, column = predicted class.

    Raises:
        ValueError: A label outside ``0..num_classes-1``.
    """
    true, pred = _labels(y_true, y_pred)
    for name, array in (("y_true", true), ("y_pred", pred)):
        if array.min() < 0 or array.max() >= num_classes:
            raise ValueError(
                f"{name} has labels outside 0..{num_classes - 1}: "
                f"{sorted(set(array[(array < 0) | (array >= num_classes)].tolist()))}"
            )
    flat = np.bincount(true * num_classes + pred, minlength=num_classes * num_classes)
    return flat.reshape(num_classes, num_classes)


def per_class_f1(y_true: ArrayLike, y_pred: ArrayLike, num_classes: int) -> np.ndarray:
    """F1 of each class (``float64 [C]``); ``nan`` for a class absent from both inputs."""
    cm = confusion_matrix(y_true, y_pred, num_classes).astype(np.float64)
    tp = np.diag(cm)
    denom = cm.sum(axis=0) + cm.sum(axis=1)  # (tp + fp) + (tp + fn)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, 2 * tp / denom, np.nan)


def macro_f1(y_true: ArrayLike, y_pred: ArrayLike, num_classes: int | None = None) -> float:
    """Unweighted mean of per-class F1 over the classes present in ``y_true`` or ``y_pred``.

    A present class that is never predicted correctly contributes 0 (as scikit-learn's
    ``f1_score(average="macro")`` with ``zero_division=0``). ``num_classes`` defaults to
    ``max label + 1``.
    """
    true, pred = _labels(y_true, y_pred)
    classes = int(max(true.max(), pred.max()) + 1) if num_classes is None else num_classes
    return float(np.nanmean(per_class_f1(true, pred, classes)))
