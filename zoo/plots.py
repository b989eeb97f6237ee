"""PNG plots for reports: forecasts with prediction intervals, and confusion matrices.

Figures are drawn on matplotlib's Agg canvas directly (``matplotlib.figure.Figure``), so
nothing here needs a display, touches ``pyplot``'s global state, or changes the backend of
the calling program.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

__all__ = ["plot_confusion_matrix", "plot_forecast"]


def _align(values: ArrayLike | None, length: int, name: str) -> np.ndarray | None:
    """Right-align a shorter series to ``length`` steps, padding the start with NaN."""
    if values is None:
        return None
    array = np.asarray(values, dtype=np.float64).reshape(-1)
    if array.size > length:
        raise ValueError(f"{name} has {array.size} values, more than the {length} x positions")
    out = np.full(length, np.nan)
    out[length - array.size :] = array
    return out


def _save(fig: Figure, path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    FigureCanvasAgg(fig)
    fig.savefig(path, format="png", dpi=110, bbox_inches="tight")
    return path


def plot_forecast(
    dates_or_index: ArrayLike,
    actual: ArrayLike,
    forecast: ArrayLike,
    lower: ArrayLike | None = None,
    upper: ArrayLike | None = None,
    *,
    path: str | os.PathLike[str],
    title: str = "Forecast",
    ylabel: str | None = None,
    interval_label: str = "prediction interval",
) -> Path:
    """Write a PNG of the actual series, the forecast and (optionally) an interval band.

    ``actual`` has one value per x position. ``forecast``, ``lower`` and ``upper`` may be
    shorter: they are aligned to the *end* of the x axis (history, then the forecast
    horizon), and NaN values are not drawn. A vertical line marks the forecast origin.

    Args:
        dates_or_index: ``datetime64`` dates or numeric positions, ``[T]``.
        actual: Observed values ``[T]`` (NaN where unknown).
        forecast: Point forecast ``[H]`` (``H <= T``).
        lower, upper: Interval bounds ``[H]``; both or neither.
        path: Output file (parent folders are created).
        title: Figure title.
        ylabel: Optional y-axis label.
        interval_label: Legend text of the band, e.g. ``"80% interval"``.

    Returns:
        The written path.
    """
    x = np.asarray(dates_or_index)
    length = x.shape[0]
    y = _align(actual, length, "actual")
    f = _align(forecast, length, "forecast")
    if (lower is None) != (upper is None):
        raise ValueError("give both lower and upper, or neither")
    lo, hi = _align(lower, length, "lower"), _align(upper, length, "upper")
    fig = Figure(figsize=(10, 4.2))
    ax = fig.add_subplot()
    if lo is not None and hi is not None:
        band = ~(np.isnan(lo) | np.isnan(hi))
        ax.fill_between(x, lo, hi, where=band, color="tab:orange", alpha=0.25, label=interval_label)
    ax.plot(x, y, color="tab:blue", linewidth=1.4, label="actual")
    ax.plot(x, f, color="tab:orange", linewidth=1.6, linestyle="--", label="forecast")
    known = np.flatnonzero(~np.isnan(f))
    if known.size and known[0] > 0:
        ax.axvline(x[known[0]], color="grey", linewidth=0.8, linestyle=":")
    ax.set_title(title)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(loc="best")
    if np.issubdtype(x.dtype, np.datetime64):
        fig.autofmt_xdate()
    return _save(fig, path)


def plot_confusion_matrix(
    cm: ArrayLike,
    label_names: Sequence[str],
    path: str | os.PathLike[str],
    title: str = "Confusion matrix",
    normalize: bool = False,
) -> Path:
    """Write a PNG heat map of a confusion matrix (rows true, columns predicted).

    Args:
        cm: ``[C, C]`` counts, e.g. from :func:`zoo.metrics.confusion_matrix`.
        label_names: ``C`` class names.
        path: Output file (parent folders are created).
        title: Figure title.
        normalize: Show each row as fractions of its true class (counts in brackets).

    Returns:
        The written path.
    """
    counts = np.asarray(cm, dtype=np.float64)
    classes = len(label_names)
    if counts.shape != (classes, classes):
        raise ValueError(
            f"cm must be [{classes}, {classes}] for {classes} labels, got {counts.shape}"
        )
    totals = counts.sum(axis=1, keepdims=True)
    shown = (
        np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
        if normalize
        else counts
    )
    size = 2.2 + 0.9 * classes
    fig = Figure(figsize=(size + 1.2, size))
    ax = fig.add_subplot()
    image = ax.imshow(shown, cmap="Blues", vmin=0)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    threshold = shown.max() / 2 if shown.size else 0
    for i in range(classes):
        for j in range(classes):
            text = (
                f"{shown[i, j]:.2f}\n({int(counts[i, j])})" if normalize else f"{int(counts[i, j])}"
            )
            color = "white" if shown[i, j] > threshold else "black"
            ax.text(j, i, text, ha="center", va="center", color=color, fontsize=10)
    ax.set_xticks(range(classes), labels=list(label_names), rotation=30, ha="right")
    ax.set_yticks(range(classes), labels=list(label_names))
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    return _save(fig, path)
