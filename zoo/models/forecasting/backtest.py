"""Evaluation of the forecasters: metric rows, naive baselines and the rolling-origin backtest.

Metric rows (`metric_row`, used by `evaluate` and `backtest`) are flat dicts of floats:
`mse`, `mae` and `smape` (percent) on the original scale of the targets; `mse_scaled` and
`mae_scaled` on the standard scale fitted on the training split; `mase`, each target's MAE
divided by the in-sample MAE of the seasonal naive forecast (`|y[t] - y[t - season]|`
averaged over the whole series given to `fit`), averaged over the targets.

Backtest (`backtest`):
The forecast origin moves forward through the tail of the series, `step` steps at a time
(by default one horizon, so the evaluated ranges do not overlap), and the last origin's
range ends at the end of the series (`zoo.preprocessing.windows.rolling_origin_splits`).
At every origin the model forecasts the next `horizon` steps from the history before it,
and so do the naive and seasonal naive forecasts, from the same history.

* `refit=False`: the already fitted model is evaluated at each origin (its weights and
  scaler stay those of its original fit, so origins inside its training data are not
  out-of-sample: backtest on data after the training range).
* `refit=True`: a fresh copy (same hyperparameters) is fitted on everything before each
  origin (expanding window) and evaluated on the range after it; the model passed in is
  left as it was.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from zoo.baselines import naive_forecast, seasonal_naive_forecast
from zoo.data.errors import DataError
from zoo.data.timeseries import TimeSeries
from zoo.metrics.forecasting import mae, mse, smape
from zoo.preprocessing.windows import rolling_origin_splits

__all__ = [
    "backtest",
    "baseline_forecasts",
    "infer_season",
    "metric_row",
    "series_part",
    "split_tail",
]

_ROWS = ("model", "naive", "seasonal_naive")
_SEASONS = {"h": 24, "D": 7, "B": 5, "MS": 12, "M": 12}
#: Fraction of a series held out as the test tail by `default_data` and `load_data`.
TEST_FRACTION = 0.2


def infer_season(freq: str | None) -> int:
    """Seasonal period for a pandas-style frequency: hourly 24, daily 7, monthly 12, else 1."""
    return _SEASONS.get(freq or "", 1)


def series_part(series: TimeSeries, start: int | None, stop: int | None = None) -> TimeSeries:
    """`series[start:stop]` as a TimeSeries."""
    cut = slice(start, stop)
    return TimeSeries(
        series.dates[cut], series.values[cut], list(series.columns), series.source, series.freq
    )


def split_tail(
    series: TimeSeries, hparams: dict[str, Any], test_fraction: float = TEST_FRACTION
) -> tuple[TimeSeries, TimeSeries]:
    """Chronological `(train, test)`: the last `test_fraction` of `series` is the test part,
    preceded by `max(input_width, season)` steps of context (inputs only, never scored).

    Raises:
        ValueError: `test_fraction` is not a number in (0, 1).
        DataError: A part shorter than `input_width + horizon` (train) or `horizon` (test).
    """
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, int | float):
        raise ValueError(f"test_fraction must be a number in (0, 1), got {test_fraction!r}")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    width, horizon = int(hparams["input_width"]), int(hparams["horizon"])
    context = max(width, int(hparams["season"] or infer_season(series.freq)))
    n, n_test = len(series), int(round(len(series) * test_fraction))
    if n - n_test < width + horizon or n_test < horizon:
        raise DataError(
            f"the series has {n} steps, too short for a {1 - test_fraction:.0%}/"
            f"{test_fraction:.0%} train/test split with input_width + horizon = "
            f"{width + horizon} steps to train on and {horizon} to test",
            file=series.source,
            value=n,
        )
    return series_part(series, 0, n - n_test), series_part(series, max(0, n - n_test - context))


def metric_row(y, f, scaler, target_index, mase_scale) -> dict[str, float | None]:
    """Point metrics of forecasts `f` for actuals `y` (`[..., n_targets]`, original scale).

    `mase` is None (with a `UserWarning`) when a target's in-sample naive error is 0, i.e.
    the training series of that target is constant: MASE is then undefined, and a NaN is
    never written. The other metrics raise on non-finite forecasts (`zoo.metrics`)."""
    ys, fs = scaler.transform(y, target_index), scaler.transform(f, target_index)
    target_mae = np.abs(y - f).reshape(-1, len(target_index)).mean(axis=0)
    scale = np.asarray(mase_scale, dtype=np.float64)
    mase: float | None = None
    if scale.size and bool(np.all(np.isfinite(scale) & (scale > 0))):
        mase = float(np.mean(target_mae / scale))
    else:  # never a silent NaN: None (JSON null, "-" in tables), with a warning
        warnings.warn(
            "MASE is undefined and reported as None: the in-sample seasonal naive error of "
            f"target {np.flatnonzero(~(scale > 0)).tolist()} is 0 (a constant training series)",
            UserWarning,
            stacklevel=2,
        )
    return {
        "mse": mse(y, f),
        "mae": mae(y, f),
        "mse_scaled": mse(ys, fs),
        "mae_scaled": mae(ys, fs),
        "mase": mase,
        "smape": smape(y, f),
    }


def baseline_forecasts(raw, horizon: int, target_index, season: int) -> dict[str, np.ndarray]:
    """Naive and seasonal naive forecasts from raw context windows `[N, W, F]`."""
    return {
        "naive": naive_forecast(raw, horizon, target_index),
        "seasonal_naive": seasonal_naive_forecast(raw, horizon, season, target_index),
    }


def _fold(model, series: TimeSeries, origin: int, horizon: int) -> dict[str, dict[str, float]]:
    """Metrics of `model` and the baselines for the `horizon` steps after `origin`."""
    pre, context = model.preprocessor, model.context()
    history = series_part(series, 0, origin)
    out = model._forecast(pre.origin_windows(history, [origin]))
    out = {k: v[:, :horizon] for k, v in out.items()}
    targets = series.select(pre.targets).values
    y = targets[None, origin : origin + horizon]
    raw = history.select(pre.columns).values[None, -context:]
    rows = {"model": model._model_metrics(y, out)}
    for name, forecast in model._baselines(raw, horizon).items():
        rows[name] = model._point_metrics(y, forecast)
    return rows


def _mean(values: list[float | None]) -> float | None:
    """The mean of fold metrics; None when a fold's metric is undefined (e.g. MASE)."""
    return None if any(v is None for v in values) else float(np.mean(values))


def backtest(
    model,
    series: TimeSeries,
    folds: int = 5,
    horizon: int | None = None,
    refit: bool = False,
    step: int | None = None,
    verbose: int | str = 0,
) -> dict[str, Any]:
    """Rolling-origin evaluation of a `LSTMForecaster` (or subclass) on `series`.

    Args:
        model: A forecaster; fitted unless `refit=True`.
        series: The series to backtest on (same columns as the model's).
        folds: Number of origins (the last `folds` possible ones).
        horizon: Steps evaluated after each origin; default (and at most) the model's.
        refit: Fit a fresh copy of the model on the data before each origin.
        step: Steps between consecutive origins; default `horizon`.
        verbose: Keras verbosity of the refits.

    Returns:
        `{"folds": [{"origin": index, "date": ISO date, "model": {...}, "naive": {...},
        "seasonal_naive": {...}}, ...], "mean": {"model": {...}, "naive": {...},
        "seasonal_naive": {...}}, "horizon", "step", "refit"}`; each row is the flat metric
        dict of `model.evaluate` (mse, mae, mse_scaled, mae_scaled, mase, smape, plus the
        interval metrics of a quantile model), on a single window per fold.

    Raises:
        DataError: The series is too short for `folds` origins with enough history before
            the first (input_width and season, plus input_width + horizon to refit).
    """
    if not refit:
        model._require_network()
    hp = model.hparams
    max_horizon = int(hp["horizon"])
    horizon = max_horizon if horizon is None else int(horizon)
    if not 1 <= horizon <= max_horizon:
        raise ValueError(f"horizon must be in 1..{max_horizon} (the model's), got {horizon}")
    if folds < 1:
        raise ValueError(f"folds must be >= 1, got {folds}")
    step = horizon if step is None else int(step)
    n = len(series)
    initial = n - horizon - (folds - 1) * step
    season = int(hp["season"] or infer_season(series.freq))
    needed = max(hp["input_width"], season)
    if refit:
        needed = max(needed, 2 * hp["input_width"] + max_horizon)
    if initial < needed:
        raise DataError(
            f"the series has {n} steps, too short for {folds} folds of horizon {horizon} "
            f"every {step} steps with at least {needed} steps of history before the first "
            "origin",
            file=series.source,
            value=n,
        )
    splits = rolling_origin_splits(n, initial, horizon, step, max_folds=folds)
    results = []
    for train_part, test_part in splits:
        origin = test_part.start
        fold_model = model
        if refit:
            fold_model = type(model)(name=model.name, **model.hparams)
            fold_model.fit(series_part(series, 0, train_part.stop), verbose=verbose)
        rows = _fold(fold_model, series, origin, horizon)
        date = np.datetime_as_string(series.dates[origin], unit="s")
        results.append({"origin": int(origin), "date": date, **rows})
    mean = {row: {k: _mean([r[row][k] for r in results]) for k in results[0][row]} for row in _ROWS}
    return {"folds": results, "mean": mean, "horizon": horizon, "step": step, "refit": refit}
