"""Point and probabilistic forecast metrics in NumPy.

All functions accept arrays of any matching shape (e.g. ``[N, horizon, n_targets]``) and
average over every element unless said otherwise. None of them returns NaN: an empty input,
a NaN or an infinity in any input raises ``ValueError`` (naming the array and the index),
and so does :func:`mase` when the in-sample naive error is 0 (a constant history, for which
MASE is undefined; the models' metric rows report ``None`` there instead, see
:func:`zoo.models.forecasting.backtest.metric_row`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["interval_coverage", "mae", "mase", "mse", "pinball_loss", "rmse", "smape"]


def _finite(name: str, array: np.ndarray) -> np.ndarray:
    """``array``, after checking that it holds no NaN or infinity (named with its index)."""
    bad = ~np.isfinite(array)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        where = index[0] if len(index) == 1 else index
        raise ValueError(
            f"{name} holds a non-finite value ({array[bad][0]}) at index {where}; metrics are "
            "only defined on finite numbers (did the model diverge, or the data hold gaps?)"
        )
    return array


def _pair(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    true = np.asarray(y_true, dtype=np.float64)
    pred = np.asarray(y_pred, dtype=np.float64)
    if true.shape != pred.shape:
        raise ValueError(f"shape mismatch: y_true {true.shape} vs y_pred {pred.shape}")
    if true.size == 0:
        raise ValueError("metrics need at least one value")
    return _finite("y_true", true), _finite("y_pred", pred)


def mse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean squared error."""
    true, pred = _pair(y_true, y_pred)
    return float(np.mean((true - pred) ** 2))


def rmse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Root mean squared error."""
    return float(np.sqrt(mse(y_true, y_pred)))


def mae(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean absolute error."""
    true, pred = _pair(y_true, y_pred)
    return float(np.mean(np.abs(true - pred)))


def mase(y_true: ArrayLike, y_pred: ArrayLike, insample: ArrayLike, season: int = 1) -> float:
    """Mean absolute scaled error (Hyndman & Koehler, 2006).

    The forecast MAE divided by the in-sample MAE of the seasonal naive forecast
    ``insample[t - season]``; below 1 beats that naive forecast.

    Args:
        y_true, y_pred: Forecasts, ``[H]``, ``[H, n]`` or ``[N, H, n]``.
        insample: The training series the scale is computed on, ``[T]`` or ``[T, n]`` (one
            scale per target column, broadcast over ``y_true``'s last axis); or, when
            ``y_true`` is ``[N, H, n]``, per-window histories ``[N, W, n]`` (one scale per
            window and target).
        season: Seasonal period of the naive forecast (1 = previous value).

    Returns:
        The mean over targets (and windows) of MAE / scale.

    Raises:
        ValueError: ``insample`` not longer than ``season``, or a zero scale (a constant
            history, for which MASE is undefined).
    """
    true, pred = _pair(y_true, y_pred)
    history = _finite("insample", np.asarray(insample, dtype=np.float64))
    if season < 1:
        raise ValueError(f"season must be >= 1, got {season}")
    per_window = true.ndim == 3 and history.ndim == 3
    if per_window:
        history = np.moveaxis(history, 1, 0)  # time first: [W, N, n]
    if history.shape[0] <= season:
        raise ValueError(f"insample has {history.shape[0]} steps, needs more than season={season}")
    scale = np.abs(history[season:] - history[:-season]).mean(axis=0)  # [N, n], [n] or ()
    if np.any(scale == 0):
        raise ValueError("MASE is undefined: the in-sample naive error is 0 (constant history)")
    errors = np.abs(true - pred)
    if per_window:
        return float(np.mean(errors.mean(axis=1) / scale))
    if scale.ndim == 0:
        return float(errors.mean() / scale)
    if true.shape[-1] != scale.shape[0]:
        raise ValueError(
            f"insample has {scale.shape[0]} columns but y_true's last axis has {true.shape[-1]}"
        )
    target_mae = errors.reshape(-1, scale.shape[0]).mean(axis=0)
    return float(np.mean(target_mae / scale))


def smape(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Symmetric MAPE in percent, ``100 * mean(2|y - f| / (|y| + |f|))``, in [0, 200].

    Terms where both ``y`` and ``f`` are 0 count as 0 (a perfect forecast of zero).
    """
    true, pred = _pair(y_true, y_pred)
    denom = np.abs(true) + np.abs(pred)
    with np.errstate(invalid="ignore", divide="ignore"):
        terms = np.where(denom > 0, 2.0 * np.abs(true - pred) / denom, 0.0)
    return float(100.0 * np.mean(terms))


def interval_coverage(y: ArrayLike, lower: ArrayLike, upper: ArrayLike) -> float:
    """Fraction of ``y`` inside the closed interval ``[lower, upper]``."""
    true = np.asarray(y, dtype=np.float64)
    low = np.asarray(lower, dtype=np.float64)
    high = np.asarray(upper, dtype=np.float64)
    if not (true.shape == low.shape == high.shape):
        raise ValueError(f"shape mismatch: y {true.shape}, lower {low.shape}, upper {high.shape}")
    if true.size == 0:
        raise ValueError("metrics need at least one value")
    for name, array in (("y", true), ("lower", low), ("upper", high)):
        _finite(name, array)
    return float(np.mean((true >= low) & (true <= high)))


def pinball_loss(y: ArrayLike, q_pred: ArrayLike, quantiles: Sequence[float]) -> float:
    """Mean pinball (quantile) loss over all values and quantiles.

    For quantile ``q`` and error ``e = y - f``: ``max(q * e, (q - 1) * e)``.

    Args:
        y: Observations, any shape ``S``.
        q_pred: Quantile forecasts ``S + [Q]`` (last axis follows ``quantiles``).
        quantiles: The ``Q`` levels, each in (0, 1).
    """
    true = _finite("y", np.asarray(y, dtype=np.float64))
    pred = _finite("q_pred", np.asarray(q_pred, dtype=np.float64))
    levels = np.asarray(quantiles, dtype=np.float64).reshape(-1)
    if levels.size == 0 or true.size == 0:
        raise ValueError("pinball_loss needs at least one value and one quantile level")
    if np.any(~((levels > 0) & (levels < 1))):
        raise ValueError(f"quantiles must lie in (0, 1), got {levels.tolist()}")
    if pred.shape != (*true.shape, levels.size):
        raise ValueError(
            f"q_pred must have shape y.shape + (len(quantiles),) = {(*true.shape, levels.size)}, "
            f"got {pred.shape}"
        )
    errors = true[..., None] - pred
    return float(np.mean(np.maximum(levels * errors, (levels - 1.0) * errors)))
