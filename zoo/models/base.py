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
from pathlib import Path
from typing import Any, ClassVar

from zoo.hparams import check_hparams

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
    #: The type and range of each hyperparameter (`zoo.hparams`), checked on creation.
    hparam_specs: ClassVar[dict[str, Any]] = {}

    def __init__(self, name: str | None = None, **hparams: Any) -> None:
        unknown = sorted(set(hparams) - set(self.default_hparams))
        if unknown:
            known = ", ".join(sorted(self.default_hparams))
            raise ValueError(
                f"{type(self).__name__} has no hyperparameter {unknown[0]!r}; known: {known}."
            )
        self.name = name or type(self).__name__
        self.hparams: dict[str, Any] = check_hparams(
            self.name, self.hparam_specs, {**self.default_hparams, **hparams}
        )
        self.network = None  # the keras.Model, built once preprocessing is fitted
        self.history: dict[str, list[float]] = {}
        #: What prediction runs on: None for the Keras networks (`KerasEngine`), or an
        #: engine handed in with `use_engine` (the runtime's onnxruntime over a bundle).
        self.engine = None
        #: Hyperparameters the data set when they were not given (`load_data` may fill
        #: them, e.g. a forecaster's window from the series' frequency); a search
        #: starts from them too.
        self.data_defaults: dict[str, Any] = {}
        #: Lines `train` prints about what was inferred from the data.
        self.data_notes: list[str] = []

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

    # -- inference ------------------------------------------------------------
    def inference_networks(self) -> dict[str, Any]:
        """The Keras networks prediction runs, by graph name; the export writes one ONNX
        graph of the same name for each (default: `{"network": self.network}`)."""
        self._require_network()
        return {"network": self.network}

    def use_engine(self, engine: Any) -> None:
        """Runs prediction on `engine` instead of the Keras networks: any object with
        `run(graph, inputs) -> list of arrays` over the graphs of `inference_networks`
        (the runtime hands in onnxruntime over a bundle's graphs). None: back to Keras."""
        self.engine = engine

    def infer(self, graph: str, *inputs: Any) -> list[Any]:
        """The outputs of the inference graph `graph` for `inputs`, on the model's engine."""
        engine = self.engine if self.engine is not None else KerasEngine(self)
        return engine.run(graph, list(inputs))

    # -- persistence ----------------------------------------------------------
    def _require_network(self) -> None:
        if self.network is None:
            raise RuntimeError(
                f"Model '{self.name}' has not been fitted or loaded yet: call fit() first."
            )

    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Writes `model.keras`, `zoo_model.json` and the `.lstm-zoo` marker into
        `directory`, atomically.

        The files are written into a hidden staging folder beside `directory`
        (`.NAME.staging.PID-*`, removed on failure, and by the next save there if a
        kill leaves it) and renamed into place. An earlier model directory of ours there
        (it carries the marker) is replaced as a whole; an empty folder is used; any
        other non-empty folder, a file, the working directory, its parents and the home
        directory are refused with `zoo.outputs.OutputError`: nothing that lstm-zoo did
        not write is ever moved or deleted.
        """
        from zoo import outputs

        self._require_network()
        with outputs.staged(directory, outputs.MODEL, overwrite=True, owner=self.name) as staging:
            self.save_into(staging)
        return Path(directory)

    def save_into(self, directory: str | os.PathLike[str]) -> None:
        """Writes `model.keras` and `zoo_model.json` into the existing folder
        `directory`, in place (`save` wraps this in a staging folder)."""
        self._require_network()
        directory = Path(directory)
        self.network.save(directory / MODEL_FILE)
        state = {
            "format_version": FORMAT_VERSION,
            "name": self.name,
            "class": f"{type(self).__module__}.{type(self).__qualname__}",
            "task": self.task,
            "hparams": self.hparams,
            "preprocessing": self.preprocessing_state(),
            "history": self.history,
        }
        (directory / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n")

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> ZooModel:
        """Loads a directory written by `save` (any registered zoo model).

        Nothing named in the files is imported: the model resolves through
        the registry only, `zoo_model.json` is validated against its schema
        before use, and `model.keras` is read with Keras' safe mode (see
        `zoo.models.loading`).

        Raises:
            FileNotFoundError: no such directory, or no `zoo_model.json` in it.
            zoo.models.loading.ModelFileError: a `ValueError` naming the file
                and field that cannot be used.
        """
        from zoo.models.loading import load_directory

        return load_directory(directory)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} '{self.name}' {self.hparams}>"


class KerasEngine:
    """Runs a zoo model's inference graphs with Keras (the default engine)."""

    #: Batches up to this size run as one call; larger ones through `predict`.
    DIRECT_BATCH = 512

    def __init__(self, model: ZooModel) -> None:
        self.model = model

    def run(self, graph: str, inputs: list[Any]) -> list[Any]:
        import numpy as np

        networks = self.model.inference_networks()
        if graph not in networks:
            raise KeyError(f"model {self.model.name!r} has graphs {sorted(networks)}; no {graph!r}")
        network = networks[graph]
        arguments = inputs[0] if len(inputs) == 1 else inputs
        if len(np.asarray(inputs[0])) <= self.DIRECT_BATCH:
            result = network(arguments, training=False)
        else:
            result = network.predict(arguments, batch_size=self.DIRECT_BATCH, verbose=0)
        result = result if isinstance(result, (list, tuple)) else [result]
        return [np.asarray(r) for r in result]


def load_model(directory: str | os.PathLike[str]) -> ZooModel:
    """Loads a saved zoo model directory (see `ZooModel.save`)."""
    return ZooModel.load(directory)
