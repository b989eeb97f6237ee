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

from zoo.data.errors import DataError
from zoo.data.timeseries import TimeSeries, load_series_csv
from zoo.models.base import ZooModel
from zoo.models.forecasting.backtest import (
    baseline_forecasts,
    infer_season,
    metric_row,
    series_part,
    split_tail,
)
from zoo.preprocessing.scaling import StandardScaler
from zoo.preprocessing.windows import calendar_feature_names, calendar_features, make_windows


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


def _future_dates(last: np.datetime64, freq: str | None, step: float, horizon: int) -> np.ndarray:
    k = np.arange(1, horizon + 1)
    if freq in ("MS", "M", "YS", "Y"):
        unit = "M" if freq.startswith("M") else "Y"
        periods = last.astype(f"datetime64[{unit}]") + k
        if freq.endswith("S"):
            return periods.astype("datetime64[s]")
        ends = (periods + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
        return ends.astype("datetime64[s]") + (last - last.astype("datetime64[D]"))
    return last + (k * round(step)).astype("timedelta64[s]")


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

    def __init__(self, name: str | None = None, **hparams: Any) -> None:
        super().__init__(name, **hparams)
        if self.hparams["skip"] in ("none", False):
            self.hparams["skip"] = None
        if self.hparams["skip"] not in (None, "seasonal", "last"):
            raise ValueError(
                f"skip must be 'seasonal', 'last' or None; got {self.hparams['skip']!r}"
            )
        self._state: dict[str, Any] | None = None
        self._scaler: StandardScaler | None = None

    # -- preprocessing --------------------------------------------------------
    def _fit_preprocessing(self, series: TimeSeries, train: TimeSeries) -> None:
        hp = self.hparams
        targets = list(hp["targets"] or series.columns)
        missing = [t for t in targets if t not in series.columns]
        if missing:
            raise DataError(
                f"target column {missing[0]!r} not found; the columns are {series.columns}",
                file=series.source,
                column=missing[0],
            )
        index = [series.columns.index(t) for t in targets]
        steps = np.diff(series.dates).astype(np.int64)
        step = float(np.median(steps)) if steps.size else 86400.0
        season = int(hp["season"] or infer_season(series.freq))
        self._scaler = StandardScaler().fit(train.values)
        history = series.values[:, index].astype(np.float64)
        lag = season if len(history) > season else 1
        scale = np.abs(history[lag:] - history[:-lag]).mean(axis=0)
        self._state = {
            "columns": list(series.columns),
            "targets": targets,
            "target_index": index,
            "scaler": self._scaler.to_config(),
            "calendar_features": calendar_feature_names(series.dates, step)
            if hp["calendar"]
            else [],
            "freq": series.freq,
            "step_seconds": step,
            "season": season,
            "mase_scale": scale.tolist(),
            "input_width": int(hp["input_width"]),
            "horizon": int(hp["horizon"]),
        }

    def preprocessing_state(self) -> dict[str, Any]:
        if self._state is None:
            raise RuntimeError(f"Model '{self.name}' has not been fitted yet.")
        return dict(self._state)

    def restore_preprocessing(self, state: dict[str, Any]) -> None:
        self._state = dict(state)
        self._scaler = StandardScaler.from_config(state["scaler"])

    def _as_series(self, data: Any, dates: Any = None) -> TimeSeries:
        if isinstance(data, TimeSeries):
            return data
        if self._state is None:
            raise TypeError(f"expected a zoo.data.TimeSeries, got {type(data).__name__}")
        values, columns = np.asarray(data, dtype=np.float32), self._state["columns"]
        if values.ndim != 2 or values.shape[1] != len(columns):
            raise ValueError(f"expected a TimeSeries or an array [T, {len(columns)}]")
        if dates is None:
            step = int(round(self._state["step_seconds"]))
            dates = np.datetime64("1970-01-01T00:00:00") + np.arange(len(values)) * step
        return TimeSeries(dates, values, list(columns), "array", self._state["freq"])

    def _inputs(self, series: TimeSeries) -> np.ndarray:
        """Network inputs ``[T, F + k]``: the scaled model columns, then the calendar."""
        columns = self._state["columns"]
        missing = [c for c in columns if c not in series.columns]
        if missing:
            raise DataError(
                f"column {missing[0]!r} the model was fitted on is missing; "
                f"the series has {series.columns}",
                file=series.source,
                column=missing[0],
            )
        values = series.values if series.columns == columns else series.select(columns).values
        scaled = self._scaler.transform(values)
        if not self._state["calendar_features"]:
            return scaled
        calendar = calendar_features(series.dates, self._state["step_seconds"])
        return np.concatenate([scaled, calendar], axis=1)

    def _origin_windows(self, series: TimeSeries, origins) -> np.ndarray:
        """Input windows ``[len(origins), input_width, F + k]`` ending before each origin."""
        inputs, iw = self._inputs(series), self._state["input_width"]
        return np.stack([inputs[o - iw : o] for o in origins])

    def _windows(self, series: TimeSeries, context: int | None = None):
        """Model inputs ``X``, scaled targets ``Y`` and raw context windows for baselines."""
        iw, h = self._state["input_width"], self._state["horizon"]
        context = context or iw
        x, y = make_windows(self._inputs(series), context, h, self._state["target_index"])
        raw, _ = make_windows(series.select(self._state["columns"]).values, context, h)
        return x[:, -iw:], y, raw

    def _check_length(self, series: TimeSeries, needed: int, what: str) -> None:
        if len(series) < needed:
            raise DataError(
                f"{what} has {len(series)} steps, fewer than the {needed} needed "
                f"(input_width={self.hparams['input_width']}, horizon={self.hparams['horizon']})",
                file=series.source,
                value=len(series),
            )

    # -- network --------------------------------------------------------------
    def _output_shape(self) -> tuple[int, ...]:
        return (self._state["horizon"], len(self._state["target_index"]))

    def _loss(self):
        return "mse"

    def _train_targets(self, y: np.ndarray) -> np.ndarray:
        return y

    def _skip_steps(self) -> list[int]:
        """Input steps the skip connection repeats: the last season (or the last step)."""
        iw, h, season = (self._state[k] for k in ("input_width", "horizon", "season"))
        if self.hparams["skip"] == "last" or season > iw:
            return [iw - 1] * h
        return [iw - season + k % season for k in range(h)]

    def build_network(self):
        import keras
        from keras import ops

        from zoo.layers import LSTM

        hp, state = self.hparams, self._state
        width = len(state["columns"]) + len(state["calendar_features"])
        inputs = keras.Input((state["input_width"], width), name="window")
        x = inputs
        if hp["relative"]:  # each column minus its last value in the window
            n = len(state["columns"])
            x = inputs[:, :, :n] - inputs[:, -1:, :n]
            if width > n:
                x = keras.layers.Concatenate(name="relative_window")([x, inputs[:, :, n:]])
        for i in range(hp["layers"]):
            x = LSTM(hp["units"], return_sequences=i < hp["layers"] - 1, name=f"lstm_{i + 1}")(x)
            if hp["dropout"]:
                x = keras.layers.Dropout(hp["dropout"], seed=hp["seed"], name=f"dropout_{i + 1}")(x)
        shape = self._output_shape()
        x = keras.layers.Dense(int(np.prod(shape)), name="head")(x)
        outputs = keras.layers.Reshape(shape, name="head_reshape" if hp["skip"] else "forecast")(x)
        if hp["skip"]:
            base = ops.take(ops.take(inputs, self._skip_steps(), axis=1), state["target_index"], 2)
            if len(shape) == 3:
                base = ops.expand_dims(base, -1)
            outputs = keras.layers.Add(name="forecast")([outputs, base])
        network = keras.Model(inputs, outputs, name=self.name.replace("-", "_"))
        network.compile(optimizer=keras.optimizers.Adam(hp["learning_rate"]), loss=self._loss())
        return network

    # -- training ---------------------------------------------------------------
    def fit(self, data: TimeSeries, epochs: int | None = None, verbose: int | str = 2, **kwargs):
        """Fits on `data`, holding out its last `val_fraction` (chronologically) for early
        stopping, or on all of it when `validation=` (a TimeSeries starting `input_width`
        steps before its first target) is given; `callbacks=` adds Keras callbacks to the
        early stopping. Returns the per-epoch history."""
        import keras

        hp = self.hparams
        series = self._as_series(data)
        iw, h = hp["input_width"], hp["horizon"]
        self._check_length(series, iw + h, "the training series")
        validation = kwargs.pop("validation", None)
        callbacks = list(kwargs.pop("callbacks", None) or [])
        if kwargs:
            raise TypeError(f"fit() got unexpected arguments {sorted(kwargs)}")
        train, n = series, len(series)
        n_val = int(round(n * hp["val_fraction"]))
        if validation is None and n_val >= h and n - n_val >= iw + h:
            train, validation = (
                series_part(series, 0, n - n_val),
                series_part(series, n - n_val - iw),
            )
        self._fit_preprocessing(series, train)
        x, y, _ = self._windows(train)
        val = None
        if validation is not None:
            vx, vy, _ = self._windows(self._as_series(validation))
            val = (vx, self._train_targets(vy))
        keras.utils.set_random_seed(int(hp["seed"]))
        self.network = self.build_network()
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
    def _forecast(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Original-scale forecasts for input windows ``x``: ``{"forecast": [N, H, n]}``."""
        return self._from_scaled(self._network_output(x))

    def _from_scaled(self, scaled: np.ndarray) -> dict[str, np.ndarray]:
        """Original-scale forecasts from the network's (scaled) output."""
        return {"forecast": self._scaler.inverse_transform(scaled, self._state["target_index"])}

    def _network_output(self, x: np.ndarray) -> np.ndarray:
        if len(x) <= 64:  # a direct call: no predict function traced per batch shape
            return np.asarray(self.network(x, training=False))
        return self.network.predict(x, batch_size=512, verbose=0)

    def _point_metrics(self, y: np.ndarray, f: np.ndarray) -> dict[str, float]:
        state = self._state
        return metric_row(y, f, self._scaler, state["target_index"], state["mase_scale"])

    def _model_metrics(self, y: np.ndarray, out: dict[str, np.ndarray]) -> dict[str, float]:
        return self._point_metrics(y, out["forecast"])

    def _baselines(self, raw: np.ndarray, horizon: int) -> dict[str, np.ndarray]:
        return baseline_forecasts(raw, horizon, self._state["target_index"], self._state["season"])

    def context(self) -> int:
        """History each evaluation window needs: max(input_width, season) (for the baseline)."""
        return max(self._state["input_width"], self._state["season"])

    def evaluate(self, data: TimeSeries) -> dict[str, Any]:
        """Metrics of the model, naive and seasonal naive forecasts on every window (stride 1)
        of `data`, whose first `max(input_width, season)` steps serve as context only."""
        self._require_network()
        series = self._as_series(data)
        h = self._state["horizon"]
        self._check_length(series, self.context() + h, "the test series")
        x, ys, raw = self._windows(series, self.context())
        y = self._scaler.inverse_transform(ys, self._state["target_index"])
        report = {"model": self._model_metrics(y, self._forecast(x))}
        for name, f in self._baselines(raw, h).items():
            report[name] = self._point_metrics(y, f)
        return report

    def predict(self, inputs: Any, dates: Any = None) -> dict[str, Any]:
        """Forecast of the `horizon` steps after the end of `inputs` (a TimeSeries, or an
        array [T, F] with `dates`), on the original scale: `forecast` [horizon, n_targets],
        `dates` [horizon]; the columns follow `preprocessing_state()["targets"]`."""
        self._require_network()
        series = self._as_series(inputs, dates)
        iw = self._state["input_width"]
        self._check_length(series, iw, "the history")
        x = self._origin_windows(series_part(series, -iw), [iw])
        out = {k: v[0] for k, v in self._forecast(x).items()}
        state = self._state
        out["dates"] = _future_dates(
            series.dates[-1], state["freq"], state["step_seconds"], state["horizon"]
        )
        return out

    # -- data -------------------------------------------------------------------
    @_hybridmethod
    def default_data(owner, seed: int = 0) -> tuple[TimeSeries, TimeSeries]:
        """Hourly Seattle temperatures of 2010 (real data shipped in vega_datasets): the first
        80% to train, the last 20% (plus `max(input_width, season)` steps of context before
        it) to test. The split is chronological; `seed` is unused."""
        from zoo.data.embedded import load_embedded_series

        return split_tail(load_embedded_series("seattle-temps"), owner_hparams(owner))

    @_hybridmethod
    def load_data(owner, path: str | os.PathLike[str], seed: int = 0):
        """Like `default_data` from a CSV with a `date` column (else the first column is the
        date) and numeric value columns; malformed files raise `DataError`."""
        from zoo.data.tables import read_records

        header = [c.strip().lower() for c in read_records(path, None, min_columns=2).rows[0]]
        series = load_series_csv(path, date_column="date" if "date" in header else 0)
        return split_tail(series, owner_hparams(owner))

    def plots(self, data: TimeSeries, directory: Path) -> list[Path]:
        """`forecast.png`: up to 3 consecutive forecasts ending at the end of `data` against
        the actual values (one more `forecast_<target>.png` per extra target)."""
        from zoo.plots import plot_forecast

        self._require_network()
        series = self._as_series(data)
        iw, h = self._state["input_width"], self._state["horizon"]
        self._check_length(series, iw + h, "the test series")
        k = min(3, (len(series) - iw) // h)
        origins = [len(series) - (k - j) * h for j in range(k)]
        out = self._forecast(self._origin_windows(series, origins))
        out = {key: v.reshape(k * h, *v.shape[2:]) for key, v in out.items()}
        shown = min(len(series), k * h + min(iw, 2 * h))
        actual = series.select(self._state["targets"]).values[-shown:]
        band = self._band_label()
        paths = []
        for j, target in enumerate(self._state["targets"]):
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
