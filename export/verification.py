"""`verify`: a bundle against onnx.checker, its reference data and Keras."""

from __future__ import annotations

import json
import os
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from export.bundle import (
    MANIFEST,
    BundleError,
    BundleIntegrityError,
    read_bundle_file,
    read_manifest,
)


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

    quantized: Any = None  # export.quantized.QuantizedReport of an int8 bundle

    @property
    def ok(self) -> bool:
        return (
            all(v == "ok" for v in self.checker.values())
            and all(c.ok for c in self.checks)
            and (self.quantized is None or self.quantized.ok)
        )

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["ok"] = self.ok
        if self.quantized is not None:
            out["quantized"] = self.quantized.as_dict()
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
        if self.quantized is not None:
            lines += self.quantized.lines()
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


def read_test_set(
    bundle: Path, manifest: dict[str, Any], graph: str, index: int
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The `input_<i>.pb` and `output_<i>.pb` arrays of test data set `index`
    of `graph`: exactly the files the manifest lists, each checked against
    its digest as it is read (a stray extra file is never used).

    Raises:
        BundleIntegrityError: a file is missing, modified or not a tensor.
    """
    import onnx
    from onnx import numpy_helper

    entry = manifest["graphs"][graph]
    folder = entry["file"].rpartition("/")[0]
    base = f"{folder}/test_data_set_{index}" if folder else f"test_data_set_{index}"

    def load(prefix: str, count: int) -> list[np.ndarray]:
        arrays = []
        for position in range(count):
            relative = f"{base}/{prefix}_{position}.pb"
            data = read_bundle_file(bundle, manifest, relative, f"graphs.{graph}.test_data_sets")
            try:
                arrays.append(numpy_helper.to_array(onnx.load_tensor_from_string(data)))
            except Exception as error:  # protobuf and onnx raise several types
                raise BundleIntegrityError(
                    f"{bundle / relative}: not an ONNX tensor ({type(error).__name__})"
                ) from None
        return arrays

    return load("input", len(entry["inputs"])), load("output", len(entry["outputs"]))


def inspect_graph(
    bundle: Path, manifest: dict[str, Any], name: str
) -> tuple[str, dict[str, int], Any]:
    """`(checker verdict, node counts, OnnxGraph or None)` of one graph.

    The counts are recounted from the graph itself, never taken from the
    manifest; a manifest that claims other counts, a graph whose metadata or
    inputs are not the manifest's, or a graph the full checker refuses makes
    the verdict a failure.
    """
    import onnx

    from export.convert import lstm_nodes, op_counts
    from export.runtime.graph import OnnxGraph

    entry = manifest["graphs"][name]
    data = read_bundle_file(bundle, manifest, entry["file"], f"graphs.{name}.file")
    problems = []
    try:
        proto = onnx.load_model_from_string(data)
        onnx.checker.check_model(proto, full_check=True)
        counts = op_counts(proto)
    except Exception as error:  # the checker and protobuf raise several types
        text = " ".join(str(error).split())[:300] or type(error).__name__
        problems.append(f"{bundle / entry['file']}: {text}")
        counts = {}
    nodes = {"lstm": lstm_nodes(counts), "loop": counts.get("Loop", 0)}
    claimed = {"lstm": entry["lstm_nodes"], "loop": entry["loop_nodes"]}
    if not problems and nodes != claimed:
        problems.append(
            f"{bundle / entry['file']}: the graph has {nodes['lstm']} LSTM and {nodes['loop']} "
            f"Loop node(s), the manifest says {claimed['lstm']} and {claimed['loop']}"
        )
    graph = None
    try:
        graph = OnnxGraph.from_bundle(bundle, manifest, name)
    except BundleError as error:
        problems.append(str(error))
    verdict = "ok" if not problems else "failed: " + "; ".join(problems)
    return verdict, nodes, graph


def inspect_original(
    bundle: Path, manifest: dict[str, Any], name: str
) -> tuple[str, dict[str, int], Any]:
    """`(checker verdict, node counts, OnnxGraph or None)` of an int8 bundle's float
    original of graph `name`."""
    import onnx

    from export.convert import lstm_nodes, op_counts
    from export.runtime.graph import OnnxGraph

    file = manifest["quantization"]["float_graphs"][name]["file"]
    try:
        data = read_bundle_file(bundle, manifest, file, f"quantization.float_graphs.{name}.file")
        proto = onnx.load_model_from_string(data)
        onnx.checker.check_model(proto, full_check=True)
        counts = op_counts(proto)
        nodes = {"lstm": lstm_nodes(counts), "loop": counts.get("Loop", 0)}
        return "ok", nodes, OnnxGraph.from_bundle(bundle, manifest, name, original=True)
    except BundleIntegrityError:
        raise
    except Exception as error:  # the checker, protobuf and onnxruntime raise several types
        text = " ".join(str(error).split())[:300] or type(error).__name__
        return f"failed: {bundle / file}: {text}", {}, None


def median_ms(call, repeats: int) -> float:
    call()  # warm-up
    call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    return float(np.median(times))


def _keras_model(bundle: Path, manifest, model, notes: list[str]):
    """The Keras model to compare with: `model`, else the exported model
    directory if it lies beside the bundle, under the recorded name, with the
    recorded digest of its `model.keras` (no absolute path is recorded)."""
    import zoo
    from export.bundle import sha256
    from zoo.models.base import MODEL_FILE, STATE_FILE

    if model is not None:
        return model if isinstance(model, zoo.ZooModel) else zoo.load_model(model)
    source = manifest.get("source_model")
    if not source:
        return None
    candidate = Path(bundle).absolute().parent / source["directory"]
    network = candidate / MODEL_FILE
    if not (candidate / STATE_FILE).is_file() or not network.is_file() or network.is_symlink():
        return None
    if sha256(network) != source["sha256"]:
        notes.append(
            f"{candidate} is not the model this bundle was exported from (its {MODEL_FILE} "
            "differs): not compared with it"
        )
        return None
    return zoo.load_model(candidate)


def verify(
    bundle: str | os.PathLike[str],
    model: Any = None,
    atol: float = 1e-5,
    rtol: float = 1e-5,
    latency: bool = True,
    repeats: int = 20,
    batch_sizes: tuple[int, ...] = (1, 32),
    seed: int | None = None,
    data: Any = None,
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
    from export.families import graphs_for
    from export.precision import float32_compute
    from export.runtime.graph import InputError
    from zoo.models.loading import model_from_state

    bundle = Path(bundle)
    manifest = read_manifest(bundle)
    bundle_model = model_from_state(manifest, bundle / MANIFEST, BundleIntegrityError)
    derived = _derived_outputs(bundle_model)
    report = VerifyReport(bundle=str(bundle), atol=atol, rtol=rtol)
    quantized = bool(manifest.get("quantization"))
    graphs, floats, references = {}, {}, {}
    for name, entry in manifest["graphs"].items():
        report.checker[name], report.nodes[name], graph = inspect_graph(bundle, manifest, name)
        if graph is None:
            continue
        graphs[name] = graph
        if quantized:
            label = f"{name} (float)"
            report.checker[label], report.nodes[label], original = inspect_original(
                bundle, manifest, name
            )
            if original is None:
                continue
            graph = floats[name] = original
        names = [i["name"] for i in entry["inputs"]]
        for index in range(entry["test_data_sets"]):
            inputs, outputs = read_test_set(bundle, manifest, name, index)
            references.setdefault(name, []).append(dict(zip(names, inputs, strict=True)))
            try:
                actual = graph.run(dict(zip(names, inputs, strict=True)))
            except InputError as error:
                report.checker[name] = f"failed: reference set {index}: {error}"
                break
            kind = "real" if entry["real_samples"] and index == 0 else "random"
            for out_name, e, a in zip(entry["outputs"], outputs, actual, strict=True):
                err, rel, ok = compare(e, a, atol, rtol)
                label = f"reference set {index} ({kind})"
                report.checks.append(OutputCheck(name, out_name, label, err, rel, ok))

    keras_model = _keras_model(bundle, manifest, model, report.notes)
    if keras_model is None:
        report.notes.append(
            "the Keras model was not found (pass --model): compared with the stored reference "
            "outputs only, no Keras latency"
        )
    rng = np.random.default_rng(seed)
    # A mixed-precision model is compared as it was exported: computing in float32.
    keras_side = float32_compute(keras_model) if keras_model is not None else nullcontext()
    timed: dict[str, dict[int, dict[str, np.ndarray]]] = {}
    with keras_side:
        specs = {}
        if keras_model is not None:
            specs = {
                s.name: s for s in graphs_for(keras_model, manifest["streaming"], samples=False)
            }
            for name, spec in specs.items():
                if name not in graphs:
                    continue
                entry = manifest["graphs"][name]
                feed_sets = [("fresh random", spec.random_feeds(4, rng))]
                if entry["real_samples"]:
                    inputs, _ = read_test_set(bundle, manifest, name, 0)
                    names = [i["name"] for i in entry["inputs"]]
                    feed_sets.append(
                        ("real samples, live Keras", dict(zip(names, inputs, strict=True)))
                    )
                for label, feeds in feed_sets:
                    expected = spec.keras_outputs(feeds)
                    actual = (floats if quantized else graphs)[name].run(feeds)
                    for out_name, e, a in zip(spec.outputs, expected, actual, strict=True):
                        err, rel, ok = compare(e, a, atol, rtol)
                        report.checks.append(OutputCheck(name, out_name, label, err, rel, ok))
                    if derived is not None:  # e.g. decoded tag paths: Keras' vs the bundle's
                        mine = derived(keras_model, name, feeds, expected)
                        theirs = derived(bundle_model, name, feeds, actual)
                        for out_name, e in mine.items():
                            err, rel, ok = compare(e, theirs[out_name], 0.0, 0.0)
                            report.checks.append(OutputCheck(name, out_name, label, err, rel, ok))
        if latency:
            for name, graph in graphs.items():
                spec = specs.get(name)
                for batch in batch_sizes:
                    if spec is not None:
                        feeds = spec.random_feeds(batch, rng)
                    else:
                        feeds = _feeds_from_manifest(manifest["graphs"][name], batch, rng)
                    timed.setdefault(name, {})[batch] = feeds
                    onnx_ms = median_ms(lambda: graph.run(feeds), repeats)  # noqa: B023
                    keras_ms = None if spec is None else _keras_ms(spec, feeds, repeats)
                    report.latency.append(Latency(name, batch, onnx_ms, keras_ms))
    if quantized and len(floats) == len(graphs):
        from export.quantized import check_quantized

        report.quantized = check_quantized(
            bundle, manifest, graphs, floats, timed if latency else None, references, data, repeats
        )
        report.notes.append(
            "int8 bundle: the parity checks are of the float graphs kept in the bundle; "
            "the latencies against Keras are of the int8 graphs"
        )
    return report


def _derived_outputs(model):
    """The family's `derived_outputs` part, or None."""
    from zoo.family import family_for

    family = family_for(model)
    return family.resolve("derived_outputs") if family.has("derived_outputs") else None


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
