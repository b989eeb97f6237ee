"""Times every zoo recurrent layer against keras.layers.LSTM, side by side.

Each layer sits in the same tiny model (layer -> Dense) and is timed on

* a training step (`model.train_on_batch`, Adam, MSE) at B=64, T=100, D=64,
  H=128, the shape named in the layers issue;
* inference (a compiled `model(x, training=False)`) at batch 1 and batch 64.

All models are built first; then the runs alternate between the layers
(round-robin), so that a slow moment of the machine hits every layer alike.
The table gives the median of each, its ratio to keras.layers.LSTM, and the
time loop each zoo layer took in training and inference (see
`zoo.layers.describe_backend`), with the autotune's measurements below it.

    python benchmarks/layers.py                    # full run, about 3 minutes here
    python benchmarks/layers.py --repeats 5        # quicker
    python benchmarks/layers.py --paths            # also every forced path
    python benchmarks/layers.py --precision mixed_bfloat16   # + mixed/float32 ratio
    python benchmarks/layers.py --device gpu       # on a GPU: cuDNN, XLA loop, per step
    python benchmarks/layers.py --json out.json    # also write the figures
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import zoo.layers as zl  # noqa: E402
from zoo.layers.autotune import machine_fingerprint  # noqa: E402

B, T, D, H = 64, 100, 64, 128
BASELINE = "keras.layers.LSTM"
VARIANTS = {
    "LSTM": lambda **kw: zl.LSTM(H, **kw),
    "PeepholeLSTM": lambda **kw: zl.PeepholeLSTM(H, **kw),
    "CIFGLSTM": lambda **kw: zl.CIFGLSTM(H, **kw),
    "LayerNormLSTM": lambda **kw: zl.LayerNormLSTM(H, **kw),
    "ProjectionLSTM (P=H/2)": lambda **kw: zl.ProjectionLSTM(H, projection_units=H // 2, **kw),
}


def candidates(device: str, paths: bool) -> dict[str, callable]:
    """Name -> factory of the recurrent layer under test."""
    layers = {BASELINE: lambda: keras.layers.LSTM(H)}
    for name, factory in VARIANTS.items():
        layers[f"zoo {name}"] = factory
    if device == "gpu":
        # The per-step paths the GPU defaults are measured against.
        for name, factory in VARIANTS.items():
            layers[f"zoo {name} [xla step]"] = lambda f=factory: f(
                use_cudnn=False, step_backend="xla"
            )
    else:
        layers["zoo LSTMCell in keras.layers.RNN"] = lambda: keras.layers.RNN(zl.LSTMCell(H))
    if paths:
        for name, factory in VARIANTS.items():
            for path in ("xla", "ops", "keras_rnn", "xla_loop"):
                layers[f"zoo {name} [{path}]"] = lambda f=factory, p=path: f(
                    use_cudnn=False, step_backend=p
                )
    return layers


def build(factory, dtype: str, seed: int = 0) -> keras.Model:
    keras.utils.set_random_seed(seed)
    keras.config.set_dtype_policy(dtype)
    try:
        model = keras.Sequential(
            [keras.Input((T, D)), factory(), keras.layers.Dense(1, dtype="float32")]
        )
    finally:
        keras.config.set_dtype_policy("float32")
    model.compile(keras.optimizers.Adam(1e-3), "mse")
    return model


def timers(model: keras.Model, data: dict[str, np.ndarray], train_only: bool) -> dict:
    tasks = {"train B=64": lambda: model.train_on_batch(data["x64"], data["y64"])}
    if not train_only:
        infer = tf.function(lambda x: model(x, training=False))
        tasks["infer B=1"] = lambda: infer(data["x1"]).numpy()
        tasks["infer B=64"] = lambda: infer(data["x64"]).numpy()
    return tasks


def path_taken(model: keras.Model) -> str:
    layer = model.layers[0]
    if isinstance(layer, zl.BaseLSTM):
        choice = layer.backend_choice
        return "/".join(choice.get(m, ("?",))[0] for m in ("training", "inference"))
    if isinstance(layer, keras.layers.LSTM):
        return "keras (cuDNN)" if tf.config.list_logical_devices("GPU") else "keras"
    return "keras.layers.RNN"


def run(layers: dict, repeats: int, warmup: int, dtype: str, train_only: bool = False):
    """Medians (ms) per layer and task, and the path each layer took."""
    rng = np.random.default_rng(0)
    data = {
        "x64": rng.normal(size=(B, T, D)).astype("float32"),
        "y64": rng.normal(size=(B, 1)).astype("float32"),
        "x1": rng.normal(size=(1, T, D)).astype("float32"),
    }
    models = {name: build(f, dtype) for name, f in layers.items()}
    runs = {name: timers(m, data, train_only) for name, m in models.items()}
    for fns in runs.values():
        for fn in fns.values():
            for _ in range(warmup):
                fn()
    samples = {name: {task: [] for task in fns} for name, fns in runs.items()}
    for _ in range(repeats):
        for task in next(iter(runs.values())):
            for name, fns in runs.items():
                start = time.perf_counter()
                fns[task]()
                samples[name][task].append(time.perf_counter() - start)
    medians = {
        name: {task: 1000 * statistics.median(v) for task, v in tasks.items()}
        for name, tasks in samples.items()
    }
    return medians, {name: path_taken(m) for name, m in models.items()}


def table(medians: dict, taken: dict, mixed: dict | None = None, label: str = "") -> str:
    base = medians[BASELINE]
    tasks = list(base)
    head = f"{'layer':40s}" + "".join(f"{t + ' ms':>14s}{'ratio':>7s}" for t in tasks)
    if mixed:
        head += f"{label + ' train ms':>26s}{'/ f32':>7s}"
    head += "  path (train/infer)"
    lines = [head, "-" * len(head)]
    for name, row in medians.items():
        cells = "".join(f"{row[t]:14.2f}{row[t] / base[t]:7.2f}" for t in tasks)
        if mixed:
            m = mixed[name]["train B=64"]
            cells += f"{m:26.2f}{m / row['train B=64']:7.2f}"
        lines.append(f"{name:40s}{cells}  {taken[name]}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--device", choices=("cpu", "gpu"), default="cpu")
    parser.add_argument("--paths", action="store_true", help="also time every forced path")
    parser.add_argument(
        "--precision",
        choices=("mixed_float16", "mixed_bfloat16"),
        default=None,
        help="also time the training step under this policy (ratio to float32)",
    )
    parser.add_argument("--json", default=None, help="also write the medians here")
    args = parser.parse_args()
    gpus = tf.config.list_physical_devices("GPU")
    if args.device == "gpu" and not gpus:
        sys.exit("error: --device gpu: TensorFlow sees no GPU on this machine")
    if args.device == "cpu" and gpus:
        tf.config.set_visible_devices([], "GPU")
    machine = machine_fingerprint()
    print(
        f"B={B} T={T} D={D} H={H}; {args.repeats} alternating runs per cell; "
        f"tensorflow {tf.__version__}, keras {keras.__version__}, "
        f"{os.cpu_count()} CPUs, {machine['cpu'] or platform.machine()}, device {machine['device']}"
    )
    layers = candidates(args.device, args.paths)
    medians, taken = run(layers, args.repeats, args.warmup, "float32")
    mixed = None
    if args.precision:
        mixed, _ = run(layers, args.repeats, args.warmup, args.precision, train_only=True)
    print(table(medians, taken, mixed, args.precision or ""))
    print()
    print(zl.describe_backend())
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(
                {"float32": medians, "paths": taken, args.precision or "mixed": mixed},
                fh,
                indent=2,
            )


if __name__ == "__main__":
    main()
