"""Tests of the rolling-origin backtest of the forecasting models."""

from __future__ import annotations

import numpy as np
import pytest

from zoo.data.errors import DataError
from zoo.data.timeseries import TimeSeries
from zoo.models.forecasting import LSTMForecaster, QuantileLSTMForecaster, backtest

TINY = {"input_width": 24, "horizon": 6, "units": 8, "epochs": 1}


def periodic_series(n: int = 300) -> TimeSeries:
    t = np.arange(n)
    dates = np.datetime64("2022-01-01T00:00:00") + t.astype("timedelta64[h]")
    values = 20 + 5 * np.sin(2 * np.pi * t / 24)
    return TimeSeries(dates, values, ["y"], "periodic", "h")


@pytest.fixture(scope="module")
def series():
    return periodic_series()


@pytest.fixture(scope="module")
def model(series):
    model = LSTMForecaster(**TINY)
    model.fit(TimeSeries(series.dates[:200], series.values[:200], ["y"], "p", "h"), verbose=0)
    return model


def test_folds_move_through_the_tail(model, series):
    result = backtest(model, series, folds=4)
    origins = [f["origin"] for f in result["folds"]]
    assert origins == [276, 282, 288, 294]  # one horizon apart, the last ends the series
    assert result["folds"][0]["date"] == "2022-01-12T12:00:00"
    assert result["horizon"] == 6 and result["step"] == 6 and result["refit"] is False
    assert set(result["mean"]) == {"model", "naive", "seasonal_naive"}
    maes = [f["model"]["mae"] for f in result["folds"]]
    assert result["mean"]["model"]["mae"] == pytest.approx(np.mean(maes))
    # A purely periodic series: the seasonal naive forecast is exact.
    assert result["mean"]["seasonal_naive"]["mae"] < 1e-5
    assert result["mean"]["naive"]["mae"] > 0.5


def test_shorter_horizon_and_step(model, series):
    result = backtest(model, series, folds=3, horizon=3, step=1)
    assert [f["origin"] for f in result["folds"]] == [295, 296, 297]


def test_refit_fits_a_fresh_model_per_fold(series):
    model = QuantileLSTMForecaster(**TINY)
    result = backtest(model, series, folds=2, refit=True)
    assert model.network is None  # the model passed in is left unfitted
    assert len(result["folds"]) == 2
    assert {"coverage", "pinball"} <= set(result["mean"]["model"])


def test_errors(model, series):
    with pytest.raises(ValueError, match="horizon"):
        backtest(model, series, horizon=7)
    with pytest.raises(DataError, match="too short"):
        backtest(model, series, folds=60)
    with pytest.raises(RuntimeError, match="fit"):
        backtest(LSTMForecaster(**TINY), series)
