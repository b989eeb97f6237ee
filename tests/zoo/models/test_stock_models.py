"""The stock forecasters' features, scores and baselines (the registry-driven tests train
them); no value of the derived series looks ahead."""

import numpy as np
import pytest

from zoo.data.datasets import load_dataset
from zoo.models.forecasting.backtest import series_part
from zoo.models.forecasting.stocks import ewma_variance, qlike, stock_features


def test_features_use_the_past_only():
    prices = series_part(load_dataset("sp500"), 0, 400)
    full = stock_features(prices)
    cut = stock_features(series_part(prices, 0, 300))
    np.testing.assert_allclose(cut.values, full.values[: len(cut)], rtol=1e-6)
    assert full.columns == ["log_return", "log_volume", "rv5", "rv21", "log_rv5", "log_rv21"]
    r = full.values[:, 0].astype(float)
    np.testing.assert_allclose(full.values[30, 2], np.mean(r[26:31] ** 2), rtol=1e-5)


def test_qlike_and_ewma():
    assert qlike(np.array([2.0, 3.0]), np.array([2.0, 3.0])) == pytest.approx(0.0)
    assert qlike(np.array([2.0]), np.array([1.0])) > qlike(np.array([2.0]), np.array([4.0]))
    flat = ewma_variance(np.full((1, 100), 2.0))
    assert flat[0] == pytest.approx(4.0)


def test_price_without_close_is_refused():
    series = load_dataset("seattle-weather")
    with pytest.raises(ValueError, match="close price"):
        stock_features(series)
