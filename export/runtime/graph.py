"""One ONNX graph of a bundle in onnxruntime, with its inputs checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from export.bundle import BundleError


class InputError(ValueError):
    """An input of the wrong name, shape or dtype given to a graph."""


class OnnxGraph:
    """An onnxruntime session over `<bundle>/<graph>/model.onnx`.

    `run(feeds)` checks every input's dtype and shape against the manifest
    (`-1`/None axes are free) and raises `InputError` naming the input, what
    it expects and what it received.
    """

    def __init__(self, path: Path, entry: dict[str, Any], name: str = "network") -> None:
        import onnxruntime as ort

        self.name = name
        self.path = Path(path)
        self.inputs = entry["inputs"]
        self.outputs = entry["outputs"]
        options = ort.SessionOptions()
        options.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(
                str(self.path), options, providers=["CPUExecutionProvider"]
            )
        except Exception as error:  # onnxruntime raises its own types
            raise BundleError(f"{self.path}: onnxruntime cannot load the graph: {error}") from None

    def _check(self, name: str, spec: dict[str, Any], value: Any) -> np.ndarray:
        array = np.asarray(value)
        expected = [d if d is not None and d >= 0 else None for d in spec["shape"]]
        shown = "[" + ", ".join("?" if d is None else str(d) for d in expected) + "]"
        if array.dtype != np.dtype(spec["dtype"]):
            raise InputError(
                f"input {name!r} of graph {self.name!r}: expected dtype {spec['dtype']} "
                f"shape {shown}, received dtype {array.dtype} shape {list(array.shape)}"
            )
        if array.ndim != len(expected) or any(
            e is not None and e != a for e, a in zip(expected, array.shape)
        ):
            raise InputError(
                f"input {name!r} of graph {self.name!r}: expected shape {shown} "
                f"({spec['dtype']}), received shape {list(array.shape)}"
            )
        return array

    def run(self, feeds: dict[str, Any]) -> list[np.ndarray]:
        """The graph's outputs (in manifest order) for `feeds` (name -> array)."""
        names = [spec["name"] for spec in self.inputs]
        missing = [n for n in names if n not in feeds]
        extra = [n for n in feeds if n not in names]
        if missing or extra:
            raise InputError(
                f"graph {self.name!r} takes inputs {names}; "
                + (f"missing {missing}" if missing else f"unknown {extra}")
            )
        checked = {s["name"]: self._check(s["name"], s, feeds[s["name"]]) for s in self.inputs}
        return self.session.run(self.outputs, checked)

    def coerce(self, feeds: dict[str, Any]) -> dict[str, np.ndarray]:
        """`feeds` cast to the graph's dtypes where only the width differs
        (float64 -> float32, int64 -> int32), as the zoo's NumPy code makes them."""
        out = {}
        for spec in self.inputs:
            array = np.asarray(feeds[spec["name"]])
            target = np.dtype(spec["dtype"])
            if array.dtype != target and array.dtype.kind == target.kind:
                array = array.astype(target)
            out[spec["name"]] = array
        return out


class NetworkAdapter:
    """Lets a zoo model's own prediction code call a one-input, one-output
    ONNX graph where it would call its Keras network (`network(x)` and
    `network.predict(x)`)."""

    def __init__(self, graph: OnnxGraph) -> None:
        self.graph = graph
        self.input_name = graph.inputs[0]["name"]

    def __call__(self, x, training: bool = False) -> np.ndarray:
        return self.predict(x)

    def predict(self, x, batch_size: int | None = None, verbose: int = 0) -> np.ndarray:
        feeds = self.graph.coerce({self.input_name: x})
        return self.graph.run(feeds)[0]

    def save(self, *_args, **_kwargs):
        raise RuntimeError("a runtime model wraps ONNX graphs; there is no Keras network to save")
