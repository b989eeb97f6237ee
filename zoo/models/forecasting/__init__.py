"""Forecasting family: direct multi-horizon LSTM forecasters (point and quantile).

    model = zoo.create_model("forecast-lstm")
    train, test = model.default_data()          # hourly Seattle temperatures, 2010
    model.fit(train)
    model.evaluate(test)                        # model vs naive vs seasonal naive
    model.predict(test)["forecast"]             # the next 24 hours

`backtest(model, series, folds=5)` runs a rolling-origin evaluation.

The family's contract (`zoo.family`): the TensorFlow-free `SeriesPreprocessor`
(`model.preprocessor`: scaling, calendar covariates, windows, inverse transform, future
dates, to/from config), `model.fit_preprocessing(data)` and `model.validation_split`,
`fit(..., network=)`, the layer handles `model.recurrent_layers()` / `model.head_layer()`
that export reads, and prediction through `model.infer("network", x)`, so the runtime
hands in its onnxruntime engine with `model.use_engine`.
"""

from zoo.family import Family, register_family
from zoo.models.forecasting.backtest import backtest
from zoo.models.forecasting.lstm_forecaster import LSTMForecaster
from zoo.models.forecasting.preprocessor import SeriesPreprocessor
from zoo.models.forecasting.quantile_lstm_forecaster import QuantileLSTMForecaster
from zoo.models.forecasting.stocks import StockReturnForecaster, StockVolatilityForecaster
from zoo.registry import register_model

__all__ = [
    "LSTMForecaster",
    "QuantileLSTMForecaster",
    "SeriesPreprocessor",
    "StockReturnForecaster",
    "StockVolatilityForecaster",
    "backtest",
]

register_family(
    Family(
        task=LSTMForecaster.task,
        hypermodel="tuning.hypermodels.forecasting:ForecastingHyperModel",
        export_graphs="export.families.forecasting:graphs",
        runtime="export.runtime.engine:onnx_engine",
        cli="zoo.models.forecasting.cli:COMMAND_LINE",
        stream="export.runtime.streaming:StreamingForecaster",
        preprocessing_schema="zoo.schemas:FORECASTING_PREPROCESSING",
        check_preprocessing="zoo.models.forecasting.checks:check_preprocessing_state",
        task_metric="zoo.models.forecasting.serving:task_metric",
        graphs=("network",),
        optional_graphs=("stream",),
        summary="Time-series forecasting: a window of history in, the next `horizon` "
        "steps of the target columns out (point forecasts or quantiles).",
    )
)

_LOADERS = (
    "zoo.data.load_embedded_series",
    "zoo.data.load_series_csv",
    "zoo.data.load_ett",
)
_INPUTS = (
    "TimeSeries [T, F] (dates + numeric columns); windows of input_width steps of every "
    "column, standard-scaled on the training split, plus hour/weekday/yearday sin-cos "
    "calendar covariates when calendar=True"
)

register_model(
    "forecast-lstm",
    LSTMForecaster,
    summary="Direct multi-horizon LSTM forecaster: a window of history in, the next "
    "`horizon` steps of the target columns out at once; evaluated against naive and "
    "seasonal-naive forecasts.",
    inputs=_INPUTS,
    outputs="forecast [horizon, n_targets] on the original scale, with the forecast dates",
    reference="Hochreiter & Schmidhuber, 'Long Short-Term Memory', Neural Computation, 1997; "
    "direct multi-horizon strategy: Ben Taieb et al., 'A review and comparison of strategies "
    "for multi-step ahead time series forecasting', Expert Systems with Applications, 2012",
    loaders=_LOADERS,
)

register_model(
    "forecast-quantile-lstm",
    QuantileLSTMForecaster,
    summary="Quantile LSTM forecaster trained with the pinball loss: median forecast plus a "
    "prediction interval (default 10%-90%, an 80% band) for each of the next `horizon` steps.",
    inputs=_INPUTS,
    outputs="median forecast, lower/upper interval bounds [horizon, n_targets] and all "
    "quantiles [horizon, n_targets, n_quantiles], with the forecast dates",
    reference="Koenker & Bassett, 'Regression Quantiles', Econometrica, 1978 (pinball loss); "
    "Wen et al., 'A Multi-Horizon Quantile Recurrent Forecaster' (MQ-RNN), 2017",
    loaders=_LOADERS,
)

_STOCK_INPUTS = (
    "TimeSeries of daily prices (Close, optional Volume; or an embedded dataset such as "
    "'sp500'), turned into log returns (percent), relative log volume and 5/21-day realised "
    "variances from past data only; windows standard-scaled on the training split, plus "
    "day-of-week/day-of-year sin-cos covariates"
)

register_model(
    "stock-return-lstm",
    StockReturnForecaster,
    summary="Next 5 daily log returns of a stock or index from a month of returns and "
    "volume; scored (return MAE, price MAE, directional accuracy) beside the random walk "
    "and the historical mean return.",
    inputs=_STOCK_INPUTS,
    outputs="forecast [5, 1]: the next 5 daily log returns in percent, with their dates",
    reference="Fischer & Krauss, 'Deep learning with long short-term memory networks for "
    "financial market predictions', European Journal of Operational Research, 2018",
    loaders=("zoo.data.datasets.load_dataset", "zoo.data.load_series_csv"),
)

register_model(
    "stock-volatility-lstm",
    StockVolatilityForecaster,
    summary="Realised variance of the next 5 and 21 trading days from 63 days of returns "
    "and realised variances, a hybrid GARCH-LSTM (GARCH(1,1) fitted with arch as input "
    "and skip connection, QLIKE loss); scored with QLIKE and MSE beside EWMA (RiskMetrics) and, in "
    "the walk-forward benchmark, GARCH(1,1) fitted with arch.",
    inputs=_STOCK_INPUTS,
    outputs="forecast [21, 2]: the paths of log rv5 and log rv21 (log daily variance, "
    "percent^2); exp of step 5 of the first and step 21 of the second are the 5- and "
    "21-day realised variances",
    reference="Patton, 'Volatility forecast comparison using imperfect volatility proxies', "
    "Journal of Econometrics, 2011 (QLIKE); Bollerslev, 'Generalized autoregressive "
    "conditional heteroskedasticity', Journal of Econometrics, 1986 (GARCH); Kim & Won, "
    "'Forecasting the volatility of stock price index: a hybrid model integrating LSTM "
    "with multiple GARCH-type models', Expert Systems with Applications, 2018",
    loaders=("zoo.data.datasets.load_dataset", "zoo.data.load_series_csv"),
)
