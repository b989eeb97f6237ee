"""`ForecastingHyperModel`: the search space of the forecasting family."""

from __future__ import annotations

from typing import Any

from tuning.hypermodels.base import ZooHyperModel


class ForecastingHyperModel(ZooHyperModel):
    """Searches `LSTMForecaster` models ("forecast-lstm", "forecast-quantile-lstm").

    Objective: **validation loss** (min), the training loss (MSE, or the pinball loss of
    the quantile model, on standard-scaled targets) on the chronological validation tail
    the forecaster holds out itself: the quantity early stopping already watches, and
    comparable across windows and architectures since the targets are the same.

    Space: `input_width` (the input window), `units`, `layers`, `dropout`,
    `learning_rate`, `batch_size`, `skip` (seasonal / last-value / no skip connection),
    `relative` (window relative to its last value) and `calendar` (covariates).
    """

    objective_name = "val_loss"
    objective_direction = "min"

    def __init__(self, model_name: str, data: Any = None, **options: Any) -> None:
        super().__init__(model_name, data, **options)
        if self.defaults.get("skip") in (None, False):
            self.defaults["skip"] = "none"  # the forecaster reads "none" as no skip

    def space(self, hp) -> dict[str, Any]:
        return {
            "input_width": self.choice(hp, "input_width", self.widths()),
            "units": self.integer(hp, "units", 16, 128, step=16),
            "layers": self.integer(hp, "layers", 1, 2),
            "dropout": self.choice(hp, "dropout", [0.0, 0.1, 0.2, 0.3]),
            "learning_rate": self.log_float(hp, "learning_rate", 1e-4, 1e-2),
            "batch_size": self.choice(hp, "batch_size", [32, 64, 128]),
            "skip": self.choice(hp, "skip", ["seasonal", "last", "none"]),
            "relative": self.boolean(hp, "relative"),
            "calendar": self.boolean(hp, "calendar"),
        }

    def widths(self) -> list[int]:
        """The input windows searched: a day to a week of hours for the hourly default
        (24, 48, 96, 168); for a window set by the data (e.g. 28 days for daily data),
        a quarter, half, once and twice that window."""
        width = int(self.defaults["input_width"])
        if width == 168:
            return [24, 48, 96, 168]
        return sorted({max(2, width // 4), max(2, width // 2), width, 2 * width})

    def prepare(self, zoo_model: Any, data: Any) -> Any:
        """The scaler and window state, as `LSTMForecaster.fit` fits them
        (`fit_preprocessing`: statistics of the series minus its chronological
        validation tail), then the network, seeded as `fit` seeds it."""
        import keras

        zoo_model.fit_preprocessing(data)
        keras.utils.set_random_seed(int(zoo_model.hparams["seed"]))
        return zoo_model.build_network()
