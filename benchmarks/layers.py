"""Times every zoo recurrent layer against keras.layers.LSTM, side by side.

Each layer sits in the same tiny model (layer -> Dense) and is timed on

* a training step (`model.train_on_batch`, Adam, MSE) at B=64, T=100, D=64,
  H=128, the shape named in the layers issue;
* inference (a compiled `model(x, training=False)`) at batch 1 and batch 64.

All models are built first; then the runs alternate between the layers
(round-robin), so that a slow moment of the machine hits every layer alike.
The table gives the median of each and its ratio to keras.layers.LSTM.

    python benchmarks/layers.py                 # full run, about 2 minutes here
    python benchmarks/layers.py --repeats 5     # quicker
    python benchmarks/layers.py --json out.json # also write the figures
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import zoo.layers as zl  # noqa: E402

B, T, D, H = 64, 100, 64, 128


def candidates(units: int) -> dict[str, callable]:
    """Name -> factory of the recurrent layer under test."""
    return {
        "keras.layers.LSTM": lambda: keras.layers.LSTM(units),
        "zoo LSTM": lambda: zl.LSTM(units),
        "zoo PeepholeLSTM": lambda: zl.PeepholeLSTM(units),
        "zoo CIFGLSTM": lambda: zl.CIFGLSTM(units),
        "zoo LayerNormLSTM": lambda: zl.LayerNormLSTM(units),
        "zoo ProjectionLSTM (P=H/2)": lambda: zl.ProjectionLSTM(units, projection_units=units // 2),
        "zoo LSTMCell in keras.layers.RNN": lambda: keras.layers.RNN(zl.LSTMCell(units)),
    }


def build(factory, seed: int = 0) -> keras.Model:
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((T, D)), factory(), keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(1e-3), "mse")
    return model


def timers(model: keras.Model, data: dict[str, np.ndarray]) -> dict[str, callable]:
    infer = tf.function(lambda x: model(x, training=False))
    return {
        "train B=64": lambda: model.train_on_batch(data["x64"], data["y64"]),
        "infer B=1": lambda: infer(data["x1"]).numpy(),
        "infer B=64": lambda: infer(data["x64"]).numpy(),
    }


def run(repeats: int, warmup: int) -> dict[str, dict[str, float]]:
    rng = np.random.default_rng(0)
    data = {
        "x64": rng.normal(size=(B, T, D)).astype("float32"),
        "y64": rng.normal(size=(B, 1)).astype("float32"),
        "x1": rng.normal(size=(1, T, D)).astype("float32"),
    }
    runs = {name: timers(build(f), data) for name, f in candidates(H).items()}
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
    return {
        name: {task: 1000 * statistics.median(v) for task, v in tasks.items()}
        for name, tasks in samples.items()
    }


def table(medians: dict[str, dict[str, float]]) -> str:
    base = medians["keras.layers.LSTM"]
    tasks = list(base)
    head = f"{'layer':34s}" + "".join(f"{t + ' ms':>14s}{'ratio':>7s}" for t in tasks)
    lines = [head, "-" * len(head)]
    for name, row in medians.items():
        cells = "".join(f"{row[t]:14.2f}{row[t] / base[t]:7.2f}" for t in tasks)
        lines.append(f"{name:34s}{cells}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--json", default=None, help="also write the medians here")
    args = parser.parse_args()
    print(
        f"B={B} T={T} D={D} H={H}; {args.repeats} alternating runs per cell; "
        f"tensorflow {tf.__version__}, keras {keras.__version__}, "
        f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}"
    )
    medians = run(args.repeats, args.warmup)
    print(table(medians))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(medians, fh, indent=2)


if __name__ == "__main__":
    main()
