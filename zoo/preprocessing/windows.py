"""Windowing, calendar features and chronological splits for forecasting (NumPy only).

Conventions: a series is ``[T, F]`` (``[T]`` is one column). :func:`make_windows` builds
direct multi-horizon pairs: window ``i`` uses inputs at steps
``[i*stride, i*stride + input_width)`` and targets at the next ``horizon`` steps, so its
first target step is ``window_origins(...)[i] = i*stride + input_width``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from zoo.data.errors import DataError

__all__ = [
    "calendar_feature_names",
    "calendar_features",
    "chronological_split",
    "make_windows",
    "rolling_origin_splits",
    "window_origins",
]

_DAY = 86400
_WEEK = 7 * _DAY


def _periodic_features(dates: np.ndarray) -> dict[str, np.ndarray]:
    """Fractional positions in [0, 1) of each date within day, week and year."""
    seconds = dates.astype("datetime64[s]")
    days = seconds.astype("datetime64[D]")
    hour = (seconds - days).astype(np.int64) / _DAY
    # 1970-01-01 was a Thursday; shift so that Monday = 0.
    weekday = ((days.astype(np.int64) + 3) % 7) / 7.0
    years = seconds.astype("datetime64[Y]")
    day_of_year = (days - years.astype("datetime64[D]")).astype(np.int64)
    year_length = ((years + 1).astype("datetime64[D]") - years.astype("datetime64[D]")).astype(
        np.int64
    )
    return {"hour": hour, "weekday": weekday, "yearday": day_of_year / year_length}


def _calendar_parts(dates: np.ndarray, step_seconds: float | None) -> list[str]:
    if step_seconds is None:
        steps = np.diff(np.asarray(dates, dtype="datetime64[s]")).astype(np.int64)
        step_seconds = float(np.median(steps)) if steps.size else float(_DAY)
    parts = []
    if step_seconds < _DAY:
        parts.append("hour")
    if step_seconds < _WEEK:
        parts.append("weekday")
    if step_seconds < 365 * _DAY:
        parts.append("yearday")
    return parts


def calendar_feature_names(dates: np.ndarray, step_seconds: float | None = None) -> list[str]:
    """Names of the columns :func:`calendar_features` returns for these dates."""
    return [
        f"{part}_{fn}" for part in _calendar_parts(dates, step_seconds) for fn in ("sin", "cos")
    ]


def calendar_features(dates: np.ndarray, step_seconds: float | None = None) -> np.ndarray:
    """Cyclical calendar covariates as ``float32 [T, k]`` (sin/cos pairs).

    Only the cycles that are meaningful for the sampling step are included:

    * step < 1 day (hourly, 15 minutes): hour-of-day, day-of-week, day-of-year (k = 6);
    * 1 day <= step < 1 week (daily): day-of-week, day-of-year (k = 4);
    * 1 week <= step < 1 year (weekly, monthly): day-of-year (k = 2);
    * yearly or coarser: none (k = 0).

    Args:
        dates: ``datetime64`` array ``[T]``.
        step_seconds: The sampling step; ``None`` uses the median step of ``dates``
            (a single date is treated as daily).
    """
    dates = np.asarray(dates)
    if not np.issubdtype(dates.dtype, np.datetime64):
        raise TypeError(f"dates must be datetime64, got {dates.dtype}")
    parts = _calendar_parts(dates, step_seconds)
    positions = _periodic_features(dates)
    columns = []
    for part in parts:
        angle = 2.0 * np.pi * positions[part]
        columns += [np.sin(angle), np.cos(angle)]
    if not columns:
        return np.zeros((len(dates), 0), dtype=np.float32)
    return np.stack(columns, axis=1).astype(np.float32)


def chronological_split(n: int, sizes: Sequence[float] | Sequence[int]) -> tuple[slice, ...]:
    """Split ``range(n)`` into consecutive, non-overlapping slices (no shuffling).

    Args:
        n: Series length.
        sizes: Either fractions summing to 1 (e.g. ``(0.7, 0.1, 0.2)``; the last part takes
            the rounding remainder), or integer counts summing to at most ``n`` (e.g. ETT's
            ``(8640, 2880, 2880)``; steps after them are left out).

    Returns:
        One ``slice`` per part, in time order.

    Raises:
        ValueError: Sizes that do not fit, or a part that would be empty.
    """
    if not sizes:
        raise ValueError("sizes must not be empty")
    if all(isinstance(s, int | np.integer) and not isinstance(s, bool) for s in sizes):
        counts = [int(s) for s in sizes]
        if sum(counts) > n:
            raise ValueError(f"counts {counts} sum to {sum(counts)} > n = {n}")
    else:
        fractions = [float(s) for s in sizes]
        if any(f <= 0 for f in fractions) or abs(sum(fractions) - 1.0) > 1e-6:
            raise ValueError(f"fractions must be positive and sum to 1, got {fractions}")
        counts = [int(np.floor(n * f + 1e-9)) for f in fractions[:-1]]
        counts.append(n - sum(counts))
    if any(c <= 0 for c in counts):
        raise ValueError(
            f"every part must be non-empty; sizes {list(sizes)} of n={n} give {counts}"
        )
    bounds = np.cumsum([0, *counts])
    return tuple(slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True))


def window_origins(n: int, input_width: int, horizon: int, stride: int = 1) -> np.ndarray:
    """Index of the first target step of each window :func:`make_windows` makes."""
    count = (n - input_width - horizon) // stride + 1 if n >= input_width + horizon else 0
    return input_width + stride * np.arange(max(count, 0))


def make_windows(
    values: np.ndarray,
    input_width: int,
    horizon: int,
    target_index: int | Sequence[int] | None = None,
    covariates: np.ndarray | None = None,
    stride: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into (input window, next ``horizon`` targets) pairs.

    Args:
        values: ``[T, F]`` or ``[T]`` series (already scaled, if scaling is wanted).
        input_width: Steps in each input window.
        horizon: Steps to forecast (direct multi-horizon: all at once).
        target_index: Column(s) of ``values`` to forecast; ``None`` = all columns.
        covariates: Optional ``[T, k]`` known features (e.g. :func:`calendar_features`)
            appended to the inputs (not to the targets).
        stride: Steps between consecutive window starts.

    Returns:
        ``X`` ``float32 [N, input_width, F + k]`` and ``Y`` ``float32 [N, horizon,
        n_targets]`` with ``N = (T - input_width - horizon) // stride + 1``.

    Raises:
        DataError: The series is shorter than ``input_width + horizon`` (both lengths named).
    """
    if input_width < 1 or horizon < 1 or stride < 1:
        raise ValueError(
            f"input_width, horizon and stride must be >= 1, got {input_width}, {horizon}, {stride}"
        )
    series = np.asarray(values, dtype=np.float32)
    if series.ndim == 1:
        series = series[:, None]
    if series.ndim != 2:
        raise ValueError(f"values must be [T, F] or [T], got shape {series.shape}")
    length = series.shape[0]
    if length < input_width + horizon:
        raise DataError(
            f"the series has {length} steps, shorter than input_width + horizon = "
            f"{input_width} + {horizon} = {input_width + horizon}",
            value=length,
        )
    if target_index is None:
        targets = series
    else:
        index = np.atleast_1d(np.asarray(target_index, dtype=np.int64))
        if index.min() < -series.shape[1] or index.max() >= series.shape[1]:
            raise IndexError(
                f"target_index {index.tolist()} out of range for {series.shape[1]} columns"
            )
        targets = series[:, index]
    inputs = series
    if covariates is not None:
        extra = np.asarray(covariates, dtype=np.float32)
        extra = extra[:, None] if extra.ndim == 1 else extra
        if extra.ndim != 2 or extra.shape[0] != length:
            raise ValueError(f"covariates must be [T={length}, k], got shape {extra.shape}")
        inputs = np.concatenate([series, extra], axis=1)
    starts = window_origins(length, input_width, horizon, stride) - input_width
    # sliding_window_view gives [T - w + 1, features, w]; pick the window starts we need.
    x = np.lib.stride_tricks.sliding_window_view(inputs, input_width, axis=0)[starts]
    y = np.lib.stride_tricks.sliding_window_view(targets[input_width:], horizon, axis=0)[starts]
    return (
        np.ascontiguousarray(x.transpose(0, 2, 1)),
        np.ascontiguousarray(y.transpose(0, 2, 1)),
    )


def rolling_origin_splits(
    n: int, initial: int, horizon: int, step: int, max_folds: int | None = None
) -> list[tuple[slice, slice]]:
    """Folds of a rolling-origin (expanding window) backtest.

    Fold ``j`` trains on ``[0, initial + j*step)`` and evaluates the next ``horizon`` steps
    ``[initial + j*step, initial + j*step + horizon)``; folds continue while the evaluation
    range fits in ``n``.

    Args:
        n: Series length.
        initial: Length of the first training range.
        horizon: Length of each evaluation range.
        step: How far the origin moves between folds.
        max_folds: Keep only the most recent ``max_folds`` folds.

    Returns:
        ``[(train_slice, test_slice), ...]`` in time order.
    """
    if initial < 1 or horizon < 1 or step < 1:
        raise ValueError(
            f"initial, horizon and step must be >= 1, got {initial}, {horizon}, {step}"
        )
    if initial + horizon > n:
        raise DataError(
            f"the series has {n} steps, shorter than initial + horizon = "
            f"{initial} + {horizon} = {initial + horizon}",
            value=n,
        )
    origins = range(initial, n - horizon + 1, step)
    folds = [(slice(0, o), slice(o, o + horizon)) for o in origins]
    if max_folds is not None:
        if max_folds < 1:
            raise ValueError(f"max_folds must be >= 1, got {max_folds}")
        folds = folds[-max_folds:]
    return folds
