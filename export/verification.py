"""`verify`: a bundle against onnx.checker, its reference data and Keras."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from export.bundle import read_manifest


@dataclass
class OutputCheck:
    """One output of one graph on one input set."""

    graph: str
    output: str
    inputs: str  # which inputs: a reference set, fresh random, real samples
    max_abs: float
    max_rel: float
    ok: bool


@dataclass
class Latency:
    """Median milliseconds per call of each side, one graph, one batch size."""

    graph: str
    batch: int
    onnxruntime_ms: float
    keras_ms: float | None

    @property
    def speedup(self) -> float | None:
        return None if self.keras_ms is None else self.keras_ms / self.onnxruntime_ms


@dataclass
class VerifyReport:
    """What `verify` found; `ok` is False when any check failed."""

    bundle: str
    atol: float
    rtol: float = 0.0
    checker: dict[str, str] = field(default_factory=dict)
    checks: list[OutputCheck] = field(default_factory=list)
    latency: list[Latency] = field(default_factory=list)
    nodes: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(v == "ok" for v in self.checker.values()) and all(c.ok for c in self.checks)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["ok"] = self.ok
        for row, lat in zip(out["latency"], self.latency, strict=True):
            row["speedup"] = lat.speedup
        return out

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2)

    def table(self) -> str:
        """The report as plain-text tables."""
        lines = [
            f"bundle {self.bundle}: {'PASS' if self.ok else 'FAIL'} "
            f"(|onnx - keras| <= {self.atol:g} + {self.rtol:g} * |keras| everywhere)",
            "",
        ]
        for graph, verdict in self.checker.items():
            nodes = self.nodes.get(graph, {})
            lines.append(
                f"onnx.checker (full) {graph}: {verdict}; "
                f"LSTM nodes {nodes.get('lstm', 0)}, Loop nodes {nodes.get('loop', 0)}"
            )
        lines += [
            "",
            f"{'graph':14s}{'output':20s}{'inputs':26s}{'max abs':>11s}{'max rel':>11s}  ok",
        ]
        for c in self.checks:
            lines.append(
                f"{c.graph:14s}{c.output:20s}{c.inputs:26s}{c.max_abs:11.2e}{c.max_rel:11.2e}  "
                f"{'yes' if c.ok else 'NO'}"
            )
        if self.latency:
            lines += [
                "",
                f"{'graph':14s}{'batch':>6s}{'onnxruntime ms':>16s}{'keras ms':>11s}{'speedup':>9s}",
            ]
            for lat in self.latency:
                keras_ms = "-" if lat.keras_ms is None else f"{lat.keras_ms:.3f}"
                speed = "-" if lat.speedup is None else f"{lat.speedup:.1f}x"
                lines.append(
                    f"{lat.graph:14s}{lat.batch:6d}{lat.onnxruntime_ms:16.3f}{keras_ms:>11s}{speed:>9s}"
                )
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def compare(expected: np.ndarray, actual: np.ndarray, atol: float, rtol: float):
    """`(max abs error, max relative error, ok)`: relative to max(|e|, 1e-6);
    ok when |a - e| <= atol + rtol * |e| for every element (numpy.allclose)."""
    expected = np.asarray(expected, dtype=np.float64)
    actual = np.asarray(actual, dtype=np.float64)
    if expected.shape != actual.shape:
        return float("inf"), float("inf"), False
    if expected.size == 0:
        return 0.0, 0.0, True
    diff = np.abs(actual - expected)
    ok = bool(np.all(diff <= atol + rtol * np.abs(expected)))
    return float(diff.max()), float((diff / np.maximum(np.abs(expected), 1e-6)).max()), ok


def read_test_set(directory: Path) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The `input_*.pb` and `output_*.pb` arrays of one test data set."""
    import onnx
    from onnx import numpy_helper

    def load(prefix):
        files = sorted(directory.glob(f"{prefix}_*.pb"), key=lambda p: int(p.stem.split("_")[1]))
        return [numpy_helper.to_array(onnx.load_tensor(str(f))) for f in files]

    return load("input"), load("output")


def median_ms(call, repeats: int) -> float:
    call()  # warm-up
    call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    return float(np.median(times))


def _keras_model(manifest, model):
    import zoo

    if model is not None:
        return model if isinstance(model, zoo.ZooModel) else zoo.load_model(model)
    source = manifest.get("source_model")
    if source and Path(source, "zoo_model.json").is_file():
        return zoo.load_model(source)
    return None


def verify(
    bundle: str | os.PathLike[str],
    model: Any = None,
    atol: float = 1e-5,
    rtol: float = 1e-5,
    latency: bool = True,
    repeats: int = 20,
    batch_sizes: tuple[int, ...] = (1, 32),
    seed: int | None = None,
) -> VerifyReport:
    """Checks every graph of `bundle`.

    * `onnx.checker.check_model(full_check=True)`;
    * onnxruntime on each stored reference set against the Keras outputs
      stored with it;
    * with the Keras model (`model`, or the directory recorded at export):
      onnxruntime against Keras on fresh random inputs and on the real
      samples, and the median latency of each side at each batch size.

    A check passes when |onnx - keras| <= atol + rtol * |keras| for every
    element (numpy.allclose's rule, with its default rtol of 1e-5). rtol
    matters only for large values, such as a big vocabulary's
    log-probabilities (|x| ~ 20): their float32 rounding alone (relative
    ~6e-6 measured) exceeds an absolute 1e-5.
    """
    import onnx

    from export.families import graphs_for
    from export.runtime.graph import OnnxGraph

    bundle = Path(bundle)
    manifest = read_manifest(bundle)
    report = VerifyReport(bundle=str(bundle), atol=atol, rtol=rtol)
    graphs = {}
    for name, entry in manifest["graphs"].items():
        path = bundle / entry["file"]
        try:
            onnx.checker.check_model(str(path), full_check=True)
            report.checker[name] = "ok"
        except Exception as error:  # the checker raises several types
            report.checker[name] = f"failed: {error}"
        report.nodes[name] = {"lstm": entry["lstm_nodes"], "loop": entry["loop_nodes"]}
        graphs[name] = OnnxGraph(path, entry, name)
        names = [i["name"] for i in entry["inputs"]]
        for index in range(entry["test_data_sets"]):
            directory = path.parent / f"test_data_set_{index}"
            inputs, outputs = read_test_set(directory)
            actual = graphs[name].run(dict(zip(names, inputs, strict=True)))
            kind = "real" if entry["real_samples"] and index == 0 else "random"
            for out_name, e, a in zip(entry["outputs"], outputs, actual, strict=True):
                err, rel, ok = compare(e, a, atol, rtol)
                label = f"reference set {index} ({kind})"
                report.checks.append(OutputCheck(name, out_name, label, err, rel, ok))

    keras_model = _keras_model(manifest, model)
    if keras_model is None:
        report.notes.append(
            "the Keras model was not found (pass --model): compared with the stored reference "
            "outputs only, no Keras latency"
        )
    rng = np.random.default_rng(seed)
    specs = {}
    if keras_model is not None:
        specs = {s.name: s for s in graphs_for(keras_model, manifest["streaming"], samples=False)}
        for name, spec in specs.items():
            entry = manifest["graphs"][name]
            feed_sets = [("fresh random", spec.random_feeds(4, rng))]
            if entry["real_samples"]:
                inputs, _ = read_test_set(
                    bundle / entry["file"].rsplit("/", 1)[0] / "test_data_set_0"
                )
                names = [i["name"] for i in entry["inputs"]]
                feed_sets.append(
                    ("real samples, live Keras", dict(zip(names, inputs, strict=True)))
                )
            for label, feeds in feed_sets:
                expected = spec.keras_outputs(feeds)
                actual = graphs[name].run(feeds)
                for out_name, e, a in zip(spec.outputs, expected, actual, strict=True):
                    err, rel, ok = compare(e, a, atol, rtol)
                    report.checks.append(OutputCheck(name, out_name, label, err, rel, ok))
    if latency:
        for name, graph in graphs.items():
            spec = specs.get(name)
            for batch in batch_sizes:
                if spec is not None:
                    feeds = spec.random_feeds(batch, rng)
                else:
                    feeds = _feeds_from_manifest(manifest["graphs"][name], batch, rng)
                onnx_ms = median_ms(lambda: graph.run(feeds), repeats)  # noqa: B023
                keras_ms = None if spec is None else _keras_ms(spec, feeds, repeats)
                report.latency.append(Latency(name, batch, onnx_ms, keras_ms))
    return report


def _feeds_from_manifest(entry, batch, rng):
    from export.convert import InputSpec
    from export.families.spec import GraphSpec, InputDomain

    spec = GraphSpec(
        name="",
        network=None,
        inputs=[InputSpec(i["name"], tuple(i["shape"]), i["dtype"]) for i in entry["inputs"]],
        outputs=entry["outputs"],
        domains={i["name"]: InputDomain(**i["domain"]) for i in entry["inputs"]},
        sizes=entry.get("sizes", {}),
    )
    return spec.random_feeds(batch, rng)


def _keras_ms(spec, feeds, repeats: int) -> float:
    import tensorflow as tf

    network = spec.network
    args = [tf.constant(feeds[i.name]) for i in spec.inputs]

    @tf.function(autograph=False)
    def call(*values):
        return network(values[0] if len(values) == 1 else list(values), training=False)

    return median_ms(lambda: call(*args), repeats)
