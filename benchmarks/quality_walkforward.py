"""Walk-forward quality on the embedded real series: stocks (S&P 500) and Seattle weather.

Rolling origin with an expanding window, one fold per test year: at each fold's origin
(1 January of the year) a fresh model is fitted on everything before it (its scaler and
early-stopping tail inside that part), and so is every baseline (the historical mean,
GARCH(1,1) with `arch`, the day-of-year climatology); then every day of the year is
forecast from the history before it, the model's weights and the baselines' parameters
fixed for the year. No statistic of the test year enters a forecast.

* stocks (`arch`'s S&P 500, 1999-2018), test years 2016-2018:
  `stock-return-lstm` (next 5 log returns) against the random walk and the historical
  mean; `stock-volatility-lstm` (realised variance of the next 5 and 21 days) against
  GARCH(1,1) and EWMA (lambda 0.94), scored by QLIKE and MSE.
* weather (`seattle-weather`, 2012-2015), test year 2015: `forecast-lstm` on the
  maximum temperature, next day and 7th day, against persistence and the day-of-year
  climatology of the training years; `forecast-quantile-lstm`'s 80% interval coverage,
  raw, split-conformal and adaptive-conformal (ACI, updated as the test targets arrive),
  there and on the ETTh1 test split (Informer borders).

    python benchmarks/quality_forecasting.py --only stocks
    python benchmarks/quality_forecasting.py --only weather --data-dir ../shared/datasets
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

DOCS = Path(__file__).resolve().parent.parent / "docs"
STOCK_YEARS = (2016, 2017, 2018)
WEATHER_YEARS = (2015,)


def _years(dates: np.ndarray) -> np.ndarray:
    return dates.astype("datetime64[Y]").astype(int) + 1970


def _fold_windows(model, series, origin: int, stop: int):
    """`(x, y, raw, last)` of every window whose first forecast step is in
    `[origin, stop)` (targets may run past `stop`), `last` the index of its last input."""
    from zoo.models.forecasting.backtest import series_part

    pre, context = model.preprocessor, model.context()
    h = pre.horizon
    part = series_part(series, origin - context, min(len(series), stop + h - 1))
    x, ys, raw = pre.windows(part, context)
    last = origin - 1 + np.arange(len(x))
    return x, pre.inverse_transform(ys), raw, last


def _fit(name: str, train, epochs: int, seed: int, **hparams):
    import zoo

    model = zoo.create_model(name, epochs=epochs, seed=seed, **hparams)
    model.fit(train, verbose=0)
    return model


def garch_variance(returns: np.ndarray, origin: int, stop: int, horizon: int) -> np.ndarray:
    """GARCH(1,1) (constant mean, normal errors) variance forecasts `[stop - origin + 1,
    horizon]` from each day `origin - 1 .. stop - 1`, its parameters fitted with `arch`
    on `returns[:origin]` only (percent returns)."""
    from arch import arch_model

    model = arch_model(returns[:stop], mean="Constant", vol="GARCH", p=1, q=1, dist="normal")
    fitted = model.fit(last_obs=origin, disp="off")
    forecast = fitted.forecast(horizon=horizon, start=origin - 1, reindex=False)
    return np.asarray(forecast.variance, np.float64)


def run_stocks(epochs: int = 20, seed: int = 0, years=STOCK_YEARS, plot: bool = True):
    """Walk-forward rows of the two stock models (see the module docstring)."""
    from zoo.data.datasets import load_dataset
    from zoo.models.forecasting.stocks import StockReturnForecaster, StockVolatilityForecaster

    prices = load_dataset("sp500")
    rows, pictures = [], {}
    for name, klass in (
        ("stock-return-lstm", StockReturnForecaster),
        ("stock-volatility-lstm", StockVolatilityForecaster),
    ):
        series = klass.features(prices)
        close = prices.values[-len(series) :, prices.columns.index("Close")].astype(np.float64)
        returns = series.values[:, 0].astype(np.float64)
        year = _years(series.dates)
        scores: dict[str, list] = {}
        start = time.perf_counter()
        for y in years:
            origin = int(np.flatnonzero(year == y)[0])
            stop = int(np.flatnonzero(year == y)[-1]) + 1
            from zoo.models.forecasting.backtest import series_part

            model = _fit(name, series_part(series, 0, origin), epochs, seed)
            x, actual, raw, last = _fold_windows(model, series, origin, stop)
            forecasts = {"model": model._forecast(x)["forecast"]}
            forecasts.update(model._baselines(raw, model.preprocessor.horizon))
            if klass is StockVolatilityForecaster:
                var = garch_variance(returns, origin, int(last[-1]) + 1, 21)[: len(x)]
                paths = np.cumsum(var, axis=1) / np.arange(1, 22)
                paths = np.log(paths)  # the log scale of the model's forecasts
                forecasts["garch"] = np.stack([paths, paths], -1)  # mean variance to step k
            for key, f in forecasts.items():
                row = model._point_metrics(actual, f)
                if klass is StockReturnForecaster:  # price MAE in index points
                    base = close[last][:, None]
                    growth_f = np.exp(np.cumsum(f[..., 0], -1) / 100)
                    growth_y = np.exp(np.cumsum(actual[..., 0], -1) / 100)
                    row["price_mae"] = float(np.mean(np.abs(base * (growth_f - growth_y))))
                scores.setdefault(key, []).append((len(x), row))
            pictures.setdefault(name, (series.dates[last + 1], actual, forecasts))
        for key, folds in scores.items():
            total = sum(n for n, _ in folds)
            mean = {
                m: sum(n * r[m] for n, r in folds) / total
                for m in folds[0][1]
                if folds[0][1][m] is not None
            }
            rows.append(
                {
                    "model": name,
                    "forecaster": key,
                    "windows": total,
                    **{k: round(v, 4) for k, v in mean.items()},
                }
            )
        print(f"{name}: {len(years)} folds in {time.perf_counter() - start:.0f} s", flush=True)
    if plot:
        _plot_stocks(pictures)
    return rows


def _plot_stocks(pictures) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    dates, actual, forecasts = pictures["stock-return-lstm"]
    fig, ax = plt.subplots(figsize=(11, 4))
    ax.plot(dates, actual[:, 0, 0], lw=0.7, color="0.6", label="actual next-day log return")
    ax.plot(dates, forecasts["model"][:, 0, 0], lw=1.2, label="stock-return-lstm")
    ax.plot(dates, forecasts["historical_mean"][:, 0, 0], lw=1.2, label="historical mean")
    ax.axhline(0, color="k", lw=0.8, label="random walk (0)")
    ax.set(title="S&P 500 2016, walk-forward: next-day log return (%)", ylabel="%")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(DOCS / "stock_return_walkforward.png", dpi=110)
    plt.close(fig)
    dates, actual, forecasts = pictures["stock-volatility-lstm"]
    fig, ax = plt.subplots(figsize=(11, 4))
    ann = lambda v: np.sqrt(252 * np.exp(v))  # noqa: E731 - annualised volatility, percent
    ax.plot(dates, ann(actual[:, 20, 1]), color="k", lw=1.2, label="realised, next 21 days")
    for key, label in (
        ("model", "stock-volatility-lstm"),
        ("garch", "GARCH(1,1)"),
        ("ewma", "EWMA 0.94"),
    ):
        ax.plot(dates, ann(forecasts[key][:, 20, 1]), lw=1, label=label)
    ax.set(
        title="S&P 500 2016, walk-forward: 21-day volatility forecast", ylabel="annualised vol (%)"
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(DOCS / "stock_volatility_walkforward.png", dpi=110)
    plt.close(fig)


def climatology(dates: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Mean of `values` per day of year (366 entries) over the given (training) days;
    a day never seen takes the mean of all."""
    doy = (dates.astype("datetime64[D]") - dates.astype("datetime64[Y]")).astype(int)
    table = np.full(366, float(np.mean(values)))
    for k in np.unique(doy):
        table[k] = float(np.mean(values[doy == k]))
    return table


def run_weather(data_dir=None, epochs: int = 40, seed: int = 0, plot: bool = True):
    """Walk-forward rows of the forecaster on Seattle's maximum temperature, 2015, and the
    80% interval coverage of the quantile forecaster there (and on ETTh1 with `data_dir`)."""
    import zoo
    from zoo.models.forecasting.backtest import series_part

    rows = []
    probe = zoo.create_model("forecast-lstm")
    probe.load_data("seattle-weather")  # the data's defaults: input 28, horizon 7, temp_max
    series, _ = probe.dataset_series("seattle-weather")
    year = _years(series.dates)
    target = series.columns.index("temp_max")
    for y in WEATHER_YEARS:
        origin = int(np.flatnonzero(year == y)[0])
        stop = int(np.flatnonzero(year == y)[-1]) + 1
        train = series_part(series, 0, origin)
        start = time.perf_counter()
        model = _fit("forecast-lstm", train, epochs, seed, **probe.data_defaults)
        seconds = time.perf_counter() - start
        x, actual, raw, last = _fold_windows(model, series, origin, stop)
        keep = last + 1 < stop  # next-day target inside the year
        f = model._forecast(x)["forecast"]
        table = climatology(train.dates, train.values[:, target])
        h = model.preprocessor.horizon
        days = last[:, None] + 1 + np.arange(h)
        days = np.minimum(days, len(series) - 1)
        d = series.dates[days]
        doy = (d.astype("datetime64[D]") - d.astype("datetime64[Y]")).astype(int)
        forecasts = {
            "model": f[..., 0],
            "persistence": np.repeat(raw[:, -1, target][:, None], h, 1),
            "climatology": table[doy],
        }
        for key, fc in forecasts.items():
            err = np.abs(fc - actual[..., 0])
            rows.append({
                "model": "forecast-lstm", "forecaster": key, "test_year": y,
                "windows": int(keep.sum()),
                "mae_next_day": round(float(err[keep, 0].mean()), 3),
                "mae_day_7": round(float(err[keep & (last + h < stop), h - 1].mean()), 3),
                "train_s": round(seconds, 1) if key == "model" else None,
            })  # fmt: skip
        if plot:
            _plot_weather(
                series.dates[last + 1][keep],
                actual[keep, 0, 0],
                {k: v[keep, 0] for k, v in forecasts.items()},
                y,
            )
        quantile = _fit("forecast-quantile-lstm", train, epochs, seed, **probe.data_defaults)
        report = quantile.evaluate(series_part(series, origin - quantile.context(), stop))
        rows.append(_coverage_row(f"Seattle temp_max {y}", report))
    if data_dir is not None:
        rows.append(_etth1_coverage(data_dir, epochs, seed))
    return rows


def _coverage_row(what: str, report) -> dict:
    row = report["model"]
    return {
        "model": "forecast-quantile-lstm", "forecaster": "80% interval", "test_year": what,
        "coverage_raw": round(row.get("coverage_raw", row["coverage"]), 3),
        "coverage_calibrated": round(row["coverage"], 3),
        "coverage_adaptive": round(row["coverage_adaptive"], 3) if "coverage_adaptive" in row else None,
        "mae": round(row["mae"], 3),
    }  # fmt: skip


def _etth1_coverage(data_dir, epochs: int, seed: int) -> dict:
    from quality_forecasting import SETTINGS, etth1_splits

    import zoo

    train, val, test = etth1_splits(data_dir)
    model = zoo.create_model(
        "forecast-quantile-lstm", input_width=96, horizon=24, season=24, epochs=epochs,
        seed=seed, targets=["OT"], **SETTINGS,
    )  # fmt: skip
    model.fit(train, validation=val, verbose=0)
    return _coverage_row("ETTh1 OT test split, horizon 24", model.evaluate(test))


def _plot_weather(dates, actual, forecasts, year: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(11, 4))
    ax.plot(dates, actual, color="k", lw=1.2, label="actual")
    labels = {
        "model": "forecast-lstm",
        "persistence": "persistence",
        "climatology": "day-of-year climatology",
    }
    for key, f in forecasts.items():
        mae = np.mean(np.abs(f - actual))
        ax.plot(dates, f, lw=0.9, label=f"{labels[key]} (MAE {mae:.2f} °C)")
    ax.set(title=f"Seattle {year}, walk-forward: next-day maximum temperature", ylabel="°C")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(DOCS / "weather_walkforward.png", dpi=110)
    plt.close(fig)


def print_table(rows: list[dict]) -> None:
    """The rows as a Markdown table (the columns of every row, in order of appearance)."""
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    print("\n| " + " | ".join(columns) + " |")
    print("|" + " --- |" * len(columns))
    for row in rows:
        cells = ["" if row.get(c) is None else str(row[c]) for c in columns]
        print("| " + " | ".join(cells) + " |")
