"""Helpers of the export tests: run an ONNX model, compare outputs."""

from __future__ import annotations

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
