"""Split-conformal (CQR) calibration of the quantile forecaster, on generated data."""

import numpy as np

import zoo
from zoo.data.timeseries import TimeSeries
from zoo.models.forecasting.conformal import (
    GAMMA,
    SCORE_POINTS,
    adaptive_margins,
    conformal_margins,
    conformity_scores,
    margin_at,
    score_summary,
)


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
    assert {"coverage", "coverage_raw", "coverage_adaptive", "nominal_coverage"} <= set(row)
    assert abs(row["coverage"] - 0.8) < abs(row["coverage_raw"] - 0.8) + 0.1
    model.save(tmp_path / "q")
    again = zoo.load_model(tmp_path / "q")
    assert again.preprocessor.conformal == model.preprocessor.conformal
    assert again.preprocessor.conformal_scores == model.preprocessor.conformal_scores
    assert again.preprocessor.conformal_count == len(model.validation_windows[1]) == 166
    reread = again.evaluate(TimeSeries(dates[546:], values[546:], ["y"], "g", "D"))["model"]
    assert reread["coverage_adaptive"] == row["coverage_adaptive"]
    off = zoo.create_model("forecast-quantile-lstm", calibrate=False, input_width=14, horizon=3)
    assert off.hparams["calibrate"] is False


def _shifted_residuals(rng, n, horizon=3, targets=2):
    """Residuals of a series whose spread doubles halfway through: not exchangeable."""
    spread = np.where(np.arange(n) < n // 2, 1.0, 2.0)[:, None, None]
    return rng.normal(size=(n, horizon, targets)) * spread


def test_adaptive_margins_keep_coverage_where_split_conformal_cannot():
    rng = np.random.default_rng(2)
    z = 1.2815515655446004
    calib = rng.normal(size=(400, 3, 2))  # calibration: unit spread
    lower, upper = -z * np.ones_like(calib), z * np.ones_like(calib)
    scores = conformity_scores(lower, upper, calib)
    y = _shifted_residuals(rng, 3000)
    low, high = -z * np.ones_like(y), z * np.ones_like(y)
    static = conformal_margins(lower, upper, calib, 0.8)
    static_cov = np.mean((y >= low - static) & (y <= high + static))
    margins, covered = adaptive_margins(low, high, y, score_summary(scores), len(calib), 0.8)
    # ACI's guarantee: miss rate within (max(a, 1-a) + g)/(g T) + delay/T of alpha.
    bound = (0.8 + GAMMA) / (GAMMA * len(y)) + 3 / len(y)
    assert static_cov < 0.7, static_cov
    assert abs(covered.mean(axis=0) - 0.8).max() <= bound, covered.mean(axis=0)
    assert margins.shape == y.shape and (margins[-500:].mean() > static.mean())


def test_adaptive_margins_never_read_a_target_before_it_arrives():
    rng = np.random.default_rng(3)
    calib = rng.normal(size=(50, 4, 1))
    summary = score_summary(conformity_scores(-np.ones_like(calib), np.ones_like(calib), calib))
    y = _shifted_residuals(rng, 200, horizon=4, targets=1)
    low, high = -np.ones_like(y), np.ones_like(y)
    margins, _ = adaptive_margins(low, high, y, summary, 50, 0.8)
    j = 120
    changed = y.copy()
    changed[j:] += 50.0  # targets of window j and later
    for h in range(4):  # window k's step-h target arrives at window k + h + 1 > j
        changed[max(0, j - h) : j, h] += 50.0
    again, _ = adaptive_margins(low, high, changed, summary, 50, 0.8)
    np.testing.assert_array_equal(again[: j + 1], margins[: j + 1])
    assert not np.array_equal(again[j + 1 :], margins[j + 1 :])


def test_margin_at_nominal_level_is_the_split_conformal_margin():
    rng = np.random.default_rng(4)
    for n in (40, 1000):  # all scores kept, and thinned to SCORE_POINTS
        calib = rng.normal(size=(n, 2, 1))
        lower, upper = -np.ones_like(calib), np.ones_like(calib)
        summary = score_summary(conformity_scores(lower, upper, calib))
        assert len(summary) == min(n, SCORE_POINTS)
        got = margin_at(summary, n, np.full((2, 1), 0.2))
        want = conformal_margins(lower, upper, calib, 0.8)
        np.testing.assert_allclose(got, want, atol=0 if n <= SCORE_POINTS else 0.05)
    assert np.isinf(margin_at(summary, n, np.full((2, 1), -0.1))).all()
    assert (margin_at(summary, n, np.full((2, 1), 1.0)) == -np.inf).all()
