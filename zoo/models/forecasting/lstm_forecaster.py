"""`LSTMForecaster`: a direct multi-horizon forecaster on a stack of zoo LSTMs.

An input window of `input_width` steps (every column of the series, standard-scaled with
statistics of the training split only, plus optional cyclical calendar covariates) goes
through the LSTM stack; one Dense layer emits all `horizon x n_targets` values at once
(the direct strategy, no feeding back of forecasts), reshaped to `[horizon, n_targets]`.

`evaluate` scores the model, the naive and the seasonal naive forecasts on the same
windows; the metrics are those of `zoo.models.forecasting.backtest.metric_row` (MASE is
scaled by the in-sample seasonal naive MAE of the whole series given to `fit`).
"""

from __future__ import annotations

import os
import types
from pathlib import Path
from typing import Any

import numpy as np

from zoo.data.timeseries import TimeSeries, describe_freq, infer_freq, load_series_csv
from zoo.hparams import (
    DROPOUT,
    FRACTION,
    LEARNING_RATE,
    SEED,
    boolean,
    check_hparams,
    choice,
    integer,
    names,
)
from zoo.models.base import ZooModel
from zoo.models.forecasting.backtest import (
    baseline_forecasts,
    infer_season,
    metric_row,
    series_part,
    split_tail,
)
from zoo.models.forecasting.preprocessor import SeriesPreprocessor

#: `(input_width, horizon)` a series of each frequency gets when they are not set: a week
#: of hours for the next day, four weeks of days for the next week, a month of trading
#: days for the next week, a year of weeks for the next month, two years of months for
#: the next year, two hours of minutes for the next hour.
FREQUENCY_DEFAULTS: dict[str, tuple[int, int]] = {
    "min": (120, 60),
    "h": (168, 24),
    "D": (28, 7),
    "B": (21, 5),
    "W": (52, 4),
    "MS": (24, 12),
    "M": (24, 12),
}
#: Any other frequency.
OTHER_DEFAULTS = (48, 12)
#: Column names taken as the target, in this order, when none is set (case-insensitive).
TARGET_NAMES = ("target", "y", "value", "ot", "close", "adj close", "price", "temp", "temperature")


def default_target(columns: list[str], preferred: str | None = None) -> str:
    """The one column forecast by default: `preferred` (a dataset's target) when present,
    else the first column named like a target (`TARGET_NAMES`), else the last column (as
    ETT's `OT`)."""
    if preferred in columns:
        return preferred
    lowered = [c.lower() for c in columns]
    for name in TARGET_NAMES:
        if name in lowered:
            return columns[lowered.index(name)]
    return columns[-1]


def owner_hparams(owner) -> dict[str, Any]:
    """The hyperparameters of a model, or the defaults of a model class."""
    return getattr(owner, "hparams", owner.default_hparams)


class _hybridmethod:
    """A classmethod that receives the instance when called on one (to see its hparams)."""

    def __init__(self, func):
        self.func = func
        self.__doc__ = func.__doc__

    def __get__(self, obj, owner):
        return types.MethodType(self.func, owner if obj is None else obj)


class LSTMForecaster(ZooModel):
    """Direct multi-horizon LSTM forecaster for (multivariate) regularly sampled series.

    Hyperparameters: `input_width` (steps of history per window), `horizon` (steps
    forecast at once), `targets` (column names to forecast, None = all), `calendar`
    (append hour/weekday/yearday sin-cos covariates), `units`, `layers` (stacked zoo
    LSTMs), `dropout` (after each LSTM), `learning_rate` (Adam), `batch_size`, `epochs`,
    `patience` (early stopping on validation loss, best weights restored), `val_fraction`
    (chronological validation tail of the series given to `fit`), `season` (None = from the
    frequency: hourly 24, daily 7, monthly 12, else 1), `seed`, and two options of the
    network:

    * `skip`: `"seasonal"` adds the seasonal naive forecast taken from the input window
      (the last `season` steps repeated; the last value when `input_width < season`) to
      the Dense output, so the LSTM learns the correction to it; `"last"` adds the last
      value instead (a naive forecast); None: the plain LSTM -> Dense -> Reshape network.
    * `relative`: the LSTM sees each column minus its last value in the window, so
      windows that differ only in level look alike (robust to level shifts between the
      training and test periods, as in NLinear / RevIN).
    """

    task = "forecasting"
    default_hparams = {
        "input_width": 168,
        "horizon": 24,
        "targets": None,
        "calendar": True,
        "units": 64,
        "layers": 1,
        "dropout": 0.0,
        "learning_rate": 1e-3,
        "batch_size": 64,
        "epochs": 30,
        "patience": 5,
        "val_fraction": 0.1,
        "season": None,
        "skip": "seasonal",
        "relative": True,
        "seed": 0,
    }
    hparam_specs = {
        "input_width": integer(1),
        "horizon": integer(1),
        "targets": names(optional=True),
        "calendar": boolean(),
        "units": integer(1),
        "layers": integer(1),
        "dropout": DROPOUT,
        "learning_rate": LEARNING_RATE,
        "batch_size": integer(1),
        "epochs": integer(1),
        "patience": integer(0),
        "val_fraction": FRACTION,
        "season": integer(1, optional=True),
        "skip": choice("seasonal", "last", "none", False, optional=True),
        "relative": boolean(),
        "seed": SEED,
    }

    def __init__(self, name: str | None = None, **hparams: Any) -> None:
        super().__init__(name, **hparams)
        if self.hparams["skip"] in ("none", False):
            self.hparams["skip"] = None
        if self.hparams["skip"] not in (None, "seasonal", "last"):
            raise ValueError(
                f"skip must be 'seasonal', 'last' or None; got {self.hparams['skip']!r}"
            )
        #: The fitted preprocessing (unfitted until `fit` or `restore_preprocessing`).
        self.preprocessor = self.new_preprocessor()
        #: The hyperparameters given by name (the others may follow the data, `adapt_to`).
        self.explicit_hparams = frozenset(hparams)
        #: The embedded dataset the model was last given by name (`load_data`), if any.
        self.data_name: str | None = None

    # -- preprocessing --------------------------------------------------------
    def new_preprocessor(self) -> SeriesPreprocessor:
        """An unfitted `SeriesPreprocessor` for the current hyperparameters."""
        hp = self.hparams
        return SeriesPreprocessor(
            hp["input_width"],
            hp["horizon"],
            targets=hp["targets"],
            calendar=hp["calendar"],
            season=hp["season"],
        )

    def validation_split(self, series: TimeSeries) -> tuple[TimeSeries, TimeSeries | None]:
        """`(train, validation)`: the chronological split `fit` holds out for early
        stopping. The last `val_fraction` of `series` is the validation part, which starts
        `input_width` steps earlier (its first window's inputs); `(series, None)` when the
        tail would hold less than a horizon or leave less than a window to train on."""
        hp = self.hparams
        width, horizon, n = int(hp["input_width"]), int(hp["horizon"]), len(series)
        n_val = int(round(n * hp["val_fraction"]))
        if n_val >= horizon and n - n_val >= width + horizon:
            return series_part(series, 0, n - n_val), series_part(series, n - n_val - width)
        return series, None

    def fit_preprocessing(
        self, data: Any, validation: Any = None
    ) -> tuple[TimeSeries, TimeSeries | None]:
        """Fits `self.preprocessor` as `fit` does: on the series `data` (at least
        `input_width + horizon` steps), with the scaler's statistics from its training
        part only (`validation_split`; all of it when `validation` is given).

        Returns:
            `(train, validation)`: the series `fit` cuts its training and validation
            windows from (`validation` is as given, None when there is none).
        """
        hp = self.hparams
        series = self.preprocessor.as_series(data)
        preprocessor = self.new_preprocessor()
        preprocessor.check_length(series, hp["input_width"] + hp["horizon"], "the training series")
        train = series
        if validation is None:
            train, validation = self.validation_split(series)
        self.preprocessor = preprocessor.fit(series, train)
        return train, validation

    def preprocessing_state(self) -> dict[str, Any]:
        if not self.preprocessor.fitted:
            raise RuntimeError(f"Model '{self.name}' has not been fitted yet.")
        return self.preprocessor.to_config()

    def restore_preprocessing(self, state: dict[str, Any]) -> None:
        self.preprocessor = SeriesPreprocessor.from_config(state)

    # -- network --------------------------------------------------------------
    def output_shape(self) -> tuple[int, ...]:
        """The shape of one forecast on the network's output: `(horizon, n_targets)`."""
        return self.preprocessor.output_shape()

    def skip_steps(self) -> list[int]:
        """Input-window positions the skip connection repeats, one per forecast step (the
        last season, or the last step; empty without a skip connection). The network adds
        those steps' scaled targets to its head's output."""
        return self.preprocessor.skip_steps(self.hparams["skip"])

    def recurrent_layers(self) -> list[Any]:
        """The network's LSTM layers, first to last.

        `build_network` names them `lstm_1` ... `lstm_<layers>`; a loaded or externally
        built network is searched by the same names (Keras keeps layer names on save).
        """
        self._require_network()
        return [self.network.get_layer(f"lstm_{i}") for i in range(1, self.hparams["layers"] + 1)]

    def head_layer(self) -> Any:
        """The Dense layer that emits every forecast value from the last LSTM's output
        (before the reshape to `output_shape()` and the skip connection); `build_network`
        names it `head`, and a loaded network is searched by that name."""
        self._require_network()
        return self.network.get_layer("head")

    def _loss(self):
        return "mse"

    def _train_targets(self, y: np.ndarray) -> np.ndarray:
        return y

    def network_body(self, inputs, name: str, extra=None):
        """The window `inputs` (each column minus its last value when `relative`), the
        `extra` columns `[N, W, k]` appended when given, the stacked zoo LSTMs with their
        dropout, and the dense head reshaped to `output_shape()` (layer `name`)."""
        import keras

        from zoo.layers import LSTM

        hp, pre = self.hparams, self.preprocessor
        width, n = pre.feature_count, len(pre.columns)
        x = inputs
        if hp["relative"]:  # each column minus its last value in the window
            x = inputs[:, :, :n] - inputs[:, -1:, :n]
            if width > n:
                x = keras.layers.Concatenate(name="relative_window")([x, inputs[:, :, n:]])
        if extra is not None:
            x = keras.layers.Concatenate(name="garch_window")([x, extra])
        for i in range(hp["layers"]):
            x = LSTM(hp["units"], return_sequences=i < hp["layers"] - 1, name=f"lstm_{i + 1}")(x)
            if hp["dropout"]:
                x = keras.layers.Dropout(hp["dropout"], seed=hp["seed"], name=f"dropout_{i + 1}")(x)
        shape = self.output_shape()
        x = keras.layers.Dense(int(np.prod(shape)), name="head")(x)
        return keras.layers.Reshape(shape, name=name)(x)

    def build_network(self):
        import keras
        from keras import ops

        hp, pre = self.hparams, self.preprocessor
        inputs = keras.Input((pre.input_width, pre.feature_count), name="window")
        shape = self.output_shape()
        outputs = self.network_body(inputs, "head_reshape" if hp["skip"] else "forecast")
        if hp["skip"]:
            base = ops.take(ops.take(inputs, self.skip_steps(), axis=1), pre.target_index, 2)
            if len(shape) == 3:
                base = ops.expand_dims(base, -1)
            outputs = keras.layers.Add(name="forecast")([outputs, base])
        network = keras.Model(inputs, outputs, name=self.name.replace("-", "_"))
        network.compile(optimizer=keras.optimizers.Adam(hp["learning_rate"]), loss=self._loss())
        return network

    # -- training ---------------------------------------------------------------
    def fit(
        self,
        data: TimeSeries,
        epochs: int | None = None,
        verbose: int | str = 2,
        network: Any = None,
        **kwargs: Any,
    ) -> dict[str, list[float]]:
        """Fits on `data`, holding out its last `val_fraction` (chronologically,
        `validation_split`) for early stopping, or on all of it when `validation=` (a
        TimeSeries starting `input_width` steps before its first target) is given;
        `callbacks=` adds Keras callbacks to the early stopping. `network`: train this
        compiled Keras model (built for the same hyperparameters and preprocessing, e.g.
        by a tuner) instead of a new `build_network()`. Returns the per-epoch history."""
        import keras

        hp = self.hparams
        validation = kwargs.pop("validation", None)
        callbacks = list(kwargs.pop("callbacks", None) or [])
        if kwargs:
            raise TypeError(f"fit() got unexpected arguments {sorted(kwargs)}")
        train, validation = self.fit_preprocessing(data, validation)
        #: `(x, scaled y)` of the validation windows of the last `fit` (None: none).
        self.validation_windows = None
        pre = self.preprocessor
        x, y, _ = pre.windows(train)
        val = None
        if validation is not None:
            validation = pre.as_series(validation)
            pre.check_frequency(validation)
            vx, vy, _ = pre.windows(validation)
            val = (vx, self._train_targets(vy))
            self.validation_windows = (vx, vy)
        keras.utils.set_random_seed(int(hp["seed"]))
        self.network = self.build_network() if network is None else network
        self.use_engine(None)  # predictions now come from the network just trained
        stop = keras.callbacks.EarlyStopping(
            monitor="val_loss" if val else "loss",
            patience=int(hp["patience"]),
            restore_best_weights=True,
        )
        result = self.network.fit(
            x,
            self._train_targets(y),
            validation_data=val,
            epochs=int(epochs or hp["epochs"]),
            batch_size=int(hp["batch_size"]),
            shuffle=True,
            verbose=verbose,
            callbacks=[stop, *callbacks],
        )
        self.history = {k: [float(v) for v in vals] for k, vals in result.history.items()}
        return self.history

    # -- forecasting ------------------------------------------------------------
    def _require_inference(self) -> None:
        """Prediction needs a network, or an engine handed in with `use_engine`."""
        if self.engine is None:
            self._require_network()
        if not self.preprocessor.fitted:
            raise RuntimeError(f"Model '{self.name}' has not been fitted yet.")

    def _forecast(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Original-scale forecasts for input windows ``x``: ``{"forecast": [N, H, n]}``."""
        return self.from_scaled(self.infer("network", x)[0])

    def from_scaled(self, scaled: np.ndarray) -> dict[str, np.ndarray]:
        """Original-scale forecasts `{"forecast": [N, horizon, n_targets]}` from the
        network's (scaled) output `[N, *output_shape()]`."""
        return {"forecast": self.preprocessor.inverse_transform(scaled)}

    def postprocess(self, scaled: np.ndarray, last: np.datetime64) -> dict[str, Any]:
        """What `predict` returns, from the network's output `[1, *output_shape()]` for a
        history whose last date is `last`: the forecast and its dates."""
        out = {key: value[0] for key, value in self.from_scaled(scaled).items()}
        out["dates"] = self.preprocessor.future_dates(last)
        return out

    def _point_metrics(self, y: np.ndarray, f: np.ndarray) -> dict[str, float]:
        pre = self.preprocessor
        return metric_row(y, f, pre.scaler, pre.target_index, pre.mase_scale)

    def _model_metrics(self, y: np.ndarray, out: dict[str, np.ndarray]) -> dict[str, float]:
        return self._point_metrics(y, out["forecast"])

    def _sequence_metrics(self, y: np.ndarray, out: dict[str, np.ndarray]) -> dict[str, float]:
        """Metrics that read the evaluation windows as one series in time order (stride 1),
        added to `_model_metrics` by `evaluate`: none for point forecasts."""
        return {}

    def _baselines(self, raw: np.ndarray, horizon: int) -> dict[str, np.ndarray]:
        pre = self.preprocessor
        return baseline_forecasts(raw, horizon, pre.target_index, pre.season)

    def context(self) -> int:
        """History each evaluation window needs: max(input_width, season) (for the baseline)."""
        return max(self.preprocessor.input_width, self.preprocessor.season)

    def evaluate(self, data: TimeSeries) -> dict[str, Any]:
        """Metrics of the model, naive and seasonal naive forecasts on every window (stride 1)
        of `data`, whose first `max(input_width, season)` steps serve as context only."""
        self._require_inference()
        pre = self.preprocessor
        series = pre.as_series(data)
        pre.check_frequency(series)
        pre.check_length(series, self.context() + pre.horizon, "the test series")
        x, ys, raw = pre.windows(series, self.context())
        y = pre.inverse_transform(ys)
        out = self._forecast(x)
        report = {"model": {**self._model_metrics(y, out), **self._sequence_metrics(y, out)}}
        for name, f in self._baselines(raw, pre.horizon).items():
            report[name] = self._point_metrics(y, f)
        return report

    def predict(self, inputs: Any, dates: Any = None) -> dict[str, Any]:
        """Forecast of the `horizon` steps after the end of `inputs` (a TimeSeries, or an
        array [T, F] with `dates`), on the original scale: `forecast` [horizon, n_targets],
        `dates` [horizon]; the columns follow `preprocessor.targets`."""
        self._require_inference()
        pre = self.preprocessor
        series = pre.as_series(inputs, dates)
        pre.check_history(series)
        width = pre.input_width
        x = pre.origin_windows(series_part(series, -width), [width])
        return self.postprocess(self.infer("network", x)[0], series.dates[-1])

    # -- data -------------------------------------------------------------------
    def adapt_to(self, series: TimeSeries, hints: dict[str, Any] | None = None) -> dict[str, Any]:
        """Fits the hyperparameters the user did not set to `series`: `input_width` and
        `horizon` from its frequency (`FREQUENCY_DEFAULTS`), `hints` (a catalogue
        dataset's better settings, e.g. the yearly season of daily weather), and one
        target column (`default_target`) when `targets` was left at None. Records what
        it chose in `data_defaults` and the lines `train` prints in `data_notes`.

        A fitted model keeps the settings it was trained with: reading data through it
        (`default_data`, `load_data`) changes nothing, and `{}` is returned."""
        if self.network is not None or self.preprocessor.fitted:
            return {}
        explicit = self.explicit_hparams
        hints = dict(hints or {})
        target = hints.pop("target", None)
        freq = series.freq or (infer_freq(series.dates) if len(series) > 1 else None)
        width, horizon = FREQUENCY_DEFAULTS.get(freq or "", OTHER_DEFAULTS)
        chosen = {"input_width": width, "horizon": horizon, **hints}
        chosen = {k: v for k, v in chosen.items() if k not in explicit}
        if "targets" not in explicit:
            chosen["targets"] = [default_target(series.columns, target)]
        self.hparams = check_hparams(self.name, self.hparam_specs, {**self.hparams, **chosen})
        if self.hparams["skip"] in ("none", False):
            self.hparams["skip"] = None
        self.preprocessor = self.new_preprocessor()
        self.data_defaults = chosen
        hp = self.hparams
        season = int(hp["season"] or infer_season(freq))
        how = "set" if {"input_width", "horizon"} <= explicit else "from the frequency"
        self.data_notes = [
            f"inferred frequency: {describe_freq(freq)}; season: {season} steps; "
            f"input_width={hp['input_width']}, horizon={hp['horizon']} ({how})",
            f"targets: {', '.join(hp['targets'] or series.columns)} "
            f"(of {', '.join(series.columns)}; change with --set targets=NAME)",
        ]
        return chosen

    @_hybridmethod
    def default_data(owner, seed: int = 0) -> tuple[TimeSeries, TimeSeries]:
        """Hourly Seattle temperatures of 2010 (real data shipped in vega_datasets): the first
        80% to train, the last 20% (plus `max(input_width, season)` steps of context before
        it) to test. The split is chronological; `seed` is unused."""
        from zoo.data.embedded import load_embedded_series

        series = load_embedded_series("seattle-temps")
        if isinstance(owner, LSTMForecaster):
            owner.adapt_to(series)
        return split_tail(series, owner_hparams(owner))

    @_hybridmethod
    def load_data(
        owner,
        path: str | os.PathLike[str],
        seed: int = 0,
        *,
        delimiter: str | None = None,
        date_column: str | None = None,
        value_columns: list[str] | None = None,
    ):
        """Like `default_data` from a CSV with a `date` column (else the first column is the
        date) and numeric value columns, or from an embedded dataset by name (`lstm-zoo
        datasets`); malformed files, and dates that are not evenly spaced (gaps, repeats,
        disorder), raise `DataError` naming the row. `delimiter`, `date_column` and
        `value_columns` (default: every other column) choose how the CSV is read. On a
        model (not the class), the hyperparameters left unset follow the series
        (`adapt_to`)."""
        from zoo.data.datasets import DATASETS, is_dataset

        hints: dict[str, Any] = {}
        if is_dataset(path):
            series, hints = owner.dataset_series(str(path))
            if value_columns:
                series = series.select(value_columns)
        else:
            series = load_series_csv(
                path, date_column=date_column, value_columns=value_columns, delimiter=delimiter
            )
            series = owner.prepare_series(series)
        if isinstance(owner, LSTMForecaster):
            owner.adapt_to(series, hints)
            if str(path) in DATASETS:
                owner.data_name = str(path)
        return split_tail(series, owner_hparams(owner))

    @classmethod
    def prepare_series(cls, series: TimeSeries) -> TimeSeries:
        """The series as this model reads it (a subclass may derive columns)."""
        return series

    @classmethod
    def dataset_series(cls, name: str) -> tuple[TimeSeries, dict[str, Any]]:
        """The catalogue dataset `name` as this model reads it, and its hints (its default
        target and better-suited hyperparameters). Stock series keep their closing price
        and volume."""
        from zoo.data.datasets import DATASETS, load_dataset

        entry = DATASETS[name]
        series = load_dataset(name)
        if entry.kind == "stocks":
            series = series.select(["Close", "Volume"])
        return series, {"target": entry.target, **entry.hints}

    def plots(self, data: TimeSeries, directory: Path) -> list[Path]:
        """`forecast.png`: up to 3 consecutive forecasts ending at the end of `data` against
        the actual values (one more `forecast_<target>.png` per extra target)."""
        from zoo.plots import plot_forecast

        self._require_inference()
        pre = self.preprocessor
        series = pre.as_series(data)
        pre.check_frequency(series)
        iw, h = pre.input_width, pre.horizon
        pre.check_length(series, iw + h, "the test series")
        k = min(3, (len(series) - iw) // h)
        origins = [len(series) - (k - j) * h for j in range(k)]
        out = self._forecast(pre.origin_windows(series, origins))
        out = {key: v.reshape(k * h, *v.shape[2:]) for key, v in out.items()}
        shown = min(len(series), k * h + min(iw, 2 * h))
        actual = series.select(pre.targets).values[-shown:]
        band = self._band_label()
        paths = []
        for j, target in enumerate(pre.targets):
            f = out["forecast"][:, j]
            err = float(np.mean(np.abs(f - actual[-k * h :, j])))
            name = "forecast.png" if j == 0 else f"forecast_{j}_{target}.png".replace("/", "_")
            paths.append(
                plot_forecast(
                    series.dates[-shown:],
                    actual[:, j],
                    f,
                    out["lower"][:, j] if "lower" in out else None,
                    out["upper"][:, j] if "upper" in out else None,
                    path=Path(directory) / name,
                    title=f"{self.name}: '{target}', last {k} forecasts of {h} steps "
                    f"(MAE {err:.3g})",
                    ylabel=target,
                    interval_label=band,
                )
            )
        return paths

    def _band_label(self) -> str:
        return "prediction interval"
