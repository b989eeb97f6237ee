"""One ONNX graph of a bundle in onnxruntime, with its identity and inputs checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from export.bundle import BundleError, BundleIntegrityError, read_bundle_file
from zoo.jsonfile import read_bounded

#: ONNX's own limit on a serialised model (protobuf).
MAX_GRAPH_BYTES = 2**31 - 1
_ORT_TYPES = {
    "tensor(float)": "float32",
    "tensor(double)": "float64",
    "tensor(int32)": "int32",
    "tensor(int64)": "int64",
    "tensor(bool)": "bool",
}


def session_options(has_loop: bool):
    """onnxruntime session options for a graph. A graph with a `Loop` runs with one
    intra-op thread: the thread pool synchronises at every op of every step, which
    costs more than the small per-step ops gain (the lean `LayerNormLSTM` loop,
    batch 1, T=100, on the 2-core CI machine under load: 2.3 ms with one thread,
    15.8 ms with the default pool; fused graphs are unaffected either way)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    if has_loop:
        options.intra_op_num_threads = 1
    return options


class InputError(ValueError):
    """An input of the wrong name, shape or dtype given to a graph, an empty
    batch or axis, or a non-finite value."""


class OnnxGraph:
    """An onnxruntime session over one graph of a bundle (`<graph>/model.onnx`).

    The session is made from the bytes that were checked (`data`; by
    default the file at `path`, read with a size bound), never by reopening
    the file, and a graph may not use external data files. `run(feeds)`
    checks every input's dtype and shape against the manifest (`-1`/None
    axes are free), refuses an empty axis (a zero-row batch or window,
    which onnxruntime may crash on) and non-finite floats, and raises
    `InputError` naming the input, what it expects and what it received.
    """

    def __init__(
        self,
        path: Path,
        entry: dict[str, Any],
        name: str = "network",
        data: bytes | None = None,
    ) -> None:
        import onnxruntime as ort

        self.name = name
        self.path = Path(path)
        self.inputs = entry["inputs"]
        self.outputs = entry["outputs"]
        if data is None:
            data = read_bounded(self.path, MAX_GRAPH_BYTES, BundleError, what="ONNX graph")
        options = session_options(entry.get("loop_nodes", 0) > 0)
        try:
            self.session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
        except Exception as error:  # onnxruntime raises its own types
            message = " ".join(str(error).split())[:300]
            raise BundleError(
                f"{self.path}: onnxruntime cannot load the graph: {message}"
            ) from None

    @classmethod
    def from_bundle(
        cls, bundle: str | Path, manifest: dict[str, Any], name: str, original: bool = False
    ) -> OnnxGraph:
        """Graph `name` of a bundle whose manifest `read_manifest` returned: its
        bytes checked against the manifest's digest, then its metadata, input
        and output names compared with the manifest (`check_identity`).
        `original`: an int8 bundle's float original of the graph instead."""
        bundle = Path(bundle)
        entry = manifest["graphs"][name]
        file, field = entry["file"], f"graphs.{name}.file"
        if original:
            file = manifest["quantization"]["float_graphs"][name]["file"]
            field = f"quantization.float_graphs.{name}.file"
        data = read_bundle_file(bundle, manifest, file, field)
        graph = cls(bundle / file, entry, name, data=data)
        graph.check_identity(manifest["name"], manifest["task"])
        return graph

    def check_identity(self, model: str, task: str) -> None:
        """The graph is the one the manifest describes: its `lstm_zoo.*`
        metadata names this model, task and graph, and its inputs (names,
        dtypes, ranks) and outputs are the manifest's.

        Raises:
            BundleIntegrityError: naming the file and what differs.
        """
        where = f"{self.path}: not the graph the manifest describes"
        meta = self.session.get_modelmeta().custom_metadata_map
        for key, expected in (
            ("lstm_zoo.model", model),
            ("lstm_zoo.task", task),
            ("lstm_zoo.graph", self.name),
        ):
            if meta.get(key) != expected:
                found = "missing" if key not in meta else repr(meta[key])[:60]
                raise BundleIntegrityError(
                    f"{where}: its metadata {key} is {found}, the manifest says {expected!r} "
                    "(another model's graph?); re-export the bundle"
                )
        actual = self.session.get_inputs()
        names = [i.name for i in actual]
        if names != [i["name"] for i in self.inputs]:
            raise BundleIntegrityError(
                f"{where}: it takes inputs {names}, the manifest says "
                f"{[i['name'] for i in self.inputs]}; re-export the bundle"
            )
        for node, spec in zip(actual, self.inputs, strict=True):
            dtype = _ORT_TYPES.get(node.type, node.type)
            if dtype != spec["dtype"] or len(node.shape) != len(spec["shape"]):
                raise BundleIntegrityError(
                    f"{where}: input {node.name!r} is {dtype} of rank {len(node.shape)}, the "
                    f"manifest says {spec['dtype']} of rank {len(spec['shape'])}"
                )
        outputs = [o.name for o in self.session.get_outputs()]
        missing = [o for o in self.outputs if o not in outputs]
        if missing:
            raise BundleIntegrityError(
                f"{where}: it has outputs {outputs}, the manifest asks for {self.outputs}"
            )

    def _check(self, name: str, spec: dict[str, Any], value: Any) -> np.ndarray:
        try:
            array = np.asarray(value)
        except (TypeError, ValueError) as error:
            raise InputError(
                f"input {name!r} of graph {self.name!r}: not an array ({error})"
            ) from None
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
        if 0 in array.shape:
            raise InputError(
                f"input {name!r} of graph {self.name!r}: received shape {list(array.shape)}, "
                "with an empty axis (an empty batch or window); nothing to run"
            )
        if array.dtype.kind == "f" and not np.isfinite(array).all():
            raise InputError(f"input {name!r} of graph {self.name!r}: holds NaN or infinite values")
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
