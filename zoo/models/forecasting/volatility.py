"""The GARCH(1,1) part of the hybrid GARCH-LSTM volatility forecaster (Kim & Won, 2018).

`fit_garch` fits GARCH(1,1) (constant mean, normal errors) with `arch` on a training
series of percent log returns; the fitted parameters are then fixed. With them, the
conditional variance is a linear filter of the squared demeaned returns,

    s2_{t+1} = omega + alpha (r_t - mu)^2 + beta s2_t,

started at the unconditional variance `omega / (1 - alpha - beta)` at the first step of an
input window (`beta^width` of the start remains at the window's end, about 1e-3 for the
S&P 500's beta of 0.9 and 63 days), so it needs nothing but the window: `garch_filter`
in NumPy, and the Keras layer of `garch_layer_class` inside the network (a matrix
product, exported to ONNX with the rest of the graph, so bundles apply it with the same
fixed parameters and the runtime needs neither `arch` nor TensorFlow).

The layer also gives GARCH's forecasts of the realised variances `rv5` and `rv21` along
the forecast horizon (`E[r^2_{t+k}] = mu^2 + vbar + (alpha + beta)^(k-1) (s2_{t+1} - vbar)`,
the past squared returns where a window reaches back before the origin), on the scaled
log axis of the targets: the network learns the log ratio of the realised variance to
GARCH's forecast (the skip connection), and sees the filtered log variance as one more
input column. `qlike_loss_class` is the QLIKE loss of `exp(forecast)` on that axis.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

__all__ = ["fit_garch", "garch_filter", "garch_layer_class", "qlike_loss_class", "rv_matrices"]

#: The realised-variance windows (days) of the targets `log_rv5`, `log_rv21`.
RV_DAYS = (5, 21)


def fit_garch(returns: np.ndarray) -> dict[str, float]:
    """`{"mu", "omega", "alpha", "beta"}` of GARCH(1,1) (constant mean, normal errors)
    fitted with `arch` on `returns` (percent log returns, the training part only)."""
    from arch import arch_model

    r = np.asarray(returns, np.float64)
    fitted = arch_model(r, mean="Constant", vol="GARCH", p=1, q=1, dist="normal").fit(disp="off")
    p = fitted.params
    params = {
        "mu": float(p["mu"]),
        "omega": float(p["omega"]),
        "alpha": float(p["alpha[1]"]),
        "beta": float(p["beta[1]"]),
    }
    if params["alpha"] + params["beta"] >= 0.999:  # keep a finite unconditional variance
        scale = 0.999 / (params["alpha"] + params["beta"])
        params["alpha"] *= scale
        params["beta"] *= scale
    return params


def _filter_terms(width: int, params: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """`(A, c)` with `s2[:, t] = e2 @ A[:, t] + c[t]`, `s2[:, t]` the variance of the day
    after step `t` of a window of squared demeaned returns `e2` `[N, width]`."""
    alpha, beta, omega = params["alpha"], params["beta"], params["omega"]
    vbar = omega / (1.0 - alpha - beta)
    t = np.arange(width)
    lag = t[None, :] - t[:, None]  # column t, row t' <= t: alpha beta^(t - t')
    a = np.where(lag >= 0, alpha * beta ** np.maximum(lag, 0), 0.0)
    c = omega * (1.0 - beta ** (t + 1)) / (1.0 - beta) + beta ** (t + 1) * vbar
    return a, c


def garch_filter(returns: np.ndarray, params: dict[str, float]) -> np.ndarray:
    """The GARCH variance `[N, width]` of the day after each step of windows of returns
    `[N, width]` (percent), with fixed `params` (`fit_garch`), started at the
    unconditional variance."""
    r = np.asarray(returns, np.float64)
    a, c = _filter_terms(r.shape[-1], params)
    return (r - params["mu"]) ** 2 @ a + c


def rv_matrices(horizon: int, known: int = max(RV_DAYS) - 1) -> np.ndarray:
    """`[len(RV_DAYS), known + horizon, horizon]`: the mean over the last `days` days at
    each forecast step `k`, of a vector of `known` past squared returns followed by the
    expected squared returns of steps 1 .. horizon."""
    out = np.zeros((len(RV_DAYS), known + horizon, horizon))
    for j, days in enumerate(RV_DAYS):
        for k in range(1, horizon + 1):
            lo, hi = known + k - days, known + k  # positions of steps k - days + 1 .. k
            out[j, max(lo, 0) : hi, k - 1] = 1.0 / days
    return out


@functools.cache
def garch_layer_class() -> type:
    """The Keras layer `zoo>GarchFeatures` (registered on first call, see the module
    docstring): scaled window `[N, W, F]` -> `(log variance column [N, W, 1] on the
    scaled axis of log_rv21, GARCH forecast of the targets [N, horizon, 2], scaled)`."""
    import keras
    from keras import ops

    @keras.saving.register_keras_serializable(package="zoo", name="GarchFeatures")
    class GarchFeatures(keras.layers.Layer):
        def __init__(
            self,
            params: dict[str, float],
            return_index: int,
            return_scaling: tuple[float, float],
            target_scaling: list[tuple[float, float]],
            width: int,
            horizon: int,
            **kwargs: Any,
        ) -> None:
            super().__init__(**kwargs)
            self.params = {k: float(v) for k, v in params.items()}
            self.return_index = int(return_index)
            self.return_scaling = tuple(float(v) for v in return_scaling)
            self.target_scaling = [tuple(float(v) for v in p) for p in target_scaling]
            self.width, self.horizon = int(width), int(horizon)
            a, c = _filter_terms(self.width, self.params)
            p = self.params
            phi = p["alpha"] + p["beta"]
            self._a, self._c = a.astype("float32"), c.astype("float32")
            self._decay = (phi ** np.arange(self.horizon)).astype("float32")
            self._vbar = p["omega"] / (1.0 - phi)
            known = max(RV_DAYS) - 1
            self._known = known
            self._rv = rv_matrices(self.horizon, known).astype("float32")

        def call(self, window):
            mean, scale = self.return_scaling
            r = window[:, :, self.return_index] * scale + mean
            p = self.params
            s2 = ops.matmul((r - p["mu"]) ** 2, self._a) + self._c  # [N, W]
            s_next = s2[:, -1:]
            forecast = self._vbar + self._decay[None] * (s_next - self._vbar) + p["mu"] ** 2
            past = r[:, -min(self._known, self.width) :] ** 2
            if self.width < self._known:  # a short window: the first forecast before it
                pad = ops.repeat(forecast[:, :1], self._known - self.width, axis=1)
                past = ops.concatenate([pad, past], axis=1)
            v = ops.concatenate([past, forecast], axis=1)  # [N, known + horizon]
            bases = []
            for j, (t_mean, t_scale) in enumerate(self.target_scaling):
                rv = ops.maximum(ops.matmul(v, self._rv[j]), 1e-6)
                bases.append((ops.log(rv) - t_mean) / t_scale)
            t_mean, t_scale = self.target_scaling[-1]
            column = (ops.log(ops.maximum(s2, 1e-6)) - t_mean) / t_scale
            return column[:, :, None], ops.stack(bases, axis=-1)

        def get_config(self) -> dict[str, Any]:
            return {
                **super().get_config(),
                "params": self.params,
                "return_index": self.return_index,
                "return_scaling": list(self.return_scaling),
                "target_scaling": [list(p) for p in self.target_scaling],
                "width": self.width,
                "horizon": self.horizon,
            }

    return GarchFeatures


@functools.cache
def qlike_loss_class() -> type:
    """The Keras loss `zoo>QlikeLoss` (registered on first call): QLIKE of the variance
    `exp(y_pred)` against `exp(y_true)`, both log variances on the scaled axis
    (`log = scaled * scale + mean`, one scale per target), `e^d - d - 1`, `d` the log
    ratio of actual to forecast variance."""
    import keras
    from keras import ops

    @keras.saving.register_keras_serializable(package="zoo", name="QlikeLoss")
    class QlikeLoss(keras.losses.Loss):
        def __init__(
            self,
            scales=(1.0,),
            name: str = "qlike_loss",
            reduction: str = "sum_over_batch_size",
            dtype=None,
        ) -> None:
            super().__init__(name=name, reduction=reduction, dtype=dtype)
            self.scales = [float(s) for s in scales]

        def call(self, y_true, y_pred):
            y_pred = ops.convert_to_tensor(y_pred)
            y_true = ops.cast(y_true, y_pred.dtype)
            scales = ops.convert_to_tensor(self.scales, dtype=y_pred.dtype)
            d = ops.minimum((y_true - y_pred) * scales, 20.0)
            return ops.mean(ops.exp(d) - d - 1.0, axis=-1)

        def get_config(self) -> dict[str, Any]:
            return {"scales": self.scales, "name": self.name, "reduction": self.reduction}

    return QlikeLoss
