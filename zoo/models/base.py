"""`ZooModel`: a Keras model together with everything needed to use it.

A zoo model owns its preprocessing state (vocabulary, scalers, label names,
horizon, ...) next to its `keras.Model`, so that training, evaluation, saving,
loading, export and prediction all go through one object:

    model = zoo.create_model("sentiment-lstm", units=64)
    train, test = model.default_data()
    model.fit(train, epochs=5)
    report = model.evaluate(test)        # the model's metrics and its baselines
    model.save("runs/sentiment")          # model.keras + zoo_model.json
    again = zoo.load_model("runs/sentiment")
    again.predict(["not bad at all"])

A saved model is a directory: `model.keras` (the network, reloadable with
plain `keras.models.load_model`) and `zoo_model.json` (the registry name, the
hyperparameters and the preprocessing state, in plain JSON that a runtime
without TensorFlow can read).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, ClassVar

MODEL_FILE = "model.keras"
STATE_FILE = "zoo_model.json"
FORMAT_VERSION = 1


class ZooModel:
    """Base class of every registered zoo model.

    Subclasses set `task`, implement `build_network` (the `keras.Model` from
    the hyperparameters and the fitted preprocessing), `fit`, `evaluate`,
    `predict`, `default_data` and `load_data`, and keep their fitted
    preprocessing in `preprocessing_state()` / `restore_preprocessing()`.

    Args:
        name: the registry name this model was created under.
        **hparams: hyperparameters; unknown names raise.
    """

    task: ClassVar[str] = ""
    #: Hyperparameters and their defaults; `create_model` overrides them.
    default_hparams: ClassVar[dict[str, Any]] = {}

    def __init__(self, name: str | None = None, **hparams: Any) -> None:
        unknown = sorted(set(hparams) - set(self.default_hparams))
        if unknown:
            known = ", ".join(sorted(self.default_hparams))
            raise ValueError(
                f"{type(self).__name__} has no hyperparameter {unknown[0]!r}; known: {known}."
            )
        self.name = name or type(self).__name__
        self.hparams: dict[str, Any] = {**self.default_hparams, **hparams}
        self.network = None  # the keras.Model, built once preprocessing is fitted
        self.history: dict[str, list[float]] = {}

    # -- to implement ---------------------------------------------------------
    def build_network(self):
        """Returns a compiled `keras.Model` for the current hyperparameters and
        fitted preprocessing."""
        raise NotImplementedError

    def preprocessing_state(self) -> dict[str, Any]:
        """The fitted preprocessing as JSON-serialisable data."""
        raise NotImplementedError

    def restore_preprocessing(self, state: dict[str, Any]) -> None:
        """Inverse of `preprocessing_state`."""
        raise NotImplementedError

    def fit(self, data, epochs: int | None = None, verbose: int | str = 2, **kwargs):
        raise NotImplementedError

    def evaluate(self, data) -> dict[str, Any]:
        raise NotImplementedError

    def predict(self, inputs):
        raise NotImplementedError

    @classmethod
    def default_data(cls, seed: int = 0):
        """`(train, test)` from the family's embedded default (no download)."""
        raise NotImplementedError

    @classmethod
    def load_data(cls, path: str | os.PathLike[str], seed: int = 0):
        """`(train, test)` from a user's file or directory."""
        raise NotImplementedError

    @classmethod
    def register_custom_objects(cls) -> None:
        """Registers the Keras objects a saved network of this class needs
        (called by `load` before the network is read)."""

    def plots(self, data, directory: Path) -> list[Path]:
        """Writes the family's pictures for held-out `data`; returns the paths."""
        return []

    # -- persistence ----------------------------------------------------------
    def _require_network(self) -> None:
        if self.network is None:
            raise RuntimeError(
                f"Model '{self.name}' has not been fitted or loaded yet: call fit() first."
            )

    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Writes `model.keras` and `zoo_model.json` into `directory`.

        The directory is written next to its final place and renamed into it,
        so a failure leaves any earlier save untouched.
        """
        self._require_network()
        directory = Path(directory)
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
        try:
            self.network.save(staging / MODEL_FILE)
            state = {
                "format_version": FORMAT_VERSION,
                "name": self.name,
                "class": f"{type(self).__module__}.{type(self).__qualname__}",
                "task": self.task,
                "hparams": self.hparams,
                "preprocessing": self.preprocessing_state(),
                "history": self.history,
            }
            (staging / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n")
            if directory.exists():
                for item in directory.iterdir():
                    if item.name not in (MODEL_FILE, STATE_FILE):
                        shutil.move(str(item), staging / item.name)
                shutil.rmtree(directory)
            staging.rename(directory)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return directory

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> ZooModel:
        """Loads a directory written by `save` (any zoo model class)."""
        import keras

        import zoo.layers  # noqa: F401  (registers the zoo layers for loading)

        directory = Path(directory)
        state_path = directory / STATE_FILE
        if not state_path.is_file():
            raise FileNotFoundError(
                f"{directory} is not a zoo model directory: {STATE_FILE} is missing."
            )
        state = json.loads(state_path.read_text())
        from zoo.registry import model_class

        klass = model_class(state["name"], state.get("class"))
        model = klass(name=state["name"], **state["hparams"])
        model.restore_preprocessing(state["preprocessing"])
        model.history = state.get("history", {})
        klass.register_custom_objects()
        model.network = keras.models.load_model(directory / MODEL_FILE)
        return model

    def __repr__(self) -> str:
        return f"<{type(self).__name__} '{self.name}' {self.hparams}>"


def load_model(directory: str | os.PathLike[str]) -> ZooModel:
    """Loads a saved zoo model directory (see `ZooModel.save`)."""
    return ZooModel.load(directory)
