"""PNG plots: forecast with interval band, confusion matrix."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from zoo.plots import plot_confusion_matrix, plot_forecast

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC and len(data) > 5000


def test_plot_forecast_with_dates_and_band(tmp_path: Path) -> None:
    dates = np.arange("2024-01-01T00", "2024-01-04T00", dtype="datetime64[h]")
    actual = 10 + 3 * np.sin(np.arange(72) * 2 * np.pi / 24)
    forecast = actual[-24:] + 0.5
    path = plot_forecast(
        dates,
        actual,
        forecast,
        lower=forecast - 1.5,
        upper=forecast + 1.5,
        path=tmp_path / "plots" / "forecast.png",
        title="Seattle temperature, 24 h ahead",
    )
    assert path == tmp_path / "plots" / "forecast.png"
    _assert_png(path)


def test_plot_forecast_index_without_band(tmp_path: Path) -> None:
    path = plot_forecast(
        np.arange(10), np.arange(10.0), np.arange(10.0), path=tmp_path / "f.png", title="t"
    )
    _assert_png(path)
    with pytest.raises(ValueError, match="both lower and upper"):
        plot_forecast(np.arange(3), [1, 2, 3], [1], lower=[0], path=tmp_path / "g.png", title="t")


def test_plot_confusion_matrix(tmp_path: Path) -> None:
    cm = np.array([[40, 10, 0], [5, 30, 5], [2, 8, 50]])
    path = plot_confusion_matrix(cm, ["negative", "neutral", "positive"], tmp_path / "cm.png")
    _assert_png(path)
    _assert_png(plot_confusion_matrix(cm, ["a", "b", "c"], tmp_path / "n.png", normalize=True))
    with pytest.raises(ValueError, match=r"\[2, 2\]"):
        plot_confusion_matrix(cm, ["a", "b"], tmp_path / "x.png")
