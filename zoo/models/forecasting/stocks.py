"""Stock forecasters: next daily log returns, and realised volatility, from daily prices.

Both are `LSTMForecaster`s on series derived from a daily close and volume
(`stock_features`, past data only at every row, so nothing leaks from the future):

* `log_return`: 100 x log(close_t / close_{t-1}) (percent);
* `log_volume`: log(volume_t) minus its mean over the previous 21 trading days;
* `rv5`, `rv21`: the mean of the squared log returns over the last 5 and 21 days
  (percent², a daily variance), so that `rv5` 5 steps ahead is the realised variance of
  the next 5 days, and `rv21` 21 steps ahead that of the next 21 days; `log_rv5`,
  `log_rv21` their logarithms.

`StockReturnForecaster` ("stock-return-lstm") forecasts the next `horizon` (5) log returns
from a window of returns and volume (day of week as a calendar covariate) and is scored
beside the random walk (zero return) and the historical mean return of the training
part: return MAE, price MAE (percent of the last price) and directional accuracy (an
up/down call, zero counted as up).

`StockVolatilityForecaster` ("stock-volatility-lstm"), a hybrid GARCH-LSTM, forecasts
`log_rv5` and `log_rv21` over 21 steps as a correction of GARCH(1,1)'s forecast; its
score is QLIKE (Patton, 2011) and MSE of the 5- and 21-day realised variance, beside EWMA (RiskMetrics, lambda = 0.94) and the last realised variance. GARCH(1,1),
fitted with `arch` on all data before each origin, is a baseline of the walk-forward
benchmark (`benchmarks/quality_forecasting.py --only stocks`), which has that history.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from zoo.data.errors import DataError
from zoo.data.timeseries import TimeSeries
from zoo.hparams import boolean, choice
from zoo.models.forecasting.backtest import split_tail
from zoo.models.forecasting.lstm_forecaster import LSTMForecaster, owner_hparams

__all__ = ["StockReturnForecaster", "StockVolatilityForecaster", "qlike", "stock_features"]

#: The RiskMetrics smoothing constant of the EWMA variance baseline.
EWMA_LAMBDA = 0.94
_VOLUME_WINDOW = 21
_DERIVED = ("log_return", "log_volume", "rv5", "rv21", "log_rv5", "log_rv21")


def stock_features(series: TimeSeries) -> TimeSeries:
    """The derived daily series (see the module docstring) of a series with a close price
    column (`Close`, `Adj Close`, `close` or `price`) and optionally `Volume`; the first
    21 rows, whose windows are incomplete, are dropped. A series that already has the
    derived columns is returned as is.

    Raises:
        DataError: no close price column, or a price that is not positive.
    """
    if set(_DERIVED[:1]) <= set(series.columns):
        return series
    lowered = {c.lower(): c for c in series.columns}
    close = next((lowered[k] for k in ("close", "adj close", "price") if k in lowered), None)
    if close is None:
        raise DataError(
            f"a stock series needs a close price column (Close or price); the columns are "
            f"{series.columns}",
            file=series.source,
            column="Close",
        )
    price = series.select([close]).values[:, 0].astype(np.float64)
    if not (price > 0).all():
        row = int(np.flatnonzero(~(price > 0))[0])
        raise DataError("prices must be positive", file=series.source, row=row + 2, column=close)
    r = np.zeros_like(price)
    r[1:] = 100.0 * np.diff(np.log(price))
    columns = {"log_return": r}
    if "volume" in lowered:
        volume = np.log(np.maximum(series.select([lowered["volume"]]).values[:, 0], 1.0))
        trailing = np.convolve(volume, np.ones(_VOLUME_WINDOW) / _VOLUME_WINDOW)[: len(volume)]
        past = np.r_[volume[0], trailing[:-1]]  # mean of the previous 21 days
        columns["log_volume"] = volume - past
    squared = r**2
    for days in (5, 21):
        columns[f"rv{days}"] = np.convolve(squared, np.ones(days) / days)[: len(r)]
    for days in (5, 21):
        columns[f"log_rv{days}"] = np.log(np.maximum(columns[f"rv{days}"], 1e-6))
    start = _VOLUME_WINDOW + 1
    values = np.stack(list(columns.values()), axis=1)[start:]
    return TimeSeries(
        series.dates[start:], values, list(columns), series.source, series.freq or "B"
    )


def qlike(actual: np.ndarray, forecast: np.ndarray) -> float:
    """QLIKE loss of variance forecasts, `mean(a / f - log(a / f) - 1)` (0 when exact),
    robust to the noise of a realised-variance proxy (Patton, 2011)."""
    a = np.maximum(np.asarray(actual, np.float64), 1e-8)
    f = np.maximum(np.asarray(forecast, np.float64), 1e-8)
    ratio = a / f
    return float(np.mean(ratio - np.log(ratio) - 1.0))


def ewma_variance(returns: np.ndarray, lam: float = EWMA_LAMBDA) -> np.ndarray:
    """RiskMetrics EWMA variance forecasts for the day after each window `[N, W]` of
    returns: `s2 <- lam * s2 + (1 - lam) * r^2` through the window, started at the
    window's mean squared return."""
    r = np.asarray(returns, np.float64)
    s2 = np.mean(r**2, axis=-1)
    for t in range(r.shape[-1]):
        s2 = lam * s2 + (1.0 - lam) * r[..., t] ** 2
    return s2


class _StockForecaster(LSTMForecaster):
    """Shared data handling: the S&P 500 (arch) as the default, derived features."""

    dataset = "sp500"
    COLUMNS: tuple[str, ...] = ()

    def adapt_to(self, series: TimeSeries, hints: dict[str, Any] | None = None) -> dict:
        """The registered defaults are made for daily prices: nothing is changed."""
        hp = self.hparams
        self.data_notes = [
            f"series: {series.source}, trading days; input_width={hp['input_width']}, "
            f"horizon={hp['horizon']}; targets: {', '.join(hp['targets'])} "
            f"(derived from the close price and volume)"
        ]
        return {}

    @classmethod
    def dataset_series(cls, name: str) -> tuple[TimeSeries, dict[str, Any]]:
        from zoo.data.datasets import load_dataset

        return cls.features(load_dataset(name)), {}

    @classmethod
    def features(cls, series: TimeSeries) -> TimeSeries:
        """The columns this model reads, derived from a price series."""
        derived = stock_features(series)
        return derived.select([c for c in cls.COLUMNS if c in derived.columns])

    @classmethod
    def prepare_series(cls, series: TimeSeries) -> TimeSeries:
        """A price series (or one already derived) as the columns this model reads."""
        return cls.features(series)

    @classmethod
    def default_data(cls, seed: int = 0) -> tuple[TimeSeries, TimeSeries]:  # type: ignore[override]
        """The S&P 500 daily closes and volumes shipped in `arch` (1999-2018), derived
        (`stock_features`): the first 80% to train, the last 20% (with context) to test."""
        series, _ = cls.dataset_series(cls.dataset)
        return split_tail(series, owner_hparams(cls))


class StockReturnForecaster(_StockForecaster):
    """Next `horizon` daily log returns (percent) from returns and relative volume.

    Defaults: `input_width=21` (a month of trading days), `horizon=5` (a week), one small
    LSTM, no skip connection (the random walk is the zero forecast, which the network's
    bias can learn), day-of-week and day-of-year covariates.
    """

    default_hparams = {
        **LSTMForecaster.default_hparams,
        "input_width": 21,
        "horizon": 5,
        "targets": ["log_return"],
        "units": 32,
        "dropout": 0.1,
        "epochs": 20,
        "skip": None,
        "relative": False,
        "season": 5,
    }
    #: The derived columns the network reads.
    COLUMNS = ("log_return", "log_volume")

    def _point_metrics(self, y: np.ndarray, f: np.ndarray) -> dict[str, float | None]:
        row = super()._point_metrics(y, f)
        y, f = np.asarray(y, np.float64)[..., 0], np.asarray(f, np.float64)[..., 0]
        path_y, path_f = np.exp(np.cumsum(y, -1) / 100), np.exp(np.cumsum(f, -1) / 100)
        row["return_mae"] = float(np.mean(np.abs(y - f)))
        row["price_mae_pct"] = float(100 * np.mean(np.abs(path_f - path_y)))
        row["direction_accuracy"] = float(np.mean((f >= 0) == (y >= 0)))
        return row

    def _baselines(self, raw: np.ndarray, horizon: int) -> dict[str, np.ndarray]:
        """The random walk (zero return) and the mean return of the training part."""
        pre = self.preprocessor
        mean = float(np.asarray(pre.scaler.mean_)[pre.target_index[0]])
        shape = (len(raw), horizon, 1)
        return {"random_walk": np.zeros(shape), "historical_mean": np.full(shape, mean)}


class StockVolatilityForecaster(_StockForecaster):
    """Realised variance over the next 5 and 21 trading days (`log_rv5` at step 5,
    `log_rv21` at step 21), from 63 days of returns and log realised variances.

    A hybrid GARCH-LSTM (Kim & Won, 2018) with the defaults (`garch=True`,
    `loss="qlike"`): GARCH(1,1) is fitted with `arch` on the returns of the series given
    to `fit`, and its parameters are then fixed inside the network
    (`zoo.models.forecasting.volatility`): the filtered GARCH log variance is one more
    input column of the LSTM, and GARCH's forecasts of the two targets' paths over 21
    steps are the skip connection, so the network learns the log ratio of the realised
    variance to GARCH's forecast, trained with the QLIKE loss of `exp(forecast)` (whose
    minimiser is the mean variance). No calendar covariates, learning rate 3e-4.

    `garch=False` is the plain network (the `last` skip connection, relative windows);
    `loss="mse"` trains on the MSE of the log variance, after which each output's bias is
    moved by the log of the mean of `exp(residual)` on the validation windows (Duan's
    smearing estimate), so that `exp(forecast)` estimates the mean variance. `forecast` is
    on the log scale: `exp(forecast)` is the daily variance in percent².
    """

    default_hparams = {
        **LSTMForecaster.default_hparams,
        "input_width": 63,
        "horizon": 21,
        "targets": ["log_rv5", "log_rv21"],
        "units": 32,
        "epochs": 20,
        "learning_rate": 3e-4,
        "calendar": False,
        "skip": "last",
        "relative": True,
        "season": 5,
        "garch": True,
        "loss": "qlike",
    }
    hparam_specs = {
        **LSTMForecaster.hparam_specs,
        "garch": boolean(),
        "loss": choice("qlike", "mse"),
    }
    COLUMNS = ("log_return", "log_rv5", "log_rv21")

    def __init__(self, name: str | None = None, **hparams: Any) -> None:
        super().__init__(name, **hparams)
        if list(self.hparams["targets"]) != ["log_rv5", "log_rv21"]:
            raise ValueError("stock-volatility-lstm forecasts the targets log_rv5, log_rv21")
        #: GARCH(1,1) parameters fitted on the training part (`fit_preprocessing`).
        self.garch_params: dict[str, float] | None = None

    @classmethod
    def register_custom_objects(cls) -> None:
        from zoo.models.forecasting.volatility import garch_layer_class, qlike_loss_class

        garch_layer_class()
        qlike_loss_class()

    def fit_preprocessing(self, data: Any, validation: Any = None):
        """`LSTMForecaster.fit_preprocessing`, and with `garch` GARCH(1,1) fitted with
        `arch` on the returns of the whole series given to `fit` (`garch_params`; in the
        walk-forward benchmark all data before the origin, as the GARCH baseline)."""
        train, validation = super().fit_preprocessing(data, validation)
        if self.hparams["garch"]:
            from zoo.models.forecasting.volatility import fit_garch

            series = self.preprocessor.as_series(data)
            self.garch_params = fit_garch(series.select(["log_return"]).values[:, 0])
        return train, validation

    def _loss(self):
        if self.hparams["loss"] != "qlike":
            return "mse"
        from zoo.models.forecasting.volatility import qlike_loss_class

        pre = self.preprocessor
        scale = np.asarray(pre.scaler.scale_, np.float64)[pre.target_index]
        return qlike_loss_class()(scale.tolist())

    def build_network(self):
        """With `garch`: the hybrid network (`zoo.models.forecasting.volatility`), the
        filtered GARCH log variance as one more input column and GARCH's forecast of the
        targets as the skip connection; else `LSTMForecaster.build_network`."""
        if not self.hparams["garch"]:
            return super().build_network()
        import keras

        from zoo.models.forecasting.volatility import garch_layer_class

        hp, pre = self.hparams, self.preprocessor
        if self.garch_params is None:
            raise RuntimeError("fit_preprocessing fits the GARCH parameters first")
        width = pre.feature_count
        mean = np.asarray(pre.scaler.mean_, np.float64)
        scale = np.asarray(pre.scaler.scale_, np.float64)
        r = pre.columns.index("log_return")
        garch = garch_layer_class()(
            self.garch_params,
            r,
            (mean[r], scale[r]),
            [(mean[i], scale[i]) for i in pre.target_index],
            pre.input_width,
            pre.horizon,
            name="garch",
        )
        inputs = keras.Input((pre.input_width, width), name="window")
        column, base = garch(inputs)
        x = self.network_body(inputs, "head_reshape", extra=column)
        outputs = keras.layers.Add(name="forecast")([x, base])
        network = keras.Model(inputs, outputs, name=self.name.replace("-", "_"))
        network.compile(optimizer=keras.optimizers.Adam(hp["learning_rate"]), loss=self._loss())
        return network

    def fit(self, data: Any, epochs: int | None = None, verbose: int | str = 2, **kwargs: Any):
        """`LSTMForecaster.fit`, then (with the MSE loss) the smearing correction of the
        head's bias; QLIKE already aims at the mean variance."""
        history = super().fit(data, epochs=epochs, verbose=verbose, **kwargs)
        if self.validation_windows is not None and self.hparams["loss"] != "qlike":
            x, y = self.validation_windows
            pre = self.preprocessor
            scale = np.asarray(pre.scaler.scale_, np.float64)[pre.target_index]
            residual = (y - self.infer("network", x)[0]) * scale  # log scale, [N, H, n]
            shift = np.log(np.mean(np.exp(residual), axis=0)) / scale  # [H, n], scaled
            head = self.head_layer()
            kernel, bias = head.get_weights()
            head.set_weights([kernel, bias + shift.reshape(-1).astype(bias.dtype)])
        return history

    def _point_metrics(self, y: np.ndarray, f: np.ndarray) -> dict[str, float | None]:
        y, f = np.exp(np.asarray(y, np.float64)), np.exp(np.asarray(f, np.float64))
        if y.shape[-2] < 21:  # a shorter horizon: QLIKE and MSE over every step
            return {"qlike": qlike(y, f), "mse": float(np.mean((y - f) ** 2))}
        pairs = {5: (y[:, 4, 0], f[:, 4, 0]), 21: (y[:, 20, 1], f[:, 20, 1])}
        row: dict[str, float | None] = {}
        for days, (a, p) in pairs.items():
            row[f"qlike_{days}"] = qlike(a, p)
            row[f"mse_{days}"] = float(np.mean((a - p) ** 2))
        row["qlike"] = (row["qlike_5"] + row["qlike_21"]) / 2
        return row

    def _baselines(self, raw: np.ndarray, horizon: int) -> dict[str, np.ndarray]:
        """EWMA (lambda 0.94) and the last realised variances, flat over the horizon
        (log scale, as the forecasts)."""
        columns = self.preprocessor.columns
        returns = raw[..., columns.index("log_return")]
        ewma = np.log(np.maximum(ewma_variance(returns), 1e-8))
        last = raw[:, -1, [columns.index("log_rv5"), columns.index("log_rv21")]]
        return {
            "ewma": np.repeat(np.stack([ewma, ewma], -1)[:, None], horizon, axis=1),
            "last_rv": np.repeat(last[:, None], horizon, axis=1),
        }
