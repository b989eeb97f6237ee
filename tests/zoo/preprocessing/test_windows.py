"""Windowing, calendar features and chronological splits."""

from __future__ import annotations

import numpy as np
import pytest

from zoo.data import DataError
from zoo.preprocessing.windows import (
    calendar_feature_names,
    calendar_features,
    chronological_split,
    make_windows,
    rolling_origin_splits,
    window_origins,
)


def test_make_windows_shapes_and_values() -> None:
    values = np.arange(20, dtype=np.float64).reshape(10, 2)  # value = 2*t + column
    x, y = make_windows(values, input_width=3, horizon=2, target_index=1, stride=2)
    assert x.dtype == np.float32 and x.shape == (3, 3, 2) and y.shape == (3, 2, 1)
    np.testing.assert_array_equal(x[1], [[4, 5], [6, 7], [8, 9]])  # steps 2..4
    np.testing.assert_array_equal(y[1, :, 0], [11, 13])  # steps 5, 6 of column 1
    np.testing.assert_array_equal(window_origins(10, 3, 2, 2), [3, 5, 7])


def test_make_windows_univariate_all_targets_and_covariates() -> None:
    series = np.arange(6.0)
    covariates = np.stack([np.arange(6.0) * 10], axis=1)
    x, y = make_windows(series, 2, 1, covariates=covariates)
    assert x.shape == (4, 2, 2) and y.shape == (4, 1, 1)
    np.testing.assert_array_equal(x[0], [[0, 0], [1, 10]])
    np.testing.assert_array_equal(y[:, 0, 0], [2, 3, 4, 5])
    x, y = make_windows(series, 5, 1)  # exactly input_width + horizon -> one window
    assert x.shape == (1, 5, 1) and y[0, 0, 0] == 5


def test_make_windows_short_series_names_lengths() -> None:
    with pytest.raises(
        DataError, match=r"has 5 steps, shorter than input_width \+ horizon = 4 \+ 2 = 6"
    ):
        make_windows(np.zeros(5), 4, 2)
    with pytest.raises(ValueError, match="covariates"):
        make_windows(np.zeros(8), 2, 1, covariates=np.zeros((7, 1)))


def test_calendar_features_depend_on_frequency() -> None:
    hours = np.arange("2024-01-01T00", "2024-01-03T00", dtype="datetime64[h]")
    feats = calendar_features(hours)
    assert feats.shape == (48, 6) and feats.dtype == np.float32
    assert calendar_feature_names(hours)[:2] == ["hour_sin", "hour_cos"]
    np.testing.assert_allclose(feats[6, :2], [1.0, 0.0], atol=1e-6)  # 06:00 = quarter day
    np.testing.assert_allclose(feats[0, 2:4], [0.0, 1.0], atol=1e-6)  # 2024-01-01 is a Monday
    np.testing.assert_allclose(
        feats[24, 2:4], [np.sin(2 * np.pi / 7), np.cos(2 * np.pi / 7)], atol=1e-6
    )
    days = np.arange("2024-01-01", "2024-03-01", dtype="datetime64[D]")
    assert calendar_features(days).shape == (60, 4)
    months = np.arange("2020-01", "2022-01", dtype="datetime64[M]").astype("datetime64[D]")
    assert calendar_feature_names(months) == ["yearday_sin", "yearday_cos"]
    years = np.arange("2000", "2010", dtype="datetime64[Y]")
    assert calendar_features(years).shape == (10, 0)


def test_chronological_split() -> None:
    parts = chronological_split(10, (0.7, 0.1, 0.2))
    assert parts == (slice(0, 7), slice(7, 8), slice(8, 10))
    assert chronological_split(17420, [8640, 2880, 2880]) == (
        slice(0, 8640),
        slice(8640, 11520),
        slice(11520, 14400),
    )
    with pytest.raises(ValueError, match="sum to 1"):
        chronological_split(10, (0.5, 0.2))
    with pytest.raises(ValueError, match="> n"):
        chronological_split(10, [8, 3])
    with pytest.raises(ValueError, match="non-empty"):
        chronological_split(2, (0.5, 0.25, 0.25))


def test_rolling_origin_splits() -> None:
    folds = rolling_origin_splits(10, initial=5, horizon=2, step=2)
    assert folds == [(slice(0, 5), slice(5, 7)), (slice(0, 7), slice(7, 9))]
    assert rolling_origin_splits(10, 5, 2, 1, max_folds=2) == [
        (slice(0, 7), slice(7, 9)),
        (slice(0, 8), slice(8, 10)),
    ]
    with pytest.raises(DataError, match="shorter than initial"):
        rolling_origin_splits(5, 4, 2, 1)
