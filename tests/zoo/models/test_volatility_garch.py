"""The GARCH(1,1) part of the hybrid stock-volatility-lstm (zoo.models.forecasting.volatility)."""

import numpy as np

from zoo.models.forecasting.volatility import garch_filter, garch_layer_class, rv_matrices

PARAMS = {"mu": 0.05, "omega": 0.02, "alpha": 0.1, "beta": 0.88}


def _recursion(r: np.ndarray) -> np.ndarray:
    p = PARAMS
    s = np.full(len(r), p["omega"] / (1 - p["alpha"] - p["beta"]))
    out = np.zeros_like(r)
    for t in range(r.shape[1]):
        s = p["omega"] + p["alpha"] * (r[:, t] - p["mu"]) ** 2 + p["beta"] * s
        out[:, t] = s
    return out


def test_filter_is_the_garch_recursion():
    r = np.random.default_rng(0).normal(0, 1.2, (4, 63))
    np.testing.assert_allclose(garch_filter(r, PARAMS), _recursion(r), rtol=1e-12)


def test_rv_matrices_average_the_right_days():
    m = rv_matrices(21)
    assert m.shape == (2, 20 + 21, 21)
    np.testing.assert_allclose(m.sum(axis=1), 1.0)
    assert np.count_nonzero(m[0, :, 4]) == 5 and m[0, 20:25, 4].min() == 0.2


def test_layer_matches_numpy():
    r = np.random.default_rng(1).normal(0, 1.2, (3, 63))
    x = np.zeros((3, 63, 3), "float32")
    x[:, :, 0] = (r - 0.03) / 1.3
    layer = garch_layer_class()(PARAMS, 0, (0.03, 1.3), [(0.1, 1.0), (0.2, 1.1)], 63, 21)
    column, base = (np.asarray(t) for t in layer(x))
    s = _recursion(r)
    np.testing.assert_allclose(column[..., 0], (np.log(s) - 0.2) / 1.1, atol=1e-5)
    p, vbar = PARAMS, PARAMS["omega"] / (1 - PARAMS["alpha"] - PARAMS["beta"])
    phi = p["alpha"] + p["beta"]
    f = vbar + phi ** np.arange(21)[None] * (s[:, -1:] - vbar) + p["mu"] ** 2
    np.testing.assert_allclose(base[:, 20, 1], (np.log(f.mean(1)) - 0.2) / 1.1, atol=1e-5)
    np.testing.assert_allclose(base[:, 4, 0], np.log(f[:, :5].mean(1)) - 0.1, atol=1e-5)
    first = (np.sum(r[:, -4:] ** 2, 1) + f[:, 0]) / 5  # 4 known days and 1 forecast
    np.testing.assert_allclose(base[:, 0, 0], np.log(first) - 0.1, atol=1e-5)
    again = garch_layer_class().from_config(layer.get_config())
    np.testing.assert_allclose(np.asarray(again(x)[1]), base, atol=1e-6)
