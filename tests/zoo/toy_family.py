"""A whole model family defined outside the project's files: sequence regression.

The task: the mean of a generated sequence of numbers, whose length varies. The family
is what `docs/adding-a-family.md` walks through: a `ZooModel` on zoo layers, a public
preprocessor free of TensorFlow, a keras-tuner HyperModel, the graphs to export, the
command line's reading and showing of `predict`, and one `Family` registration naming
them by "module:attribute". `test_family_contract.py` registers it and runs the generic
`train`, save/load, `tune`, `export`, `verify` and `predict` on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from zoo.data.reading import read_lines
from zoo.family import Family
from zoo.hparams import integer, number
from zoo.models.base import ZooModel
from zoo.models.predict_cli import PredictCommandLine

TASK = "sequence-mean"
NAME = "sequence-mean-lstm"
LENGTH = 12  # every sequence is padded (on the left, with zeros) to this length


@dataclass
class Sequences:
    """Sequences `[n, LENGTH]` (left-padded with zeros) and their targets `[n]`."""

    x: np.ndarray
    y: np.ndarray
    source: str = "generated sequences"

    def __len__(self) -> int:
        return len(self.x)


def generate(n: int, seed: int = 0) -> Sequences:
    rng = np.random.default_rng(seed)
    x = np.zeros((n, LENGTH), np.float32)
    for row, length in enumerate(rng.integers(3, LENGTH + 1, size=n)):
        x[row, LENGTH - length :] = rng.normal(2.0, 1.5, size=length)
    counts = np.maximum((x != 0).sum(axis=1), 1)
    return Sequences(x, (x.sum(axis=1) / counts).astype(np.float32))


def parse(text: str, where: str) -> np.ndarray:
    """One sequence from "0.5,1.2,3" (at most LENGTH numbers), left-padded."""
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ValueError(f"{where}: expected numbers separated by commas") from None
    if not 1 <= len(values) <= LENGTH or not all(math.isfinite(v) for v in values):
        raise ValueError(f"{where}: expected 1 to {LENGTH} finite numbers")
    row = np.zeros(LENGTH, np.float32)
    row[LENGTH - len(values) :] = values
    return row


class TargetScaler:
    """The family's preprocessor (NumPy only): standardises the targets."""

    def __init__(self, mean: float = 0.0, scale: float = 1.0) -> None:
        self.mean, self.scale = mean, scale

    def fit(self, y: np.ndarray) -> TargetScaler:
        self.mean, self.scale = float(np.mean(y)), float(np.std(y) or 1.0)
        return self

    def transform(self, y: np.ndarray) -> np.ndarray:
        return ((y - self.mean) / self.scale).astype(np.float32)

    def inverse_transform(self, z: np.ndarray) -> np.ndarray:
        return z * self.scale + self.mean

    def to_config(self) -> dict[str, float]:
        return {"mean": self.mean, "scale": self.scale}

    @classmethod
    def from_config(cls, config: dict[str, float]) -> TargetScaler:
        return cls(config["mean"], config["scale"])


#: The JSON Schema of the saved preprocessing (the family's `preprocessing_schema`).
PREPROCESSING_SCHEMA = {
    "type": "object",
    "required": ["mean", "scale"],
    "properties": {"mean": {"type": "number"}, "scale": {"type": "number", "exclusiveMinimum": 0}},
}


class SequenceMeanRegressor(ZooModel):
    """A zoo LSTM over the sequence, a dense head: the sequence's mean."""

    task: ClassVar[str] = TASK
    default_hparams: ClassVar[dict[str, Any]] = {
        "units": 16,
        "learning_rate": 0.01,
        "epochs": 3,
        "batch_size": 32,
        "val_fraction": 0.2,
        "seed": 0,
    }
    hparam_specs: ClassVar[dict[str, Any]] = {
        "units": integer(1),
        "learning_rate": number(0, 1, low_open=True),
        "epochs": integer(1),
        "batch_size": integer(1),
        "val_fraction": number(0, 1, low_open=True, high_open=True),
        "seed": integer(0),
    }

    def __init__(self, name: str | None = None, **hparams: Any) -> None:
        super().__init__(name, **hparams)
        self.preprocessor = TargetScaler()

    def fit_preprocessing(self, data: Sequences) -> None:
        self.preprocessor.fit(data.y)

    def preprocessing_state(self) -> dict[str, Any]:
        return self.preprocessor.to_config()

    def restore_preprocessing(self, state: dict[str, Any]) -> None:
        self.preprocessor = TargetScaler.from_config(state)

    def build_network(self):
        import keras

        import zoo.layers as zl

        keras.utils.set_random_seed(self.hparams["seed"])
        inputs = keras.Input((LENGTH,), name="sequence")
        x = keras.layers.Reshape((LENGTH, 1))(inputs)
        x = keras.layers.Masking(0.0)(x)
        x = zl.LSTM(self.hparams["units"], name="lstm_1")(x)
        network = keras.Model(inputs, keras.layers.Dense(1, name="head")(x), name="mean")
        network.compile(keras.optimizers.Adam(self.hparams["learning_rate"]), "mse")
        return network

    def fit(self, data: Sequences, epochs=None, verbose=2, network=None, **kwargs):
        self.fit_preprocessing(data)
        self.network = network if network is not None else self.build_network()
        self.use_engine(None)
        cut = max(1, int(len(data) * (1 - self.hparams["val_fraction"])))
        y = self.preprocessor.transform(data.y)
        history = self.network.fit(
            data.x[:cut],
            y[:cut],
            validation_data=(data.x[cut:], y[cut:]),
            epochs=epochs or self.hparams["epochs"],
            batch_size=self.hparams["batch_size"],
            verbose=verbose,
            **kwargs,
        )
        self.history = {k: [float(v) for v in vs] for k, vs in history.history.items()}
        return self.history

    def predict(self, inputs: Any) -> np.ndarray:
        x = inputs.x if isinstance(inputs, Sequences) else np.asarray(inputs, np.float32)
        if x.ndim != 2 or x.shape[1] != LENGTH or len(x) == 0:
            raise ValueError(f"{self.name} predicts from sequences [n, {LENGTH}]")
        (scaled,) = self.infer("network", x)
        return self.preprocessor.inverse_transform(np.asarray(scaled)[:, 0])

    def evaluate(self, data: Sequences) -> dict[str, Any]:
        error = self.predict(data) - data.y
        mean = np.full_like(data.y, self.preprocessor.mean) - data.y
        return {
            "model": {"mae": float(np.mean(np.abs(error)))},
            "train_mean": {"mae": float(np.mean(np.abs(mean)))},
        }

    @classmethod
    def default_data(cls, seed: int = 0) -> tuple[Sequences, Sequences]:
        return generate(600, seed), generate(100, seed + 1)

    @classmethod
    def load_data(cls, path, seed: int = 0) -> tuple[Sequences, Sequences]:
        """A text file: one sequence per line, numbers separated by commas."""
        rows = [parse(text, f"{Path(path).name}: line {n}") for n, text in read_lines(path)]
        if len(rows) < 10:
            raise ValueError(f"{Path(path).name}: need at least 10 sequences, found {len(rows)}")
        x = np.stack(rows)
        counts = np.maximum((x != 0).sum(axis=1), 1)
        data = Sequences(x, (x.sum(axis=1) / counts).astype(np.float32), str(path))
        cut = int(len(data) * 0.8)
        return Sequences(x[:cut], data.y[:cut], str(path)), Sequences(x[cut:], data.y[cut:])


def export_graphs(model: SequenceMeanRegressor, streaming: bool = False, samples=None):
    """The family's `export_graphs`: one `network` graph, real samples from its test data."""
    from export.convert import InputSpec
    from export.families.spec import GraphSpec

    if streaming:
        raise ValueError(f"{model.name} has no streaming graph")
    real = generate(4, seed=9).x if samples is None else np.asarray(samples, np.float32)
    return [
        GraphSpec(
            name="network",
            network=model.network,
            inputs=[InputSpec("sequence", (None, LENGTH))],
            outputs=["mean_scaled"],
            real=None if samples is False else {"sequence": real},
        )
    ]


def hypermodel():
    """The family's keras-tuner HyperModel class (built on first use: keras-tuner is
    imported only when a search runs)."""
    from tuning.hypermodels.base import ZooHyperModel

    class SequenceMeanHyperModel(ZooHyperModel):
        objective_name = "val_loss"
        objective_direction = "min"

        def space(self, hp) -> dict[str, Any]:
            return {
                "units": self.choice(hp, "units", [8, 16]),
                "learning_rate": self.log_float(hp, "learning_rate", 1e-3, 3e-2),
            }

        def prepare(self, zoo_model, data):
            zoo_model.fit_preprocessing(data)
            return zoo_model.build_network()

    return SequenceMeanHyperModel


class SequenceCommandLine(PredictCommandLine):
    """`lstm-zoo predict BUNDLE "0.5,1,2" ...`: one mean per sequence."""

    def inputs(self, texts: list[str], file: Path | None, predictor: Any) -> np.ndarray:
        rows = [parse(t, f"sequence argument {i}") for i, t in enumerate(texts or [], 1)]
        if file is not None:
            rows += [parse(t, f"{file.name}: line {n}") for n, t in read_lines(file)]
        if not rows:
            raise ValueError("nothing to predict: give sequences as arguments or --file")
        return np.stack(rows)

    def show(self, inputs: np.ndarray, results: np.ndarray) -> list[str]:
        return [f"{value:.4f}" for value in results]


COMMAND_LINE = SequenceCommandLine()


def family(module: str) -> Family:
    """The registration, with references into `module` (this file as imported)."""
    return Family(
        task=TASK,
        hypermodel=f"{module}:SEQUENCE_HYPERMODEL",
        export_graphs=f"{module}:export_graphs",
        runtime="export.runtime.engine:onnx_engine",
        cli=f"{module}:COMMAND_LINE",
        preprocessing_schema=f"{module}:PREPROCESSING_SCHEMA",
        summary="Sequence regression: the mean of a variable-length sequence.",
    )


def __getattr__(name: str) -> Any:
    if name == "SEQUENCE_HYPERMODEL":  # resolved lazily, like every family part
        return hypermodel()
    raise AttributeError(name)
