"""The family hypermodels work as plain keras-tuner `HyperModel`s too."""

import keras_tuner
import numpy as np
import pytest

import tuning
import zoo


def hourly_csv(path, rows=300):
    hours = np.arange(rows)
    temps = 20 + 5 * np.sin(2 * np.pi * hours / 24) + 0.1 * np.cos(hours / 7)
    lines = ["date,temp"] + [
        f"2024-01-{1 + h // 24:02d} {h % 24:02d}:00:00,{t:.3f}" for h, t in zip(hours, temps)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_forecasting_hypermodel_in_a_plain_keras_tuner_search(tmp_path):
    fixed = {"input_width": 24, "units": 4, "layers": 1, "calendar": False}
    train, _ = zoo.create_model("forecast-lstm", **fixed).load_data(hourly_csv(tmp_path / "s.csv"))
    hm = tuning.hypermodel_for("forecast-lstm", train, fixed=fixed, max_epochs=2)
    tuner = keras_tuner.RandomSearch(
        hm, objective=hm.objective, max_trials=2, directory=tmp_path, project_name="plain", seed=3
    )
    tuner.search(train, epochs=2)
    best = tuner.oracle.get_best_trials(1)[0]
    assert best.status == "COMPLETED" and np.isfinite(best.score)
    assert best.hyperparameters.values["input_width"] == 24  # held fixed
    model = hm.last_model  # the zoo model of the last trial, fitted
    assert len(model.history["val_loss"]) == 2
    forecast = model.predict(train)["forecast"]
    assert forecast.shape == (24, 1)
    saved = model.save(tmp_path / "kept")
    assert zoo.load_model(saved).hparams["units"] == 4


def test_fit_needs_the_network_build_returned():
    hm = tuning.hypermodel_for("sentiment-lstm", fixed={"units": 8})
    with pytest.raises(ValueError, match="build"):
        hm.fit(keras_tuner.HyperParameters(), object(), None)


def test_forecasting_task_metric_with_a_season_longer_than_the_tail():
    # A yearly season (365 daily steps) is longer than the validation tail (10% of 900
    # days): the seasonal baseline takes its context from the steps before the tail.
    from zoo.data.timeseries import TimeSeries

    days = np.arange(900)
    dates = np.datetime64("2020-01-01") + days.astype("timedelta64[D]")
    values = np.sin(2 * np.pi * days / 365) + np.random.default_rng(0).normal(0, 0.1, 900)
    series = TimeSeries(dates, values, ["y"], "generated", "D")
    fixed = {"input_width": 14, "horizon": 3, "season": 365, "units": 4, "calendar": False}
    model = zoo.create_model("forecast-lstm", epochs=1, **fixed)
    model.fit(series, verbose=0)
    hm = tuning.hypermodel_for("forecast-lstm", series, fixed=fixed, max_epochs=1)
    metrics = hm.validation_metrics(model, series)
    assert {"mae", "naive_mae", "mae_vs_naive", "seasonal_naive_mae"} <= set(metrics)
    assert metrics["mae_vs_naive"] == pytest.approx(metrics["mae"] / metrics["naive_mae"])
    # scored on the tail's windows only: at most the 90 - 3 + 1 whose targets are there
    tail = series.values.shape[0] - int(round(0.1 * 900))
    report = model.evaluate(
        TimeSeries(dates[tail - 365 :], values[tail - 365 :], ["y"], "generated", "D")
    )
    assert metrics["mae"] == pytest.approx(report["model"]["mae"])
