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
from zoo.registry import register_model

__all__ = ["LSTMForecaster", "QuantileLSTMForecaster", "SeriesPreprocessor", "backtest"]

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
