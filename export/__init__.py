"""ONNX export of zoo models, its numerical verification, and a runtime.

    from export import to_onnx, verify
    bundle = to_onnx("runs/sentiment-lstm", "bundles/sentiment")
    print(verify(bundle).table())

    from export.runtime import Predictor      # onnxruntime + numpy only
    Predictor.load(bundle).predict(["a gripping, moving film"])

Importing `export` or `export.runtime` imports neither TensorFlow nor Keras;
`to_onnx` and `verify` import them when called.
"""

from __future__ import annotations

from typing import Any


def to_onnx(model: Any, out_dir: Any, **kwargs: Any):
    """Exports a zoo model (or a saved model directory) as a bundle; see
    `export.bundle_writer.to_onnx`."""
    from export.bundle_writer import to_onnx as _to_onnx

    return _to_onnx(model, out_dir, **kwargs)


def verify(bundle: Any, **kwargs: Any):
    """Checks a bundle against onnx.checker and Keras; see `export.verification.verify`."""
    from export.verification import verify as _verify

    return _verify(bundle, **kwargs)


__all__ = ["to_onnx", "verify"]
