"""`GraphSpec`: one graph of a bundle, and how to make inputs for it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from export.convert import InputSpec


@dataclass
class InputDomain:
    """Values a random test input may take: `normal` floats, token `ids` in
    `[low, high)`, or a boolean `mask` whose first step is always valid."""

    kind: str = "normal"
    low: int = 0
    high: int = 1

    def sample(self, shape: tuple[int, ...], dtype: str, rng: np.random.Generator) -> np.ndarray:
        if self.kind == "ids":
            return rng.integers(self.low, self.high, size=shape).astype(dtype)
        if self.kind == "mask":
            mask = rng.random(shape) < 0.8
            mask[:, 0] = True
            return mask
        return rng.normal(size=shape).astype(dtype)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "low": self.low, "high": self.high}


@dataclass
class GraphSpec:
    """A Keras graph to export, with named inputs and outputs.

    `sizes` fixes the dynamic axes other than batch when random inputs are
    made (e.g. the source length); `real` holds feeds made from real samples.
    """

    name: str
    network: object  # keras.Model
    inputs: list[InputSpec]
    outputs: list[str]
    domains: dict[str, InputDomain] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    real: dict[str, np.ndarray] | None = None

    def random_feeds(self, batch: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Random inputs for `batch` rows, consistent across inputs."""
        feeds = {}
        for spec in self.inputs:
            shape = tuple(
                batch if i == 0 else (dim if dim is not None else self.sizes.get("time", 7))
                for i, dim in enumerate(spec.shape)
            )
            domain = self.domains.get(spec.name, InputDomain())
            feeds[spec.name] = domain.sample(shape, spec.dtype, rng)
        return feeds

    def keras_outputs(self, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        """The Keras graph's outputs for `feeds`, in `outputs` order."""
        args = [feeds[i.name] for i in self.inputs]
        result = self.network(args[0] if len(args) == 1 else args, training=False)
        result = result if isinstance(result, (list, tuple)) else [result]
        return [np.asarray(r) for r in result]


def stream_states(model) -> list[InputSpec]:
    """The explicit state inputs of a `stream` graph: `h1, c1, h2, c2, ...`, one pair per
    recurrent layer of `model` (`recurrent_layers()`), each `(batch, units)`; the graph
    returns them as `h1_out, c1_out, ...`."""
    units = [layer.cell.units for layer in model.recurrent_layers()]
    return [InputSpec(f"{kind}{i}", (None, u)) for i, u in enumerate(units, 1) for kind in "hc"]
