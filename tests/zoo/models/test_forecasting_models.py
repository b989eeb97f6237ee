"""Tests of the forecasting family: LSTMForecaster and QuantileLSTMForecaster."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

import zoo
from zoo.data.errors import DataError
from zoo.data.timeseries import TimeSeries
from zoo.models.forecasting import LSTMForecaster, QuantileLSTMForecaster

NAMES = ("forecast-lstm", "forecast-quantile-lstm")
TINY = {"input_width": 24, "horizon": 6, "units": 8, "layers": 1, "epochs": 1, "batch_size": 64}


def make_series(n: int = 400, seed: int = 0) -> TimeSeries:
    """Hourly series with a daily cycle (column "load") and a noisy covariate ("temp")."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    dates = np.datetime64("2021-03-01T00:00:00") + t.astype("timedelta64[h]")
    load = 50 + 10 * np.sin(2 * np.pi * t / 24) + 0.02 * t + rng.normal(0, 0.5, n)
    temp = 15 + 5 * np.cos(2 * np.pi * t / 24) + rng.normal(0, 1.0, n)
    return TimeSeries(dates, np.stack([load, temp], axis=1), ["load", "temp"], "generated", "h")


@pytest.fixture(scope="module")
def series() -> TimeSeries:
    return make_series()


@pytest.fixture(scope="module", params=NAMES)
def fitted(request, series):
    model = zoo.create_model(request.param, **TINY, targets=["load"])
    model.fit(series, verbose=0)
    return model


def test_registered_with_cards():
    assert set(NAMES) <= set(zoo.list_models("forecast-*"))
    card = zoo.model_card("forecast-quantile-lstm")
    assert card["task"] == "forecasting"
    assert "zoo.data.load_ett" in card["loaders"]
    assert card["hyperparameters"]["quantiles"] == (0.1, 0.5, 0.9)
    for key in ("input_width", "horizon", "targets", "calendar", "patience", "season"):
        assert key in card["hyperparameters"]


def test_fit_records_history_and_network_shape(fitted):
    assert len(fitted.history["loss"]) == 1 and "val_loss" in fitted.history
    width = 2 + 6  # two columns + hour/weekday/yearday sin-cos
    assert fitted.network.input_shape == (None, 24, width)
    expected = (None, 6, 1, 3) if isinstance(fitted, QuantileLSTMForecaster) else (None, 6, 1)
    assert fitted.network.output_shape == expected


def test_predict_shape_and_dates(fitted, series):
    out = fitted.predict(series)
    assert out["forecast"].shape == (6, 1)
    assert out["dates"][0] == series.dates[-1] + np.timedelta64(1, "h")
    assert np.all(np.diff(out["dates"]) == np.timedelta64(1, "h"))
    assert np.isfinite(out["forecast"]).all()
    # On the original scale: near the level of the series, not near 0.
    assert abs(float(out["forecast"].mean()) - float(series.values[-24:, 0].mean())) < 15


def test_predict_from_array_with_dates(fitted, series):
    out = fitted.predict(series.values[-30:], dates=series.dates[-30:])
    np.testing.assert_allclose(out["forecast"], fitted.predict(series)["forecast"], atol=1e-5)


def test_save_load_round_trip(fitted, series, tmp_path):
    fitted.save(tmp_path / "model")
    again = zoo.load_model(tmp_path / "model")
    assert type(again) is type(fitted)
    a, b = fitted.predict(series), again.predict(series)
    for key in ("forecast", "lower", "upper", "quantiles"):
        if key in a:
            np.testing.assert_array_equal(a[key], b[key])
    np.testing.assert_array_equal(a["dates"], b["dates"])
    state = json.loads((tmp_path / "model" / "zoo_model.json").read_text())
    assert state["preprocessing"]["targets"] == ["load"]
    assert state["preprocessing"]["season"] == 24


def test_reading_data_through_a_fitted_model_keeps_its_settings(fitted, series, tmp_path):
    """`default_data` and `load_data` follow the data's frequency only on an unfitted model:
    a trained (or loaded) one keeps its hyperparameters and fitted preprocessing."""
    fitted.save(tmp_path / "model")
    again = zoo.load_model(tmp_path / "model")
    hparams, before = dict(again.hparams), again.predict(series)["forecast"]
    again.default_data()  # hourly Seattle temperatures: other columns, other defaults
    csv = tmp_path / "daily.csv"
    days = np.datetime64("2021-01-01") + np.arange(200)
    rows = ["date,load,temp"] + [f"{d},{i % 7},{i % 5}" for i, d in enumerate(days)]
    csv.write_text("\n".join(rows) + "\n")
    again.load_data(csv)
    assert again.hparams == hparams and again.preprocessor.fitted
    np.testing.assert_array_equal(again.predict(series)["forecast"], before)


def test_scaler_fitted_on_training_split_only(series):
    model = LSTMForecaster(**TINY, val_fraction=0.25)
    model.fit(series, verbose=0)
    n_train = len(series) - 100
    mean = np.asarray(model.preprocessing_state()["scaler"]["mean"])
    np.testing.assert_allclose(mean, series.values[:n_train].mean(axis=0), rtol=1e-5)
    assert not np.allclose(mean, series.values.mean(axis=0), rtol=1e-4)


def test_evaluate_keys_and_baselines(fitted, series):
    report = fitted.evaluate(series)
    assert set(report) == {"model", "naive", "seasonal_naive"}
    keys = {"mse", "mae", "mse_scaled", "mae_scaled", "mase", "smape"}
    for row in report.values():
        assert keys <= set(row)
        assert all(isinstance(v, float) for v in row.values())
    if isinstance(fitted, QuantileLSTMForecaster):
        assert {"coverage", "nominal_coverage", "pinball"} <= set(report["model"])
        assert report["model"]["nominal_coverage"] == pytest.approx(0.8)
        assert 0.0 <= report["model"]["coverage"] <= 1.0
    # The seasonal naive forecast of a daily cycle beats repeating the last value.
    assert report["seasonal_naive"]["mae"] < report["naive"]["mae"]


def test_quantiles_ordered_after_training(series):
    model = QuantileLSTMForecaster(**{**TINY, "epochs": 3})
    model.fit(series, verbose=0)
    out = model.predict(series)
    assert out["quantiles"].shape == (6, 2, 3) and out["levels"] == [0.1, 0.5, 0.9]
    assert np.all(out["lower"] <= out["forecast"]) and np.all(out["forecast"] <= out["upper"])
    assert np.all(np.diff(out["quantiles"], axis=-1) >= 0)
    assert np.any(out["upper"] - out["lower"] > 0)


def test_network_reloads_with_plain_keras(fitted, series, tmp_path):
    import keras

    fitted.save(tmp_path / "m")
    network = keras.models.load_model(tmp_path / "m" / "model.keras")
    if isinstance(fitted, QuantileLSTMForecaster):
        assert network.loss.quantiles == [0.1, 0.5, 0.9]  # the registered pinball loss
    x = np.zeros((2, *fitted.network.input_shape[1:]), dtype="float32")
    np.testing.assert_allclose(network(x), fitted.network(x), atol=1e-6)


def test_plots_write_forecast_png(fitted, series, tmp_path):
    paths = fitted.plots(series, tmp_path)
    assert [p.name for p in paths] == ["forecast.png"]
    assert paths[0].read_bytes()[:4] == b"\x89PNG"


def test_plain_network_without_skip(series):
    model = LSTMForecaster(
        **{**TINY, "layers": 2}, skip=None, relative=False, calendar=False, dropout=0.1
    )
    model.fit(series, verbose=0)
    assert model.network.input_shape == (None, 24, 2)
    assert model.preprocessing_state()["calendar_features"] == []
    assert model.predict(series)["forecast"].shape == (6, 2)
    json.dumps(model.preprocessing_state())


def test_relative_inputs_and_skip_follow_level_shifts(fitted, series):
    # relative=True and a skip connection (the defaults): shifting the history by a
    # constant shifts every forecast (and quantile) by the same constant.
    shifted = TimeSeries(series.dates, series.values + [100.0, 0.0], series.columns, "s", "h")
    a, b = fitted.predict(series), fitted.predict(shifted)
    for key in ("forecast", "lower", "upper"):
        if key in a:
            np.testing.assert_allclose(b[key], a[key] + 100.0, atol=1e-3)


def test_skip_validation():
    with pytest.raises(ValueError, match="skip"):
        LSTMForecaster(skip="linear")
    assert LSTMForecaster(skip="none").hparams["skip"] is None


def test_too_short_series_raises(series):
    short = TimeSeries(series.dates[:20], series.values[:20], series.columns, "short.csv", "h")
    model = LSTMForecaster(**TINY)
    with pytest.raises(DataError, match="20 steps"):
        model.fit(short, verbose=0)


def test_predict_and_evaluate_short_inputs_raise(fitted, series):
    part = TimeSeries(series.dates[:10], series.values[:10], series.columns, "x", "h")
    with pytest.raises(DataError, match="history has 10 steps"):
        fitted.predict(part)
    with pytest.raises(DataError, match="test series has 10 steps"):
        fitted.evaluate(part)


def test_unknown_target_raises(series):
    with pytest.raises(DataError, match="'nope' not found"):
        LSTMForecaster(**TINY, targets=["nope"]).fit(series, verbose=0)


def test_default_data_is_chronological_with_context():
    model = zoo.create_model("forecast-lstm", input_width=48, horizon=24)
    train, test = model.default_data()
    assert train.columns == ["temp"] and train.freq == "h"
    n = len(train) + len(test) - 48
    assert len(test) - 48 == pytest.approx(0.2 * n, abs=1)
    assert test.dates[48] > train.dates[-1]  # the held-out tail follows the training part
    np.testing.assert_array_equal(test.dates[:48], train.dates[-48:])  # context


def _write_csv(path, rows):
    path.write_text("date,value\n" + "".join(f"{d},{v}\n" for d, v in rows))
    return path


def test_load_data_from_csv(tmp_path):
    dates = np.datetime64("2020-01-01") + np.arange(300).astype("timedelta64[D]")
    csv = _write_csv(tmp_path / "daily.csv", [(d, np.sin(i / 5)) for i, d in enumerate(dates)])
    model = zoo.create_model("forecast-lstm", input_width=14, horizon=7)
    train, test = model.load_data(csv)
    assert train.freq == "D" and len(train) == 240 and len(test) == 60 + 14
    model.hparams.update(units=4, epochs=1)
    model.fit(train, verbose=0)
    assert model.preprocessing_state()["season"] == 7
    assert model.evaluate(test)["model"]["mase"] > 0


def test_load_data_errors(tmp_path):
    bad = _write_csv(tmp_path / "bad.csv", [("2020-01-01", 1.0), ("2020-01-02", "abc")])
    with pytest.raises(DataError, match="row 3"):
        LSTMForecaster.load_data(bad)
    dates = np.datetime64("2020-01-01") + np.arange(50).astype("timedelta64[D]")
    short = _write_csv(tmp_path / "short.csv", [(d, 1.0 + i) for i, d in enumerate(dates)])
    with pytest.raises(DataError, match="too short"):
        LSTMForecaster.load_data(short)


def test_quantile_hparam_validation():
    with pytest.raises(ValueError, match="quantiles"):
        QuantileLSTMForecaster(quantiles=(0.1, 1.5))


@pytest.mark.slow
def test_default_settings_beat_seasonal_naive_on_seattle_temps():
    model = zoo.create_model("forecast-lstm")
    train, test = model.default_data()
    start = time.perf_counter()
    model.fit(train, verbose=0)
    assert time.perf_counter() - start < 300
    report = model.evaluate(test)
    assert report["model"]["mase"] < report["seasonal_naive"]["mase"]


# -- the family contract: preprocessor, seams, handles ----------------------------------------


def test_preprocessor_config_round_trip_transforms_alike(fitted, series):
    from zoo.models.forecasting import SeriesPreprocessor

    config = json.loads(json.dumps(fitted.preprocessing_state()))
    assert config == fitted.preprocessor.to_config()
    again = SeriesPreprocessor.from_config(config)
    assert again.to_config() == config
    np.testing.assert_array_equal(again.transform(series), fitted.preprocessor.transform(series))
    x, y, raw = again.windows(series)
    assert x.shape == (len(series) - 24 - 6 + 1, 24, again.feature_count)
    assert y.shape[1:] == again.output_shape() == (6, 1)
    np.testing.assert_allclose(again.inverse_transform(y)[..., 0], y_orig(series, 24, 6), rtol=1e-5)
    np.testing.assert_array_equal(raw[:, -1], series.values[23:-6])  # the raw context
    assert again.future_dates(series.dates[-1])[0] == series.dates[-1] + np.timedelta64(1, "h")


def y_orig(series: TimeSeries, width: int, horizon: int) -> np.ndarray:
    """The original-scale "load" targets of every window of `series`."""
    load = series.values[:, 0]
    return np.stack([load[o : o + horizon] for o in range(width, len(series) - horizon + 1)])


def test_preprocessor_runs_without_tensorflow(fitted, tmp_path):
    import subprocess
    import sys

    (tmp_path / "config.json").write_text(json.dumps(fitted.preprocessing_state()))
    script = (
        "import json, sys, numpy as np\n"
        "from zoo.models.forecasting import SeriesPreprocessor\n"
        f"pre = SeriesPreprocessor.from_config(json.load(open({str(tmp_path / 'config.json')!r})))\n"
        "dates = np.datetime64('2021-03-01T00:00:00') + np.arange(30) * np.timedelta64(1, 'h')\n"
        "x = pre.transform(pre.as_series(np.ones((30, 2)), dates))\n"
        "print(x.shape, 'tensorflow' in sys.modules, 'keras' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[-2:] == ["False", "False"]
    assert out.stdout.startswith("(30, 8)")


def test_fit_preprocessing_fits_the_scaler_on_the_training_part(series):
    model = LSTMForecaster(**TINY, val_fraction=0.25)
    train, validation = model.fit_preprocessing(series)
    assert validation is not None
    assert len(train) == len(series) - 100 and validation.dates[24] == series.dates[-100]
    np.testing.assert_allclose(
        model.preprocessor.scaler.mean_, train.values.mean(axis=0), rtol=1e-5
    )
    assert model.validation_split(series)[0].dates[-1] == train.dates[-1]
    assert model.network is None  # preprocessing only


def test_fit_trains_the_network_it_is_given(series):
    model = LSTMForecaster(**TINY)
    model.fit_preprocessing(series)
    network = model.build_network()
    before = [w.copy() for w in network.get_weights()]
    model.fit(series, verbose=0, network=network)
    assert model.network is network
    assert any(not np.allclose(a, b) for a, b in zip(before, network.get_weights(), strict=True))


def test_layer_handles_survive_save_and_load(fitted, tmp_path):
    fitted.save(tmp_path / "m")
    again = zoo.load_model(tmp_path / "m")
    layers = again.recurrent_layers()
    assert len(layers) == again.hparams["layers"] == 1
    assert layers[0].cell.units == 8
    assert again.head_layer().units == int(np.prod(again.output_shape()))
    np.testing.assert_array_equal(
        again.head_layer().get_weights()[0], fitted.head_layer().get_weights()[0]
    )


class _ZeroEngine:
    """An inference engine answering zeros (on the scaled axis), recording its calls."""

    def __init__(self, shape):
        self.shape, self.calls = shape, []

    def run(self, graph, inputs):
        self.calls.append((graph, inputs[0].shape))
        return [np.zeros((len(inputs[0]), *self.shape), np.float32)]


def test_predict_runs_on_the_engine_it_is_handed(fitted, series):
    model = type(fitted)(name=fitted.name, **fitted.hparams)
    model.restore_preprocessing(fitted.preprocessing_state())
    engine = _ZeroEngine(model.output_shape())
    model.use_engine(engine)  # no Keras network at all
    out = model.predict(series)
    assert engine.calls == [("network", (1, 24, 8))]
    mean = model.preprocessor.scaler.mean_[0]  # a zero scaled output is the target's mean
    np.testing.assert_allclose(out["forecast"], np.full((6, 1), mean), rtol=1e-6)
    assert out["dates"][0] == series.dates[-1] + np.timedelta64(1, "h")
    assert model.network is None
    model.use_engine(None)
    with pytest.raises(RuntimeError, match="fit"):
        model.predict(series)


def test_command_line_reads_a_series_file_and_prints_the_table(fitted, series, tmp_path):
    from types import SimpleNamespace

    from zoo.family import family_for

    cli = family_for(fitted).resolve("cli")
    predictor = SimpleNamespace(model=fitted)
    path = tmp_path / "series.csv"
    rows = [
        f"{np.datetime_as_string(d, unit='s')},{a},{b}"
        for d, (a, b) in zip(series.dates, series.values, strict=True)
    ]
    path.write_text("date,load,temp\n" + "\n".join(rows) + "\n")
    with pytest.raises(ValueError, match="--file SERIES.csv"):
        cli.inputs([], None, predictor)
    with pytest.raises(ValueError, match="not from TEXT arguments"):
        cli.inputs(["hello"], path, predictor)
    inputs = cli.inputs([], path, predictor)
    result = fitted.predict(inputs)
    lines = cli.show(inputs, result)
    assert lines[0] == "date\tload" and len(lines) == 7
    first = lines[1].split("\t")
    assert first[0] == str(result["dates"][0])
    assert first[1].startswith(f"{result['forecast'][0, 0]:.4f}")
    assert ("[" in first[1]) == isinstance(fitted, QuantileLSTMForecaster)
    assert cli.json(result)["forecast"] == result["forecast"].tolist()
