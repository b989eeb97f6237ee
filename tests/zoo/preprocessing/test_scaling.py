"""StandardScaler: per-column statistics, zero variance, subsets and serialisation."""

from __future__ import annotations

import json

import numpy as np
import pytest

from zoo.preprocessing.scaling import StandardScaler


def test_fit_transform_inverse() -> None:
    train = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 10.0]])
    scaler = StandardScaler().fit(train)
    np.testing.assert_allclose(scaler.mean_, [3.0, 10.0])
    np.testing.assert_allclose(scaler.scale_, [np.sqrt(8 / 3), 1.0])  # constant column -> 1
    z = scaler.transform(train)
    np.testing.assert_allclose(z[:, 0], [-1.224744871, 0.0, 1.224744871], rtol=1e-6)
    np.testing.assert_allclose(z[:, 1], 0.0)
    np.testing.assert_allclose(scaler.inverse_transform(z), train)


def test_fitted_on_train_only_and_applied_to_later_data() -> None:
    scaler = StandardScaler().fit(np.array([0.0, 2.0]))
    np.testing.assert_allclose(scaler.transform(np.array([4.0])), [3.0])


def test_windows_and_column_subsets_keep_dtype() -> None:
    scaler = StandardScaler().fit(np.array([[0.0, 100.0], [2.0, 300.0]], dtype=np.float32))
    y = np.full((4, 3, 1), 200.0, dtype=np.float32)  # [N, horizon, n_targets] for column 1
    out = scaler.transform(y, columns=[1])
    assert out.dtype == np.float32 and out.shape == (4, 3, 1)
    np.testing.assert_allclose(out, 0.0)
    np.testing.assert_allclose(scaler.inverse_transform(out, columns=[1]), y)


def test_config_roundtrip() -> None:
    scaler = StandardScaler().fit(np.arange(12.0).reshape(6, 2))
    config = json.loads(json.dumps(scaler.to_config()))
    again = StandardScaler.from_config(config)
    x = np.array([[1.0, 2.0]])
    np.testing.assert_allclose(again.transform(x), scaler.transform(x))


def test_errors() -> None:
    with pytest.raises(RuntimeError, match="not fitted"):
        StandardScaler().transform(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="NaN"):
        StandardScaler().fit(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="last axis of 2"):
        StandardScaler().fit(np.zeros((3, 2))).transform(np.zeros((3, 3)))
