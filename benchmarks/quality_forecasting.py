"""ETTh1 quality of `forecast-lstm`, Informer protocol, beside the published anchors.

Protocol of Zhou et al., "Informer" (AAAI 2021), univariate setting "S": the input is the
oil temperature OT alone (plus, with `calendar=True`, the hour/weekday/yearday covariates
that Informer's loader also passes as time marks), the target is OT.

* borders: train = the first 12*30*24 rows, validation = the next 4*30*24, test = the next
  4*30*24; validation and test start `input_width` rows earlier (context, as Informer's
  data loader does);
* a StandardScaler fitted on the training rows only;
* MSE and MAE on the scaled test windows, every window (stride 1; Informer's loader also
  drops the last incomplete batch, which changes nothing measurable);
* input 96, horizons 24, 48 and 168; early stopping on the validation rows.

The naive (last value) and seasonal naive (same hour yesterday) forecasts are scored on
the same windows.

    python benchmarks/quality_forecasting.py --data-dir ../shared/datasets
    python benchmarks/quality_forecasting.py --data-dir ../shared/datasets --horizons 24 \\
        --set units=128 --set calendar=false
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

TRAIN, VAL, TEST = 12 * 30 * 24, 4 * 30 * 24, 4 * 30 * 24
INPUT_WIDTH = 96
#: Informer paper, Table 1 (univariate ETTh1), MSE / MAE per horizon.
LSTMA = {24: (0.114, 0.272), 48: (0.193, 0.358), 168: (0.236, 0.392)}
INFORMER = {24: (0.098, 0.247), 48: (0.158, 0.319), 168: (0.183, 0.346)}
#: The settings used for the reported table (over the forecast-lstm defaults).
SETTINGS = {
    "units": 64,
    "layers": 1,
    "learning_rate": 1e-3,
    "batch_size": 64,
    "dropout": 0.0,
    "calendar": False,
    "skip": "last",
    "relative": True,
    "patience": 3,
}


def etth1_splits(data_dir, input_width: int = INPUT_WIDTH):
    """`(train, val, test)` OT-only TimeSeries at the Informer borders (with context)."""
    from zoo.data import load_ett
    from zoo.data.timeseries import TimeSeries

    series = load_ett(data_dir, "ETTh1").select(["OT"])

    def part(start: int, stop: int) -> TimeSeries:
        return TimeSeries(
            series.dates[start:stop], series.values[start:stop], ["OT"], series.source, "h"
        )

    return (
        part(0, TRAIN),
        part(TRAIN - input_width, TRAIN + VAL),
        part(TRAIN + VAL - input_width, TRAIN + VAL + TEST),
    )


def run_etth1(
    data_dir,
    horizons=(24, 48, 168),
    epochs: int = 20,
    seed: int = 0,
    verbose: int | str = 2,
    **overrides,
) -> list[dict]:
    """Fits `forecast-lstm` per horizon and scores the test windows; one row per horizon.

    `overrides` replace entries of `SETTINGS` (e.g. `units=128`, `calendar=True`).
    """
    import zoo

    train, val, test = etth1_splits(data_dir)
    settings = {**SETTINGS, **overrides}
    rows = []
    for horizon in horizons:
        model = zoo.create_model(
            "forecast-lstm",
            input_width=INPUT_WIDTH,
            horizon=horizon,
            season=24,
            epochs=epochs,
            seed=seed,
            **settings,
        )
        start = time.perf_counter()
        model.fit(train, validation=val, verbose=verbose)
        seconds = time.perf_counter() - start
        report = model.evaluate(test)
        row = {"dataset": "ETTh1 OT (S)", "horizon": horizon}
        for name in ("model", "naive", "seasonal_naive"):
            row[f"{name}_mse"] = round(report[name]["mse_scaled"], 4)
            row[f"{name}_mae"] = round(report[name]["mae_scaled"], 4)
        if horizon in LSTMA:
            row["LSTMa_mse/mae"] = "{:.3f}/{:.3f}".format(*LSTMA[horizon])
            row["Informer_mse/mae"] = "{:.3f}/{:.3f}".format(*INFORMER[horizon])
            row["beats_LSTMa_mse"] = report["model"]["mse_scaled"] < LSTMA[horizon][0]
        row["train_s"] = round(seconds, 1)
        row["epochs_run"] = len(model.history.get("loss", []))
        row["settings"] = ", ".join(f"{k}={v}" for k, v in settings.items())
        rows.append(row)
    return rows


def _value(text: str):
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("none", "null"):
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=os.environ.get("LSTM_ZOO_DATA_DIR"))
    parser.add_argument("--horizons", type=int, nargs="+", default=[24, 48, 168])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    parser.add_argument(
        "--only",
        choices=["etth1", "stocks", "weather"],
        default="etth1",
        help="etth1 (Informer protocol), or the walk-forward stocks / weather tables "
        "(benchmarks/quality_walkforward.py)",
    )
    args = parser.parse_args()
    if args.only != "etth1":
        from quality_walkforward import print_table, run_stocks, run_weather

        start = time.perf_counter()
        if args.only == "stocks":
            rows = run_stocks(epochs=args.epochs, seed=args.seed)
        else:
            rows = run_weather(args.data_dir, epochs=max(args.epochs, 40), seed=args.seed)
        print_table(rows)
        print(f"total time: {(time.perf_counter() - start) / 60:.1f} min")
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2) + "\n")
        return
    overrides = {k: _value(v) for k, _, v in (s.partition("=") for s in args.set)}
    start = time.perf_counter()
    rows = run_etth1(args.data_dir, args.horizons, args.epochs, args.seed, **overrides)
    columns = [c for c in rows[0] if c != "settings"]
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    print("\n" + " | ".join(c.ljust(widths[c]) for c in columns))
    print("-+-".join("-" * widths[c] for c in columns))
    for row in rows:
        print(" | ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns))
    print(f"settings: {rows[0]['settings']}, epochs<={args.epochs}, seed={args.seed}")
    print(f"total time: {(time.perf_counter() - start) / 60:.1f} min")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
