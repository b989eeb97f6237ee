"""`QuantileLSTMForecaster`: the LSTM forecaster with quantile outputs and pinball loss.

The head emits `horizon x n_targets x n_quantiles` values and is trained with the pinball
(quantile) loss summed over the quantile levels (Koenker & Bassett, 1978; as in MQ-RNN,
Wen et al., 2017). The point forecast is the median (the level closest to 0.5) and the
prediction interval runs from the lowest to the highest level, so the default (0.1, 0.5,
0.9) gives an 80% interval. Forecast quantiles are sorted along the level axis before use
(monotone rearrangement, Chernozhukov et al., 2010), so lower <= median <= upper always
holds, even where the network's raw outputs cross.

The loss is registered with Keras as `zoo>QuantilePinballLoss` (see `pinball_loss_class`):
`zoo.load_model` reloads a saved model as is; plain `keras.models.load_model` needs
`pinball_loss_class()` called first (or `compile=False`).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from zoo.hparams import boolean, numbers_list
from zoo.metrics.forecasting import interval_coverage, pinball_loss
from zoo.models.forecasting.conformal import (
    adaptive_margins,
    conformal_margins,
    conformity_scores,
    score_summary,
)
from zoo.models.forecasting.lstm_forecaster import LSTMForecaster


@functools.cache
def pinball_loss_class() -> type:
    """The Keras pinball loss, registered as `zoo>QuantilePinballLoss` on first call.

    Defined lazily so that importing the model family (e.g. to list the registry) does not
    import TensorFlow; `zoo.load_model` calls it (through `register_custom_objects`) before
    the network is read.
    """
    import keras
    from keras import ops

    @keras.saving.register_keras_serializable(package="zoo", name="QuantilePinballLoss")
    class PinballLoss(keras.losses.Loss):
        """Mean over quantile levels of `max(q * e, (q - 1) * e)`, `e = y - y_hat`.

        `y_true` is `[..., 1]` (broadcast over the levels) and `y_pred` is
        `[..., n_quantiles]`, the last axis following `quantiles`.
        """

        def __init__(
            self,
            quantiles=(0.1, 0.5, 0.9),
            name: str = "pinball_loss",
            reduction: str = "sum_over_batch_size",
            dtype=None,
        ) -> None:
            super().__init__(name=name, reduction=reduction, dtype=dtype)
            self.quantiles = [float(q) for q in quantiles]

        def call(self, y_true, y_pred):
            y_pred = ops.convert_to_tensor(y_pred)
            y_true = ops.cast(y_true, y_pred.dtype)
            levels = ops.convert_to_tensor(self.quantiles, dtype=y_pred.dtype)
            errors = y_true - y_pred
            return ops.mean(ops.maximum(levels * errors, (levels - 1.0) * errors), axis=-1)

        def get_config(self) -> dict[str, Any]:
            return {"quantiles": self.quantiles, "name": self.name, "reduction": self.reduction}

    return PinballLoss


class QuantileLSTMForecaster(LSTMForecaster):
    """Direct multi-horizon quantile forecaster: `LSTMForecaster` plus the hyperparameter
    `quantiles` (levels in (0, 1), default (0.1, 0.5, 0.9)).

    `calibrate` (default True): after training, the interval is widened (or narrowed) by
    split-conformal calibration on the validation tail, conformalized quantile regression
    (CQR, Romano et al., 2019): for each horizon step and target, the conformity score of a
    validation window is `max(lower - y, y - upper)` on the scaled axis, and the interval
    is moved out by the `ceil((n + 1)(1 - alpha))`-th smallest of the `n`
    scores (`alpha` = 1 - nominal coverage). The widening is part of the preprocessing
    state (`conformal`), so a saved model and an exported bundle apply it too. The
    validation tail also chose the early-stopping epoch, a mild reuse that the test
    coverage in `metrics.json` measures. The validation scores are kept too
    (`conformal_scores`, at most 256 order statistics per step and target), and `evaluate`
    also reports `coverage_adaptive`: the interval calibrated online over the test windows
    by adaptive conformal inference (ACI, Gibbs & Candès 2021; `conformal.adaptive_margins`),
    which keeps its long-run coverage where the test period is not exchangeable with the
    validation tail.

    `predict` adds `lower`, `upper` ([horizon, n_targets], the outer levels), `quantiles`
    ([horizon, n_targets, n_quantiles]) and `levels`; `evaluate`'s model row adds
    `coverage` (fraction of actuals inside [lower, upper]), `nominal_coverage`
    (highest - lowest level), `pinball` (original scale) and `pinball_scaled`.
    """

    default_hparams = {
        **LSTMForecaster.default_hparams,
        "quantiles": (0.1, 0.5, 0.9),
        "calibrate": True,
    }
    hparam_specs = {
        **LSTMForecaster.hparam_specs,
        "quantiles": numbers_list(0, 1, low_open=True, high_open=True),
        "calibrate": boolean(),
    }

    def __init__(self, name: str | None = None, **hparams: Any) -> None:
        super().__init__(name, **hparams)
        levels = [float(q) for q in self.hparams["quantiles"]]
        if not levels or any(not 0.0 < q < 1.0 for q in levels):
            raise ValueError(f"quantiles must be levels in (0, 1); received {levels}")
        if len(set(levels)) != len(levels):
            raise ValueError(f"quantiles must be distinct; received {levels}")
        self.levels = sorted(levels)
        self.hparams["quantiles"] = self.levels
        self._median = int(np.argmin(np.abs(np.asarray(self.levels) - 0.5)))

    @classmethod
    def register_custom_objects(cls) -> None:
        pinball_loss_class()  # registered before zoo.load_model reads a saved network

    def output_shape(self) -> tuple[int, ...]:
        """`(horizon, n_targets, n_quantiles)`: one forecast's quantiles, levels last."""
        return (*super().output_shape(), len(self.levels))

    def _loss(self):
        return pinball_loss_class()(self.levels)

    def _train_targets(self, y: np.ndarray) -> np.ndarray:
        return y[..., None]

    def fit(self, data: Any, epochs: int | None = None, verbose: int | str = 2, **kwargs: Any):
        """`LSTMForecaster.fit`, then the conformal calibration of the interval on the
        validation windows (when `calibrate` and there is a validation tail)."""
        history = super().fit(data, epochs=epochs, verbose=verbose, **kwargs)
        pre = self.preprocessor
        pre.conformal = pre.conformal_scores = pre.conformal_count = None
        if self.hparams["calibrate"] and self.validation_windows is not None:
            x, y = self.validation_windows
            raw = np.sort(self.infer("network", x)[0], axis=-1)
            lower, upper = raw[..., 0], raw[..., -1]
            pre.conformal = conformal_margins(lower, upper, y, self.nominal_coverage()).tolist()
            pre.conformal_scores = score_summary(conformity_scores(lower, upper, y)).tolist()
            pre.conformal_count = len(y)
        return history

    def nominal_coverage(self) -> float:
        """The interval's nominal coverage: highest minus lowest quantile level."""
        return round(self.levels[-1] - self.levels[0], 12)

    def from_scaled(self, scaled: np.ndarray, calibrated: bool = True) -> dict[str, np.ndarray]:
        """The median `forecast`, `lower` and `upper` (the outer levels, moved out by the
        conformal margins unless `calibrated=False`) `[N, H, n]` and all `quantiles`
        `[N, H, n, Q]` (sorted; the outer ones the calibrated bounds), on the original
        scale."""
        scaled = np.sort(scaled, axis=-1)  # [N, H, n, Q]
        margins = self.preprocessor.conformal
        if calibrated and margins is not None and len(self.levels) > 1:
            margin = np.asarray(margins, dtype=scaled.dtype)  # [H, n]
            median = scaled[..., self._median]
            scaled = scaled.copy()
            scaled[..., 0] = np.minimum(scaled[..., 0] - margin, median)
            scaled[..., -1] = np.maximum(scaled[..., -1] + margin, median)
        moved = np.moveaxis(scaled, -1, -2)  # [N, H, Q, n]: targets last, for the scaler
        q = np.moveaxis(self.preprocessor.inverse_transform(moved), -2, -1)
        return {
            "forecast": q[..., self._median],
            "lower": q[..., 0],
            "upper": q[..., -1],
            "quantiles": q,
        }

    def _forecast(self, x: np.ndarray) -> dict[str, np.ndarray]:
        scaled = self.infer("network", x)[0]
        out = self.from_scaled(scaled)
        if self.preprocessor.conformal is not None:
            raw = self.from_scaled(scaled, calibrated=False)
            out["lower_raw"], out["upper_raw"] = raw["lower"], raw["upper"]
        return out

    def _model_metrics(self, y: np.ndarray, out: dict[str, np.ndarray]) -> dict[str, float]:
        row = super()._model_metrics(y, out)
        scaler, index = self.preprocessor.scaler, self.preprocessor.target_index
        scale = np.asarray(scaler.scale_)[index]
        row["coverage"] = interval_coverage(y, out["lower"], out["upper"])
        if "lower_raw" in out:  # before the conformal calibration
            row["coverage_raw"] = interval_coverage(y, out["lower_raw"], out["upper_raw"])
        row["nominal_coverage"] = self.nominal_coverage()
        row["pinball"] = pinball_loss(y, out["quantiles"], self.levels)
        mean = np.asarray(scaler.mean_)[index]
        scaled_q = (out["quantiles"] - mean[:, None]) / scale[:, None]
        row["pinball_scaled"] = pinball_loss((y - mean) / scale, scaled_q, self.levels)
        return row

    def _sequence_metrics(self, y: np.ndarray, out: dict[str, np.ndarray]) -> dict[str, float]:
        """`coverage_adaptive`: the coverage of the interval calibrated online by adaptive
        conformal inference (`conformal.adaptive_margins`) over the evaluation windows in
        time order, each horizon step's level updated as its targets arrive."""
        pre = self.preprocessor
        if pre.conformal_scores is None or "lower_raw" not in out:
            return {}
        scale = np.asarray(pre.scaler.scale_, dtype=np.float64)[pre.target_index]
        _, covered = adaptive_margins(
            out["lower_raw"],
            out["upper_raw"],
            y,
            np.asarray(pre.conformal_scores) * scale,  # scaled axis -> original units
            pre.conformal_count,
            self.nominal_coverage(),
            centre=out["forecast"],
        )
        return {"coverage_adaptive": float(covered.mean())}

    def postprocess(self, scaled: np.ndarray, last: np.datetime64) -> dict[str, Any]:
        """`LSTMForecaster.postprocess` plus the quantile `levels`."""
        out = super().postprocess(scaled, last)
        out["levels"] = list(self.levels)
        return out

    def _band_label(self) -> str:
        low, high = self.levels[0], self.levels[-1]
        return f"{high - low:.0%} interval (quantiles {low:g}-{high:g})"
