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

    Task metric: **`mae_vs_naive`** (min), the model's MAE on the validation tail divided
    by the naive (last value) forecast's on the same windows: below 1 beats the naive
    forecast. `mae`, `naive_mae` and `seasonal_naive_mae` are recorded beside it.

    Space (centred on the registered defaults, which already beat seasonal naive on the
    embedded series): `input_width`, `units`, `layers`, `dropout`, `learning_rate`,
    `batch_size`, `skip`, `relative` and `calendar`; each range's reason is in `space`.
    """

    objective_name = "val_loss"
    objective_direction = "min"
    task_metric = "mae_vs_naive"
    task_direction = "min"
    #: Validation windows scored per trial (the last ones of the tail): one direct call
    #: of the network, so the task metric costs a small share of a trial.
    metric_windows = 512

    def __init__(self, model_name: str, data: Any = None, **options: Any) -> None:
        super().__init__(model_name, data, **options)
        if self.defaults.get("skip") in (None, False):
            self.defaults["skip"] = "none"  # the forecaster reads "none" as no skip

    def space(self, hp) -> dict[str, Any]:
        return {
            # The window (`widths`): a day to a week of hours for hourly data, or a
            # quarter to twice the window the data's frequency sets (28 days for daily
            # data); past a season and a half the seasonal skip carries the long memory.
            "input_width": self.choice(hp, "input_width", self.widths()),
            # 16-128 units: a univariate or few-column series needs little capacity; past
            # 128 an LSTM only overfits a few thousand windows (and trains slower on CPU).
            "units": self.integer(hp, "units", 16, 128, step=16),
            # One layer is the default; a second helps multi-step forecasts sometimes
            # (Hewamalage et al. 2021, "Recurrent neural networks for time series
            # forecasting"); more rarely does on series this short.
            "layers": self.integer(hp, "layers", 1, 2),
            # Light dropout only: forecasting windows overlap, so heavy dropout mostly
            # slows convergence within a few epochs.
            "dropout": self.choice(hp, "dropout", [0.0, 0.1, 0.2, 0.3]),
            # Adam from 3e-4 to 1e-2 around the default 1e-3 (log scale): the upper half
            # matters, as a search gives each trial few epochs.
            "learning_rate": self.log_float(hp, "learning_rate", 3e-4, 1e-2),
            # Small batches give more updates per epoch, which a short search favours.
            "batch_size": self.choice(hp, "batch_size", [32, 64, 128]),
            # The skip connection decides most of the error on seasonal series: the
            # network learns the residual over seasonal naive, last value, or nothing.
            "skip": self.choice(hp, "skip", ["seasonal", "last", "none"]),
            # Windows relative to their last value help non-stationary levels (prices).
            "relative": self.boolean(hp, "relative"),
            # Calendar covariates (hour, weekday, ...) help series with a daily rhythm.
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

        zoo_model.fit_preprocessing(data, self.validation)
        keras.utils.set_random_seed(int(zoo_model.hparams["seed"]))
        return zoo_model.build_network()

    def validation_metrics(self, zoo_model: Any, data: Any) -> dict[str, float]:
        """`test_metrics` of the forecaster on its validation tail (`validation_split`,
        with the steps before it as context; or the `validation` series given), its last
        `metric_windows` windows (stride 1); {} when the tail is too short."""
        from zoo.models.forecasting.backtest import series_part

        pre = zoo_model.preprocessor
        validation = self.validation
        if validation is None:
            series = pre.as_series(data)
            _, validation = zoo_model.validation_split(series)
            if validation is not None:
                # The tail's windows, with the context before them that the seasonal
                # baseline needs (a yearly season is longer than the tail): earlier
                # steps of the same series, inputs only, never scored.
                first_target = len(series) - len(validation) + pre.input_width
                validation = series_part(series, max(0, first_target - zoo_model.context()))
        if validation is None:
            return {}
        validation = pre.as_series(validation)
        keep = zoo_model.context() + pre.horizon - 1 + self.metric_windows
        if len(validation) > keep:
            validation = series_part(validation, len(validation) - keep)
        try:
            return self.test_metrics(zoo_model.evaluate(validation))
        except ValueError:  # a tail shorter than a season plus a horizon
            return {}

    def test_metrics(self, report: dict[str, Any]) -> dict[str, float]:
        model, naive = report["model"], report.get("naive", {})
        metrics = {"mae": float(model["mae"]), "mse": float(model["mse"])}
        if naive.get("mae"):
            metrics["naive_mae"] = float(naive["mae"])
            metrics["mae_vs_naive"] = metrics["mae"] / metrics["naive_mae"]
        seasonal = report.get("seasonal_naive", {})
        if seasonal.get("mae") is not None:
            metrics["seasonal_naive_mae"] = float(seasonal["mae"])
            metrics["seasonal_naive_mse"] = float(seasonal["mse"])
        return metrics
