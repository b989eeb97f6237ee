"""The adding problem: a small, generated memory task for a first run.

Each input step carries a random number in [0, 1] and a marker that is 1 at
exactly two steps; the target is the sum of the two marked numbers
(Hochreiter & Schmidhuber, 1997, experiment 4). Predicting the mean scores an
MSE of about 1/6; a model must remember the first marked number until the
second arrives to do better.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def adding_problem(samples: int, timesteps: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Returns `x` `(samples, timesteps, 2)` and `y` `(samples, 1)`."""
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 1.0, size=(samples, timesteps))
    markers = np.zeros((samples, timesteps))
    half = timesteps // 2
    first = rng.integers(0, half, size=samples)
    second = rng.integers(half, timesteps, size=samples)
    rows = np.arange(samples)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=-1).astype("float32")
    y = (values[rows, first] + values[rows, second])[:, None].astype("float32")
    return x, y


def run_adding_problem(
    out: Path, epochs: int = 12, timesteps: int = 30, samples: int = 6000, seed: int = 0
) -> dict:
    """Trains `zoo.layers.LSTM` on the adding problem and writes the results into `out`
    (checked before training and written atomically, see `zoo.outputs`: an earlier
    quickstart there is replaced, anything else that lstm-zoo did not write is refused)."""
    import keras

    import zoo.layers as zl
    from zoo import outputs

    out = Path(out)
    mode = {"overwrite": False, "option": "--out", "owner": "quickstart"}
    outputs.check_destination(out, outputs.RUN, **mode)
    keras.utils.set_random_seed(seed)
    x, y = adding_problem(samples, timesteps, seed)
    x_test, y_test = adding_problem(1000, timesteps, seed + 1)
    model = keras.Sequential(
        [
            keras.Input((timesteps, 2)),
            zl.LSTM(32, name="lstm"),
            keras.layers.Dense(1, name="sum"),
        ],
        name="adding_problem",
    )
    model.compile(keras.optimizers.Adam(1e-2), "mse")
    model.fit(x, y, epochs=epochs, batch_size=64, validation_split=0.1, verbose=2)
    mse = float(model.evaluate(x_test, y_test, verbose=0))
    baseline = float(np.mean((y_test - y.mean()) ** 2))
    metrics = {
        "task": f"adding problem, T={timesteps}",
        "test_mse": round(mse, 5),
        "predict_the_mean_mse": round(baseline, 5),
        "improvement_over_baseline": round(baseline / max(mse, 1e-12), 1),
    }
    trace = zl.trace_gates(model.get_layer("lstm"), x_test[:1])
    marks = ["*" if m else "" for m in x_test[0, :, 1]]
    with outputs.staged(out, outputs.RUN, **mode) as staging:
        model.save(staging / "model.keras")
        (staging / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
        zl.plot_gates(trace, staging / "gates.png", max_units=16, tokens=marks)
    files = [out / "model.keras", out / "metrics.json", out / "gates.png"]
    return {"metrics": metrics, "files": files}
