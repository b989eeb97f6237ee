"""`OnnxEngine`: a zoo model's inference graphs, run by onnxruntime over a bundle.

A zoo model predicts through `ZooModel.infer(graph, *inputs)`, on Keras by default. The
runtime hands it an engine instead (`model.use_engine(engine)`): any object with
`run(graph, inputs) -> list of arrays`. This one runs the bundle's ONNX graph of that
name (the export writes one per entry of `ZooModel.inference_networks()`):

* the inputs are positional, in the manifest's input order;
* an input whose dtype differs from the graph's only in width (float64 -> float32,
  int64 -> int32, as NumPy code makes them) is cast; any other difference, a wrong
  shape, an empty axis or a non-finite value is refused by `OnnxGraph.run` with an
  `InputError` naming the input;
* the outputs come back in the manifest's output order.

`onnx_engine(model, graphs)` is the `runtime` part a family registers by default
(`zoo.family.Family(runtime="export.runtime.engine:onnx_engine")`). Nothing here imports
TensorFlow or Keras.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from export.runtime.graph import InputError, OnnxGraph

__all__ = ["OnnxEngine", "onnx_engine"]


class OnnxEngine:
    """Runs a bundle's graphs by name (see the module docstring).

    Args:
        graphs: the bundle's checked graphs, by name (`OnnxGraph.from_bundle`).
        model: the model's name, for messages.
    """

    def __init__(self, graphs: dict[str, OnnxGraph], model: str = "model") -> None:
        self.graphs = dict(graphs)
        self.model = model

    def run(self, graph: str, inputs: list[Any]) -> list[np.ndarray]:
        """The outputs of graph `graph` for `inputs` (positional, in the graph's order).

        Raises:
            KeyError: the bundle has no graph of that name.
            InputError: the wrong number of inputs, or an input the graph refuses.
        """
        if graph not in self.graphs:
            raise KeyError(
                f"the bundle of {self.model!r} has graphs {sorted(self.graphs)}; no {graph!r}"
            )
        onnx = self.graphs[graph]
        names = [spec["name"] for spec in onnx.inputs]
        if len(inputs) != len(names):
            raise InputError(
                f"graph {graph!r} takes {len(names)} inputs {names}; received {len(inputs)}"
            )
        feeds = onnx.coerce(dict(zip(names, inputs, strict=True)))
        return [np.asarray(output) for output in onnx.run(feeds)]

    def __repr__(self) -> str:
        return f"<OnnxEngine {self.model!r} graphs={sorted(self.graphs)}>"


def onnx_engine(model: Any, graphs: dict[str, OnnxGraph]) -> OnnxEngine:
    """The default `runtime` part of a family: onnxruntime over the bundle's graphs."""
    return OnnxEngine(graphs, getattr(model, "name", "model"))
