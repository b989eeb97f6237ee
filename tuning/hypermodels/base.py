"""`ZooHyperModel`: a keras-tuner `HyperModel` over a registered zoo model.

`build(hp)` declares the family's search space, creates the zoo model with
`zoo.create_model(name, **choices)`, fits its preprocessing (vocabulary, scaler, ...) on
the training data and returns its compiled Keras network. `fit(hp, model, data, ...)`
trains that same network through the zoo model's own `fit`, so the family's
preprocessing, validation split and early stopping apply in a search exactly as in
`lstm-zoo train`, and keras-tuner's callbacks (epoch reports, best-epoch checkpoint)
ride along. The fitted zoo model stays in `last_model`, ready for `ZooModel.save`.

Subclasses set the objective and implement `space(hp)` and `prepare(zoo_model, data)`.
"""

from __future__ import annotations

import math
import time
from typing import Any, ClassVar

import keras_tuner

import zoo


class ZooHyperModel(keras_tuner.HyperModel):
    """The search space and training of one registered zoo model.

    Args:
        model_name: a registry name ("sentiment-lstm", "forecast-lstm", ...).
        data: the training data (what the family's `fit` takes); None loads the
            family's embedded default (`default_data()`) when first needed.
        fixed: hyperparameters to hold fixed: a name of the search space becomes an
            `hp.Fixed`, any other hyperparameter of the model is passed as is.
        max_epochs: epochs per trial when the tuner does not say otherwise.
        verbose: Keras verbosity of each fit (0 silent, 2 one line per epoch).
        validation: held-out data to select on instead of the split the family's `fit`
            makes itself (passed to its `fit` as `validation=`; the family must accept
            it): a chronological tail, or sentences that share nothing with training.
    """

    #: The validation metric a search optimises, and its direction.
    objective_name: ClassVar[str] = "val_loss"
    objective_direction: ClassVar[str] = "min"
    #: The family's task metric (what its users read: MAE against naive, accuracy, BLEU,
    #: F1, CER, ...) and its direction; recorded for every trial on the validation split
    #: (`validation_metrics`) and for the best and the defaults' models on the test split
    #: (`test_metrics`). Empty: the family defines none.
    task_metric: ClassVar[str] = ""
    task_direction: ClassVar[str] = "min"

    def __init__(
        self,
        model_name: str,
        data: Any = None,
        *,
        fixed: dict[str, Any] | None = None,
        max_epochs: int = 5,
        verbose: int | str = 0,
        data_defaults: dict[str, Any] | None = None,
        validation: Any = None,
    ) -> None:
        card = zoo.model_card(model_name)  # UnknownModelError with suggestions
        self.model_name = model_name
        #: Hyperparameters the training data set (`ZooModel.data_defaults`, e.g. a
        #: forecaster's window for daily data): the defaults every trial starts from.
        self.data_defaults = dict(data_defaults or {})
        self.defaults: dict[str, Any] = {**card["hyperparameters"], **self.data_defaults}
        self.fixed = dict(fixed or {})
        unknown = sorted(set(self.fixed) - set(self.defaults))
        if unknown:
            raise ValueError(
                f"{model_name} has no hyperparameter {unknown[0]!r}; "
                f"known: {', '.join(sorted(self.defaults))}."
            )
        self.data = data
        self.validation = validation
        self.max_epochs = int(max_epochs)
        self.verbose = verbose
        #: The zoo model of the last `fit` (fitted; `save` it to keep it).
        self.last_model = None
        #: Which execution of a trial is built (its seed is the model's seed plus this).
        self.execution = 0
        #: Seconds the last `fit` spent in the zoo model's own `fit`, and the last `build`.
        self.fit_seconds = 0.0
        self.build_seconds = 0.0
        self._pending: tuple[Any, Any] | None = None
        super().__init__(name=model_name)

    # -- what a family defines ------------------------------------------------------
    def space(self, hp: keras_tuner.HyperParameters) -> dict[str, Any]:
        """Declares the search space on `hp`; returns the zoo hyperparameters it chose."""
        raise NotImplementedError

    def prepare(self, zoo_model: Any, data: Any) -> Any:
        """Fits `zoo_model`'s preprocessing on `data`; returns its compiled network."""
        raise NotImplementedError

    def validation_metrics(self, zoo_model: Any, data: Any) -> dict[str, float]:
        """The task metrics of the fitted `zoo_model` on the validation part of the
        training data `data` that its `fit` held out (named as in `test_metrics`, with
        `task_metric` among them); {} when the family defines none."""
        return {}

    def held_out(self, zoo_model: Any, data: Any) -> Any:
        """The data the trial selects on: the `validation` given to the search, else the
        part of `data` that `zoo_model.validation_split` holds out."""
        if self.validation is not None:
            return self.validation
        return zoo_model.validation_split(data)[1]

    def test_metrics(self, report: dict[str, Any]) -> dict[str, float]:
        """The task metrics (and the baselines' figures beside them) from the family's
        `evaluate` report on held-out data; {} when the family defines none."""
        return {}

    # -- helpers for `space` --------------------------------------------------------
    def choice(self, hp, name: str, values: list[Any]) -> Any:
        """`hp.Choice(name, values)` defaulting to the model's own default (added to
        the values when missing), or `hp.Fixed` when `name` is held fixed."""
        if name in self.fixed:
            return hp.Fixed(name, self.fixed[name])
        default = self.defaults[name]
        if default not in values:
            values = sorted([*values, default]) if _sortable(values, default) else [*values]
        return hp.Choice(name, values, default=default)

    def integer(self, hp, name: str, low: int, high: int, step: int = 1) -> int:
        """`hp.Int(name, low, high, step)` with the model's default, or `hp.Fixed`."""
        if name in self.fixed:
            return hp.Fixed(name, self.fixed[name])
        return hp.Int(name, low, high, step=step, default=int(self.defaults[name]))

    def boolean(self, hp, name: str) -> bool:
        """`hp.Boolean(name)` with the model's default, or `hp.Fixed`."""
        if name in self.fixed:
            return hp.Fixed(name, bool(self.fixed[name]))
        return hp.Boolean(name, default=bool(self.defaults[name]))

    def log_float(self, hp, name: str, low: float, high: float) -> float:
        """`hp.Float(name, low, high, sampling="log")` with the model's default."""
        if name in self.fixed:
            return hp.Fixed(name, float(self.fixed[name]))
        return hp.Float(name, low, high, sampling="log", default=float(self.defaults[name]))

    # -- keras-tuner's interface ----------------------------------------------------
    @property
    def objective(self) -> keras_tuner.Objective:
        return keras_tuner.Objective(self.objective_name, self.objective_direction)

    def training_data(self) -> Any:
        """The data trials train on (the embedded default when none was given)."""
        if self.data is None:
            self.data = self.create(self.default_choices()).default_data()[0]
        return self.data

    def default_choices(self) -> dict[str, Any]:
        """The zoo hyperparameters of the space's default point."""
        return self.space(keras_tuner.HyperParameters())

    def create(self, choices: dict[str, Any]) -> Any:
        """The zoo model for `choices`, with the fixed hyperparameters on top; execution
        `k` of a trial gets seed `seed + k` (initialisation, shuffling and the family's
        validation split), so that executions differ unless the seed is fixed."""
        constants = {k: v for k, v in self.data_defaults.items() if k not in choices}
        constants.update({k: v for k, v in self.fixed.items() if k not in choices})
        if self.execution and "seed" not in self.fixed:
            constants["seed"] = int(self.defaults["seed"]) + self.execution
        return zoo.create_model(self.model_name, **{**choices, **constants})

    def build(self, hp: keras_tuner.HyperParameters) -> Any:
        start = time.perf_counter()
        zoo_model = self.create(self.space(hp))
        network = self.prepare(zoo_model, self.training_data())
        self._pending = (network, zoo_model)
        self.build_seconds = time.perf_counter() - start
        return network

    def fit(
        self, hp: keras_tuner.HyperParameters, model: Any, *args: Any, **kwargs: Any
    ) -> dict[str, float]:
        """Trains `model` (the network `build` returned) through its zoo model's `fit`.

        `epochs` (default `max_epochs`), `initial_epoch` (Hyperband: the network already
        carries that many epochs of training) and `callbacks` come from the tuner; the
        data is the first positional argument (default: `training_data()`).

        Returns:
            The metrics of the epoch with the best objective (keras-tuner's format).
        """
        zoo_model = self._take(model)
        data = args[0] if args else kwargs.pop("x", None)
        data = self.training_data() if data is None else data
        epochs = int(kwargs.pop("epochs", None) or self.max_epochs)
        initial = int(kwargs.pop("initial_epoch", 0) or 0)
        callbacks = list(kwargs.pop("callbacks", None) or [])
        # The zoo model's fit refits the preprocessing (same data, same result) and then
        # trains the network it is given: the one keras-tuner built, checked and, for
        # Hyperband, loaded with the previous round's weights.
        extra = {} if self.validation is None else {"validation": self.validation}
        start = time.perf_counter()
        history = zoo_model.fit(
            data,
            epochs=max(1, epochs - initial),
            verbose=self.verbose,
            network=model,
            callbacks=callbacks,
            **extra,
        )
        self.fit_seconds = time.perf_counter() - start
        self.last_model = zoo_model
        return best_epoch_metrics(history, self.objective_name, self.objective_direction)

    def _take(self, network):
        if self._pending is None or self._pending[0] is not network:
            raise ValueError(
                "fit() trains the network returned by this hypermodel's last build(hp); "
                "build it first."
            )
        zoo_model = self._pending[1]
        self._pending = None
        return zoo_model

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.model_name!r} objective={self.objective_name}>"


def best_epoch_metrics(
    history: dict[str, list[float]], objective: str, direction: str
) -> dict[str, float]:
    """The metrics of the epoch whose `objective` is best (NaN epochs never win).

    Raises:
        ValueError: the history has no `objective` (e.g. the data was too small for a
            validation split).
    """
    values = history.get(objective)
    if not values:
        raise ValueError(
            f"training reported no {objective!r} (metrics: {sorted(history) or 'none'}); "
            "is the training data large enough for a validation split?"
        )
    sign = 1.0 if direction == "min" else -1.0
    finite = [i for i, v in enumerate(values) if not math.isnan(v)]
    best = min(finite, key=lambda i: sign * values[i]) if finite else len(values) - 1
    return {name: float(series[best]) for name, series in history.items() if len(series) > best}


def _sortable(values: list[Any], default: Any) -> bool:
    items = [*values, default]
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in items)
