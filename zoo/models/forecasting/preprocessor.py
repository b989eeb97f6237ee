"""`SeriesPreprocessor`: the forecasters' preprocessing, in NumPy only (no TensorFlow).

The forecasters' networks see windows of `input_width` steps of every column of a series,
standard-scaled with statistics of the training split only, followed by optional cyclical
calendar covariates; they emit the next `horizon` steps of the target columns on that
scale. This class holds everything fitted for that and the arithmetic around it:

    pre = SeriesPreprocessor(input_width=168, horizon=24).fit(series, train)
    x, y, raw = pre.windows(series)          # network inputs, scaled targets, raw context
    inputs = pre.transform(series)           # [T, F + k]: scaled columns, then the calendar
    pre.inverse_transform(y)                 # targets back on the original scale
    pre.future_dates(series.dates[-1])       # the `horizon` dates after the series
    SeriesPreprocessor.from_config(pre.to_config())   # the `preprocessing` of zoo_model.json

The model (`LSTMForecaster.preprocessor`) and the TensorFlow-free runtime
(`export.runtime`) share it, so a bundle forecasts from exactly the same inputs. Its
`to_config()` is the forecasters' `preprocessing_state()`, whose format
`zoo.schemas.PREPROCESSING["forecasting"]` validates.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from zoo.data.errors import DataError
from zoo.data.timeseries import TimeSeries
from zoo.models.forecasting.backtest import infer_season
from zoo.models.forecasting.checks import check_finite, check_frequency, series_freq
from zoo.models.forecasting.conformal import SCORE_POINTS
from zoo.preprocessing.scaling import StandardScaler
from zoo.preprocessing.windows import calendar_feature_names, calendar_features, make_windows
from zoo.schemas import FORECASTING_PREPROCESSING

__all__ = ["SeriesPreprocessor", "future_dates"]

#: Windows of the real reference stretch kept from the training series.
REFERENCE_WINDOWS = 8
#: The keys of `to_config()`, in the order they are written: the ones its schema requires.
CONFIG_KEYS = tuple(FORECASTING_PREPROCESSING["required"])


def future_dates(last: np.datetime64, freq: str | None, step: float, horizon: int) -> np.ndarray:
    """The `horizon` dates after `last` for a series of frequency `freq` (month and year
    starts/ends follow the calendar), else every `step` seconds."""
    k = np.arange(1, horizon + 1)
    if freq == "B":  # the next trading days (weekdays; market holidays are not known)
        day = last.astype("datetime64[D]")
        days = np.busday_offset(day, k, roll="forward") if np.is_busday(day) else None
        if days is None:
            days = np.busday_offset(day, k - 1, roll="forward")
        return days.astype("datetime64[s]") + (last - day.astype("datetime64[s]"))
    if freq in ("MS", "M", "YS", "Y"):
        unit = "M" if freq.startswith("M") else "Y"
        periods = last.astype(f"datetime64[{unit}]") + k
        if freq.endswith("S"):
            return periods.astype("datetime64[s]")
        ends = (periods + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
        return ends.astype("datetime64[s]") + (last - last.astype("datetime64[D]"))
    return last + (k * round(step)).astype("timedelta64[s]")


class SeriesPreprocessor:
    """Scaling, calendar covariates and windowing of a forecaster (see the module docstring).

    Args:
        input_width: steps of history in each input window.
        horizon: steps forecast at once.
        targets: the columns to forecast; None: every column.
        calendar: append hour/weekday/yearday sin-cos covariates (those the dates resolve).
        season: the seasonal period; None: from the frequency (hourly 24, daily 7,
            monthly 12, else 1).

    After `fit` (or `from_config`) the fitted facts are attributes: `columns`, `targets`,
    `target_index`, `scaler`, `calendar_features`, `freq`, `step_seconds`, `season`,
    `mase_scale`.
    """

    def __init__(
        self,
        input_width: int,
        horizon: int,
        targets: Sequence[str] | None = None,
        calendar: bool = True,
        season: int | None = None,
    ) -> None:
        self.input_width = int(input_width)
        self.horizon = int(horizon)
        self.calendar = bool(calendar)
        self.requested_targets = None if targets is None else list(targets)
        self.requested_season = None if season is None else int(season)
        self.columns: list[str] = []
        self.targets: list[str] = []
        self.target_index: list[int] = []
        self.scaler: StandardScaler | None = None
        self.calendar_features: list[str] = []
        self.freq: str | None = None
        self.step_seconds = 0.0
        self.season = 1
        self.mase_scale: list[float] = []
        #: Split-conformal widening of a quantile forecaster's interval on the scaled
        #: axis, `[horizon][n_targets]` (None: not calibrated).
        self.conformal: list[list[float]] | None = None
        #: The calibration scores behind it, as sorted order statistics
        #: `[points][horizon][n_targets]` (`conformal.score_summary`) of
        #: `conformal_count` validation windows: what adaptive conformal inference reads.
        self.conformal_scores: list[list[list[float]]] | None = None
        self.conformal_count: int | None = None
        #: A short real stretch of the training series (`REFERENCE_WINDOWS` windows), the
        #: real-sample reference data of an exported bundle (None: none kept).
        self.reference: TimeSeries | None = None

    @property
    def fitted(self) -> bool:
        """Whether `fit` (or `from_config`) has set the statistics."""
        return self.scaler is not None

    @property
    def feature_count(self) -> int:
        """Features per input step: the columns, then the calendar covariates."""
        return len(self.columns) + len(self.calendar_features)

    def output_shape(self) -> tuple[int, int]:
        """`(horizon, n_targets)`: one forecast of the targets."""
        return (self.horizon, len(self.target_index))

    def _require_fitted(self) -> None:
        if not self.fitted:
            raise RuntimeError("the series preprocessing has not been fitted yet: fit it first")

    # -- fitting ----------------------------------------------------------------------
    def fit(self, series: TimeSeries, train: TimeSeries | None = None) -> SeriesPreprocessor:
        """Fits on `series`: its columns, targets, step, frequency and season, the
        scaler on `train` (the training part of `series`; default all of it), and the
        MASE scale (the in-sample seasonal naive error of the targets over `series`).

        Raises:
            DataError: a requested target is not a column of `series`.
        """
        train = series if train is None else train
        targets = list(self.requested_targets or series.columns)
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
        season = int(self.requested_season or infer_season(series.freq))
        history = series.values[:, index].astype(np.float64)
        lag = season if len(history) > season else 1
        scale = np.abs(history[lag:] - history[:-lag]).mean(axis=0)
        self.columns = list(series.columns)
        self.targets = targets
        self.target_index = index
        self.scaler = StandardScaler().fit(train.values)
        self.calendar_features = calendar_feature_names(series.dates, step) if self.calendar else []
        self.freq = series.freq or series_freq(series)  # checked by evaluate and predict
        self.step_seconds = step
        self.season = season
        self.mase_scale = scale.tolist()
        keep = self.input_width + self.horizon + REFERENCE_WINDOWS - 1
        self.reference = None
        if len(series) >= self.input_width + self.horizon:
            tail = slice(max(0, len(series) - keep), None)
            self.reference = TimeSeries(
                series.dates[tail],
                series.values[tail],
                list(series.columns),
                "reference",
                self.freq,
            )
        return self

    # -- config -----------------------------------------------------------------------
    def to_config(self) -> dict[str, Any]:
        """The fitted preprocessing as plain JSON data (the `preprocessing` of
        `zoo_model.json` and of a bundle's manifest)."""
        self._require_fitted()
        values = {
            "columns": list(self.columns),
            "targets": list(self.targets),
            "target_index": list(self.target_index),
            "scaler": self.scaler.to_config(),
            "calendar_features": list(self.calendar_features),
            "freq": self.freq,
            "step_seconds": self.step_seconds,
            "season": self.season,
            "mase_scale": list(self.mase_scale),
            "input_width": self.input_width,
            "horizon": self.horizon,
        }
        config = {key: values[key] for key in CONFIG_KEYS}
        if self.conformal is not None:
            config["conformal"] = [list(map(float, row)) for row in self.conformal]
        if self.conformal_scores is not None:
            config["conformal_scores"] = np.asarray(self.conformal_scores, float).tolist()
            config["conformal_count"] = int(self.conformal_count)
        if self.reference is not None:
            config["reference"] = {
                "dates": [str(d) for d in self.reference.dates],
                "values": self.reference.values.astype(float).tolist(),
            }
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> SeriesPreprocessor:
        """Inverse of `to_config` (`config` has passed the schema of its file)."""
        pre = cls(
            config["input_width"],
            config["horizon"],
            targets=config["targets"],
            calendar=bool(config["calendar_features"]),
            season=config["season"],
        )
        pre.columns = list(config["columns"])
        pre.targets = list(config["targets"])
        pre.target_index = [int(i) for i in config["target_index"]]
        pre.scaler = StandardScaler.from_config(config["scaler"])
        pre.calendar_features = list(config["calendar_features"])
        pre.freq = config["freq"]
        pre.step_seconds = float(config["step_seconds"])
        pre.season = int(config["season"])
        pre.mase_scale = [float(v) for v in config["mase_scale"]]
        conformal = config.get("conformal")
        if conformal is not None:
            shape = (pre.horizon, len(pre.target_index))
            if np.shape(conformal) != shape:
                raise ValueError(f"preprocessing 'conformal' must be {list(shape)} numbers")
            pre.conformal = [[float(v) for v in row] for row in conformal]
        scores = config.get("conformal_scores")
        if scores is not None:
            points = np.shape(scores)
            count = config.get("conformal_count")
            if (
                len(points) != 3
                or points[1:] != (pre.horizon, len(pre.target_index))
                or not isinstance(count, int)
                or not 1 <= points[0] <= min(count, SCORE_POINTS)
            ):
                raise ValueError(
                    "preprocessing 'conformal_scores' must be [points][horizon][targets] "
                    f"numbers, at most {SCORE_POINTS} points of 'conformal_count' scores"
                )
            pre.conformal_scores = np.asarray(scores, dtype=float).tolist()
            pre.conformal_count = count
        reference = config.get("reference")
        if reference is not None:
            values = np.asarray(reference["values"], dtype=np.float32)
            if values.ndim != 2 or values.shape != (len(reference["dates"]), len(pre.columns)):
                raise ValueError("preprocessing 'reference' must hold [dates, columns] values")
            dates = np.array(reference["dates"], dtype="datetime64[s]")
            pre.reference = TimeSeries(dates, values, list(pre.columns), "reference", pre.freq)
        return pre

    # -- inputs -----------------------------------------------------------------------
    def as_series(self, data: Any, dates: Any = None) -> TimeSeries:
        """`data` as a TimeSeries: a TimeSeries as is, or an array `[T, columns]` with its
        `dates` (default: consecutive steps from 1970 at the training step)."""
        if isinstance(data, TimeSeries):
            return data
        if not self.fitted:
            raise TypeError(f"expected a zoo.data.TimeSeries, got {type(data).__name__}")
        values, columns = np.asarray(data, dtype=np.float32), self.columns
        if values.ndim != 2 or values.shape[1] != len(columns):
            raise ValueError(f"expected a TimeSeries or an array [T, {len(columns)}]")
        if dates is None:
            step = int(round(self.step_seconds))
            dates = np.datetime64("1970-01-01T00:00:00") + np.arange(len(values)) * step
            return TimeSeries(dates, values, list(columns), "array", self.freq)
        series = TimeSeries(dates, values, list(columns), "array")
        series.freq = series_freq(series) or self.freq
        return series

    def next_dates(self, last: np.datetime64, count: int) -> np.ndarray:
        """`count` dates after `last` at the training step (dates of rows fed without any)."""
        step = int(round(self.step_seconds))
        return last + np.arange(1, count + 1) * np.timedelta64(step, "s")

    def check_length(self, series: TimeSeries, needed: int, what: str) -> None:
        """Raises `DataError` when `series` (called `what`) has fewer than `needed` steps."""
        if len(series) < needed:
            raise DataError(
                f"{what} has {len(series)} steps, fewer than the {needed} needed "
                f"(input_width={self.input_width}, horizon={self.horizon})",
                file=series.source,
                value=len(series),
            )

    def check_frequency(self, series: TimeSeries) -> None:
        """Raises `DataError` when `series` is sampled at another frequency than the
        training series (see `zoo.models.forecasting.checks.check_frequency`)."""
        check_frequency(series, self.freq)

    def check_history(self, series: TimeSeries) -> None:
        """The checks of a forecast's history: at least `input_width` steps, the training
        frequency, and finite values in the last window (naming the row in `series`)."""
        self.check_length(series, self.input_width, "the history")
        self.check_frequency(series)
        columns, width = self.columns, self.input_width
        if set(columns) <= set(series.columns):  # name the row in `series`, not the window
            check_finite(
                series.select(columns).values[-width:], columns, series, len(series) - width
            )

    def transform(self, series: TimeSeries) -> np.ndarray:
        """Network inputs `[T, F + k]`: the scaled model columns, then the calendar.

        Raises:
            DataError: a column the preprocessing was fitted on is missing, or a value
                is not finite (naming the row and the column).
        """
        self._require_fitted()
        columns = self.columns
        missing = [c for c in columns if c not in series.columns]
        if missing:
            raise DataError(
                f"column {missing[0]!r} the model was fitted on is missing; "
                f"the series has {series.columns}",
                file=series.source,
                column=missing[0],
            )
        values = series.values if series.columns == columns else series.select(columns).values
        check_finite(values, columns, series)
        scaled = self.scaler.transform(values)
        if not self.calendar_features:
            return scaled
        calendar = calendar_features(series.dates, self.step_seconds)
        return np.concatenate([scaled, calendar], axis=1)

    def origin_windows(self, series: TimeSeries, origins: Sequence[int]) -> np.ndarray:
        """Input windows `[len(origins), input_width, F + k]` ending before each origin."""
        inputs, width = self.transform(series), self.input_width
        return np.stack([inputs[o - width : o] for o in origins])

    def windows(self, series: TimeSeries, context: int | None = None):
        """`(x, y, raw)` for every window (stride 1) of `series`: the network inputs
        `[N, input_width, F + k]`, the scaled targets `[N, horizon, n_targets]` and the raw
        context windows `[N, context, F]` (default `input_width` steps) for the baselines."""
        width, horizon = self.input_width, self.horizon
        context = context or width
        x, y = make_windows(self.transform(series), context, horizon, self.target_index)
        raw, _ = make_windows(series.select(self.columns).values, context, horizon)
        return x[:, -width:], y, raw

    # -- outputs ----------------------------------------------------------------------
    def inverse_transform(self, scaled: np.ndarray) -> np.ndarray:
        """Targets `[..., n_targets]` on the scaled axis back on the original scale."""
        self._require_fitted()
        return self.scaler.inverse_transform(scaled, self.target_index)

    def scale_targets(self, values: np.ndarray) -> np.ndarray:
        """Targets `[..., n_targets]` on the original scale onto the scaled axis."""
        self._require_fitted()
        return self.scaler.transform(values, self.target_index)

    def future_dates(self, last: np.datetime64) -> np.ndarray:
        """The `horizon` dates a forecast from a history ending at `last` covers."""
        return future_dates(last, self.freq, self.step_seconds, self.horizon)

    def skip_steps(self, mode: str | None) -> list[int]:
        """Positions in the input window the skip connection `mode` repeats, one per
        forecast step: `"seasonal"` the last season (the last step when the window is
        shorter than a season), `"last"` the last step, None none."""
        width, horizon, season = self.input_width, self.horizon, self.season
        if mode is None:
            return []
        if mode == "last" or season > width:
            return [width - 1] * horizon
        return [width - season + k % season for k in range(horizon)]

    def __repr__(self) -> str:
        state = f"columns={self.columns}, targets={self.targets}" if self.fitted else "unfitted"
        return f"<SeriesPreprocessor input_width={self.input_width} horizon={self.horizon} {state}>"
