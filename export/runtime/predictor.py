"""`Predictor`: a bundle's model, served by onnxruntime and NumPy only."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from export.bundle import read_manifest
from export.runtime.graph import InputError, NetworkAdapter, OnnxGraph


class Predictor:
    """A zoo model whose networks are a bundle's ONNX graphs.

    Preprocessing, postprocessing and decoding are the zoo model's own NumPy
    code (tokenizers, scalers, calendar features, greedy and beam search), so
    a prediction matches the Keras model's; only the networks change. Neither
    TensorFlow nor Keras is imported.

    Example:

        predictor = Predictor.load("bundles/sentiment")
        predictor.predict(["a moving, beautifully acted film"])
        # [{"label": "positive", "probabilities": {...}}]

    `predict` takes what the model's own `predict` takes: raw texts
    (sentiment: labels with probabilities), a series `[T, columns]` with
    optional dates (forecasting: forecasts, dates and, for quantile models,
    intervals), or sentences with an optional `beam_width` (translation).
    """

    def __init__(self, bundle: Path, manifest: dict[str, Any], graphs: dict[str, OnnxGraph], model):
        self.bundle = bundle
        self.manifest = manifest
        self.graphs = graphs
        self.model = model

    @classmethod
    def load(cls, bundle: str | os.PathLike[str]) -> Predictor:
        """Opens `bundle` after checking its manifest, version and file hashes.

        Raises:
            export.bundle.BundleError: a missing or modified file, or a bundle
                of another format version.
        """
        from zoo.registry import model_class

        bundle = Path(bundle)
        manifest = read_manifest(bundle)
        graphs = {
            name: OnnxGraph(bundle / entry["file"], entry, name)
            for name, entry in manifest["graphs"].items()
        }
        klass = model_class(manifest["name"], manifest["class"])
        model = klass(name=manifest["name"], **manifest["hparams"])
        model.restore_preprocessing(manifest["preprocessing"])
        if manifest["task"] == "translation":
            encoder, step = graphs["encoder"], graphs["decoder_step"]

            def encode(source):
                return encoder.run(encoder.coerce({"source": source}))

            def decode_step(token, h, c, memory, mask):
                feeds = {
                    "token": token,
                    "h": h,
                    "c": c,
                    "encoder_outputs": memory,
                    "source_mask": mask,
                }
                return step.run(step.coerce(feeds))

            model.use_inference_functions(encode, decode_step)
        else:
            model.network = NetworkAdapter(graphs["network"])
        return cls(bundle, manifest, graphs, model)

    @property
    def task(self) -> str:
        return self.manifest["task"]

    @property
    def name(self) -> str:
        return self.manifest["name"]

    def predict(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """The model's prediction for raw `inputs` (see the class docstring)."""
        if self.task in ("sentiment", "translation"):
            if isinstance(inputs, str):
                inputs = [inputs]
            bad = [type(t).__name__ for t in inputs if not isinstance(t, str)]
            if bad:
                raise InputError(f"{self.name} predicts from strings; received a {bad[0]}")
        return self.model.predict(inputs, *args, **kwargs)

    def run(self, graph: str, feeds: dict[str, Any]) -> list[np.ndarray]:
        """Runs one graph on prepared inputs, checked for names, shapes and dtypes."""
        if graph not in self.graphs:
            raise KeyError(f"bundle {self.bundle} has graphs {sorted(self.graphs)}; no {graph!r}")
        return self.graphs[graph].run(feeds)

    def stream(self):
        """A `StreamingForecaster` over the bundle's `stream` graph."""
        from export.runtime.streaming import StreamingForecaster

        return StreamingForecaster(self)
