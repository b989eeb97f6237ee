"""Helpers of the export tests: run an ONNX model, compare outputs."""

from __future__ import annotations

import json

import numpy as np


def run_onnx(model_proto, feeds: dict) -> list[np.ndarray]:
    import onnxruntime as ort

    session = ort.InferenceSession(
        model_proto.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, feeds)


def max_abs_diff(expected, actual) -> float:
    return max(
        float(np.max(np.abs(np.asarray(e) - np.asarray(a))))
        for e, a in zip(expected, actual, strict=True)
    )


_BLOCKED_RUNTIME = """
import json, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("tensorflow", "keras", "tf2onnx", "tf_keras"):
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
from export.runtime import Predictor
from zoo.family import family_for
predictor = Predictor.load(sys.argv[1])
model = predictor.model
test = type(model).default_data()[1]
score = family_for(model).resolve("task_metric")(model, test)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras", "tf2onnx"))
print(json.dumps({"metric": score.name, "value": score.value, "loaded": loaded}))
"""


def run_without_tensorflow(bundle) -> dict:
    """Loads `bundle` and predicts on the family's test split (through its registered
    task metric, which runs the model's own prediction) in a fresh interpreter where
    TensorFlow, Keras and tf2onnx cannot be imported."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    result = subprocess.run(
        [sys.executable, "-c", _BLOCKED_RUNTIME, str(bundle)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    if result.returncode != 0:
        raise AssertionError(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])
