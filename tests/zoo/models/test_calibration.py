"""Split-conformal (CQR) calibration of the quantile forecaster, on generated data."""

import numpy as np

import zoo
from zoo.data.timeseries import TimeSeries
from zoo.models.forecasting.quantile_lstm_forecaster import conformal_margins


def test_conformal_margins_bring_too_narrow_intervals_to_nominal_coverage():
    rng = np.random.default_rng(0)
    z = 1.2815515655446004  # the 90% normal quantile: (-z, z) is an 80% interval of N(0, 1)
    shape = (4000, 3, 2)  # windows, horizon steps, targets
    scale = np.array([1.0, 2.0, 3.0])[None, :, None]  # the truth widens with the step
    calib, test = rng.normal(size=shape) * scale * 1.8, rng.normal(size=(20000, 3, 2)) * scale * 1.8
    lower, upper = -z * scale + 0 * calib, z * scale + 0 * calib  # raw: 1.8x too narrow
    raw = np.mean((test >= lower[:1]) & (test <= upper[:1]))
    margin = conformal_margins(lower, upper, calib, 0.8)
    assert margin.shape == (3, 2) and (margin > 0).all()
    low, high = lower[:1] - margin, upper[:1] + margin
    covered = np.mean((test >= low) & (test <= high))
    assert raw < 0.55 and abs(covered - 0.8) < 0.02, (raw, covered)
    margin = conformal_margins(-3 * z * scale + 0 * calib, 3 * z * scale + 0 * calib, calib, 0.8)
    assert (margin < 0).all()  # too wide intervals shrink


def test_calibration_is_on_by_default_stored_and_reported(tmp_path):
    rng = np.random.default_rng(1)
    t = np.arange(700)
    values = np.sin(t / 6) + rng.normal(scale=0.4, size=t.size)
    dates = np.datetime64("2020-01-01") + t.astype("timedelta64[D]")
    series = TimeSeries(dates, values, ["y"], "generated", "D")
    model = zoo.create_model(
        "forecast-quantile-lstm", input_width=14, horizon=3, units=4, epochs=1, val_fraction=0.3
    )
    model.fit(series.__class__(dates[:560], values[:560], ["y"], "g", "D"), verbose=0)
    margins = model.preprocessing_state()["conformal"]
    assert np.shape(margins) == (3, 1)
    row = model.evaluate(TimeSeries(dates[546:], values[546:], ["y"], "g", "D"))["model"]
    assert {"coverage", "coverage_raw", "nominal_coverage"} <= set(row)
    assert abs(row["coverage"] - 0.8) < abs(row["coverage_raw"] - 0.8) + 0.1
    model.save(tmp_path / "q")
    again = zoo.load_model(tmp_path / "q")
    assert again.preprocessor.conformal == model.preprocessor.conformal
    off = zoo.create_model("forecast-quantile-lstm", calibrate=False, input_width=14, horizon=3)
    assert off.hparams["calibrate"] is False
