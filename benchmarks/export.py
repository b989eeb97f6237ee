"""ONNX export speed: onnxruntime against TensorFlow, fused against Loop, and
the exported LSTM's GFLOP/s against this machine's sgemm rate.

Three tables, every figure a median of `--repeats` calls measured in this
one process (onnxruntime and TensorFlow both on all cores):

1. per layer, a one-layer model (B x T=100 x D=64 -> LSTM H=128 -> Dense):
   onnxruntime and `tf.function` latency at batch 1 and 32; each zoo layer
   as exported (one `LSTM` node; `LayerNormLSTM` a lean `Loop`) and with
   fusion off (tf2onnx's `Loop` of the traced loop), and the stock
   `keras.layers.LSTM` as tf2onnx exports it; `vs zoo LSTM` is the batch-1
   latency over the fused zoo LSTM's;
2. per zoo model (default hyperparameters, one epoch on the embedded data):
   the bundle's graphs in onnxruntime against TensorFlow at batch 1 and 32;
   and the int8 bundle (`--quantize int8`) against the float graphs: size,
   latency and the family's task metric on the embedded test split;
3. GFLOP/s of the fused zoo LSTM at batch 64 (2 * T * B * 4H * (D + H)
   flops per call) against float32 GEMM at 1024^3 (numpy, and onnxruntime's
   own MatMul; the faster is the machine's rate) measured in the same run.

    python benchmarks/export.py               # about 10 minutes here
    python benchmarks/export.py --skip-models # layers and GFLOP/s only
    python benchmarks/export.py --only-layers "LayerNorm,Projection,zoo LSTM"
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# This file is named after the `export` package it measures: drop its own
# directory from the path so that `import export` finds the package.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or os.getcwd()).resolve() != HERE]

import keras  # noqa: E402
import numpy as np  # noqa: E402
import onnxruntime as ort  # noqa: E402
import tensorflow as tf  # noqa: E402

import zoo  # noqa: E402
import zoo.layers as zl  # noqa: E402
from export.convert import InputSpec, keras_to_onnx  # noqa: E402
from export.verification import median_ms  # noqa: E402

T, D, H = 100, 64, 128


def print_rows(title: str, rows: list[dict]) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("quality", HERE / "quality.py")
    quality = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(quality)
    quality.print_rows(title, rows)


def layer_model(factory) -> keras.Model:
    keras.utils.set_random_seed(0)
    inputs = keras.Input((None, D))
    return keras.Model(inputs, keras.layers.Dense(1)(factory()(inputs)))


def session(model_proto) -> ort.InferenceSession:
    """A session as the runtime makes it (`export.runtime.graph.session_options`)."""
    from export.convert import op_counts
    from export.runtime.graph import session_options

    options = session_options(op_counts(model_proto).get("Loop", 0) > 0)
    return ort.InferenceSession(
        model_proto.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )


def tf_ms(model, x, repeats):
    call = tf.function(lambda v: model(v, training=False), autograph=False)
    value = tf.constant(x)
    return median_ms(lambda: call(value), repeats)


def ort_ms(sess, feeds, repeats):
    return median_ms(lambda: sess.run(None, feeds), repeats)


def layer_rows(repeats: int, only: str | None = None) -> tuple[list[dict], dict]:
    layers = {
        "keras.layers.LSTM (tf2onnx)": (lambda: keras.layers.LSTM(H), False),
        "zoo LSTM": (lambda: zl.LSTM(H), True),
        "zoo PeepholeLSTM": (lambda: zl.PeepholeLSTM(H), True),
        "zoo CIFGLSTM": (lambda: zl.CIFGLSTM(H), True),
        "zoo LayerNormLSTM": (lambda: zl.LayerNormLSTM(H), True),
        "zoo ProjectionLSTM (P=64)": (lambda: zl.ProjectionLSTM(H, projection_units=64), True),
    }
    if only:
        keys = [k.strip() for k in only.split(",")]
        keep = {"keras.layers.LSTM (tf2onnx)", "zoo LSTM"}
        layers = {n: v for n, v in layers.items() if n in keep or any(k in n for k in keys)}
    rows, sessions = [], {}
    spec = [InputSpec("x", (None, None, D))]
    for name, (factory, fusable) in layers.items():
        model = layer_model(factory)
        sessions[(name, "keras")] = model
        variants = [("fused", True), ("Loop", False)] if fusable else [("as exported", True)]
        for label, fuse in variants:
            graph = keras_to_onnx(model, spec, ["y"], fuse=fuse)
            counts = graph.op_counts()
            sess = session(graph.model)
            sessions[(name, label)] = sess
            row = {
                "layer": name,
                "export": label,
                "nodes": f"LSTM {counts.get('LSTM', 0)}, Loop {counts.get('Loop', 0)}",
            }
            for batch in (1, 32):
                x = np.random.default_rng(batch).normal(size=(batch, T, D)).astype("float32")
                onnx_ms = ort_ms(sess, {"x": x}, repeats)
                tf_time = tf_ms(model, x, repeats)
                row[f"ort ms B={batch}"] = f"{onnx_ms:.3f}"
                row[f"tf ms B={batch}"] = f"{tf_time:.3f}"
                row[f"tf/ort B={batch}"] = f"{tf_time / onnx_ms:.1f}x"
            rows.append(row)
    stock = float(rows[0]["ort ms B=1"])
    fused = next(float(r["ort ms B=1"]) for r in rows if r["layer"] == "zoo LSTM")
    for row in rows:
        if row["layer"] != "keras.layers.LSTM (tf2onnx)" and row["nodes"] == "LSTM 0, Loop 1":
            row["export"] = "lean Loop" if row["export"] == "fused" else "tf2onnx Loop"
        row["vs stock export B=1"] = f"{float(row['ort ms B=1']) / stock:.2f}x"
        row["vs zoo LSTM B=1"] = f"{float(row['ort ms B=1']) / fused:.2f}x"
    return rows, sessions


def alternating_rows(sessions, repeats: int, rounds: int = 7) -> list[dict]:
    """Batch-1 latency of the fused zoo LSTM, the two variants issue 19 is about
    (as exported and with fusion off) and TensorFlow, timed in alternating blocks
    (`rounds` of them, each warmed first) so that the load of a shared machine hits
    every variant alike; medians and ratios."""
    x = np.random.default_rng(1).normal(size=(1, T, D)).astype("float32")
    value = tf.constant(x)
    calls = {}
    for name in ("zoo LSTM", "zoo LayerNormLSTM", "zoo ProjectionLSTM (P=64)"):
        if (name, "keras") not in sessions:
            continue
        for label in ("fused", "Loop"):
            sess = sessions[(name, label)]
            calls[(name, label)] = lambda s=sess: s.run(None, {"x": x})
        model = sessions[(name, "keras")]
        call = tf.function(lambda v, m=model: m(v, training=False), autograph=False)
        calls[(name, "tf")] = lambda c=call: c(value)
    times: dict = {key: [] for key in calls}
    for _ in range(rounds):
        for key, call in calls.items():
            for _ in range(3):
                call()
            for _ in range(max(1, repeats // rounds)):
                start = time.perf_counter()
                call()
                times[key].append((time.perf_counter() - start) * 1e3)
    ms = {key: float(np.median(t)) for key, t in times.items()}
    fused = ms[("zoo LSTM", "fused")]
    rows = []
    for (name, label), value_ms in ms.items():
        if label == "tf":
            continue
        rows.append(
            {
                "layer": name,
                "export": {"fused": "as exported", "Loop": "fusion off (tf2onnx Loop)"}[label],
                "ort ms B=1": f"{value_ms:.3f}",
                "tf ms B=1": f"{ms[(name, 'tf')]:.3f}",
                "tf/ort": f"{ms[(name, 'tf')] / value_ms:.1f}x",
                "vs fused zoo LSTM": f"{value_ms / fused:.2f}x",
            }
        )
    return rows


def gflops_rows(sessions, repeats: int) -> list[dict]:
    """Five rounds, each timing every GEMM and LSTM in a block of calls, so
    that a slow moment of the machine hits all of them alike."""
    rng = np.random.default_rng(0)
    a = rng.normal(size=(1024, 1024)).astype("float32")
    b = rng.normal(size=(1024, 1024)).astype("float32")
    x = rng.normal(size=(64, T, D)).astype("float32")
    matmul = session(_matmul_model())
    calls = {
        "numpy float32 GEMM 1024^3": (lambda: a @ b, 2 * 1024**3),
        "onnxruntime MatMul 1024^3 (MLAS sgemm)": (
            lambda: matmul.run(None, {"a": a, "b": b}),
            2 * 1024**3,
        ),
    }
    flops = 2 * T * 64 * 4 * H * (D + H)
    for key in (
        ("zoo LSTM", "fused"),
        ("keras.layers.LSTM (tf2onnx)", "as exported"),
        ("zoo LSTM", "Loop"),
    ):
        sess = sessions[key]
        calls[f"{key[0]} ({key[1]}), B=64"] = (lambda s=sess: s.run(None, {"x": x}), flops)
    # Blocks rather than single calls round-robin: numpy's and onnxruntime's
    # thread pools spin after a call, and interleaving them call by call slows
    # both (measured: 4x). Each block warms its pool first.
    times: dict[str, list[float]] = {name: [] for name in calls}
    rounds = 5
    for _ in range(rounds):
        for name, (call, _) in calls.items():
            for _ in range(3):
                call()
            for _ in range(max(1, repeats // rounds)):
                start = time.perf_counter()
                call()
                times[name].append(time.perf_counter() - start)
    rates = {name: calls[name][1] / float(np.median(t)) / 1e9 for name, t in times.items()}
    gemm = max(rates["numpy float32 GEMM 1024^3"], rates["onnxruntime MatMul 1024^3 (MLAS sgemm)"])
    return [
        {"what": name, "GFLOP/s": f"{rate:.1f}", "of GEMM": f"{rate / gemm:.0%}"}
        for name, rate in rates.items()
    ]


def _matmul_model():
    from onnx import TensorProto, helper

    a = helper.make_tensor_value_info("a", TensorProto.FLOAT, [1024, 1024])
    b = helper.make_tensor_value_info("b", TensorProto.FLOAT, [1024, 1024])
    c = helper.make_tensor_value_info("c", TensorProto.FLOAT, [1024, 1024])
    graph = helper.make_graph([helper.make_node("MatMul", ["a", "b"], ["c"])], "gemm", [a, b], [c])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def model_rows(repeats: int) -> tuple[list[dict], list[dict]]:
    from export import to_onnx, verify

    rows, int8_rows = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name in zoo.list_models():
            model = zoo.create_model(name, epochs=1)
            train, _ = model.default_data()
            model.fit(train, verbose=0)
            bundle = to_onnx(model, Path(tmp) / name)
            report = verify(bundle, model=model, repeats=repeats)
            int8 = to_onnx(model, Path(tmp) / f"{name}-int8", quantize="int8")
            int8_rows += quantized_rows(name, verify(int8, model=model, repeats=repeats))
            for lat in report.latency:
                rows.append(
                    {
                        "model": name,
                        "graph": lat.graph,
                        "batch": lat.batch,
                        "ort ms": f"{lat.onnxruntime_ms:.3f}",
                        "tf ms": f"{lat.keras_ms:.3f}",
                        "tf/ort": f"{lat.speedup:.1f}x",
                        "LSTM nodes": report.nodes[lat.graph]["lstm"],
                        "max abs err": f"{max(c.max_abs for c in report.checks if c.graph == lat.graph):.1e}",
                    }
                )
    return rows, int8_rows


def quantized_rows(name: str, report) -> list[dict]:
    """One row per graph of an int8 bundle: size, latency ratio, the task metric."""
    q = report.quantized
    rows = []
    for g in q.graphs:
        row = {
            "model": name,
            "graph": g.graph,
            "float KB": f"{g.float_bytes / 1024:.1f}",
            "int8 KB": f"{g.int8_bytes / 1024:.1f}",
            "size": f"{g.size_ratio:.2f}x",
        }
        for batch in sorted(g.float_ms):
            row[f"int8/float ms B={batch}"] = (
                f"{g.int8_ms[batch]:.3f}/{g.float_ms[batch]:.3f} ({g.latency_ratio(batch):.2f}x)"
            )
        if q.int8_metric is not None:
            f, i = q.float_metric, q.int8_metric
            row["metric float -> int8"] = f"{f.name} {f.value:.4f} -> {i.value:.4f}"
        row["verify"] = "PASS" if report.ok else "FAIL"
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--skip-models", action="store_true")
    parser.add_argument("--skip-gflops", action="store_true")
    parser.add_argument(
        "--only-layers", default=None, help="comma-separated parts of layer names (and zoo LSTM)"
    )
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"tensorflow {tf.__version__}, onnxruntime {ort.__version__}; medians of {args.repeats}"
    )
    start = time.perf_counter()
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    layers, sessions = layer_rows(args.repeats, args.only_layers)
    print_rows(f"Layers (T={T}, D={D}, H={H}): onnxruntime vs tf.function", layers)
    alternating = alternating_rows(sessions, 4 * args.repeats)
    print_rows("Batch 1 in alternating blocks (issue 19's variants)", alternating)
    rates = [] if args.skip_gflops else gflops_rows(sessions, args.repeats)
    if rates:
        print_rows("Throughput at batch 64", rates)
    models, int8 = ([], []) if args.skip_models else model_rows(args.repeats)
    if models:
        print_rows("Zoo models (default hyperparameters): bundle graphs vs tf.function", models)
        print_rows("int8 bundles against their float graphs (verify)", int8)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    print(f"\n({time.perf_counter() - start:.0f} s)")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "layers": layers,
                    "alternating": alternating,
                    "throughput": rates,
                    "models": models,
                    "int8": int8,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
