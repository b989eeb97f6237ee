"""`Predictor`: a bundle's model, served by onnxruntime and NumPy only."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from export.bundle import MANIFEST, BundleError, BundleIntegrityError, read_manifest
from export.runtime.graph import InputError, OnnxGraph


class Predictor:
    """A zoo model whose inference graphs are a bundle's ONNX graphs.

    Preprocessing, postprocessing and decoding are the zoo model's own NumPy
    code (tokenizers, scalers, calendar features, greedy and beam search), so
    a prediction matches the Keras model's; only the engine its `infer` runs
    on changes: the family's registered `runtime` part builds it from the
    bundle's graphs (`export.runtime.engine.onnx_engine` by default) and the
    model gets it through `use_engine`. Neither TensorFlow nor Keras is
    imported.

    Example:

        predictor = Predictor.load("bundles/sentiment")
        predictor.predict(["a moving, beautifully acted film"])
        # [{"label": "positive", "probabilities": {...}}]

    `predict` takes what the model's own `predict` takes (raw texts, a series
    with optional dates, sentences with an optional `beam_width`, ...) and
    returns what it returns; the model checks its inputs.
    """

    def __init__(self, bundle: Path, manifest: dict[str, Any], graphs: dict[str, OnnxGraph], model):
        self.bundle = bundle
        self.manifest = manifest
        self.graphs = graphs
        self.model = model

    @classmethod
    def load(cls, bundle: str | os.PathLike[str]) -> Predictor:
        """Opens `bundle` after checking it (see `export.bundle.read_manifest`):
        its manifest's schema, version and seal, the confinement, size and
        sha256 of every file, then each graph's own metadata and inputs
        against the manifest. The model resolves through the registry only;
        nothing named in the manifest is imported, and the engine comes from
        the model's registered family.

        Raises:
            export.bundle.BundleError: a missing, modified, misplaced or
                mismatched file, an unregistered model, or a bundle of another
                format version; the message names the file (and field).
        """
        from zoo.family import family_for
        from zoo.models.loading import model_from_state

        bundle = Path(bundle)
        manifest = read_manifest(bundle)
        model = model_from_state(manifest, bundle / MANIFEST, BundleIntegrityError)
        graphs = {
            name: OnnxGraph.from_bundle(bundle, manifest, name) for name in manifest["graphs"]
        }
        model.use_engine(family_for(model).resolve("runtime")(model, graphs))
        return cls(bundle, manifest, graphs, model)

    @property
    def task(self) -> str:
        return self.manifest["task"]

    @property
    def name(self) -> str:
        return self.manifest["name"]

    def predict(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """The model's prediction for raw `inputs` (see the class docstring).

        Raises:
            InputError: inputs the model refuses (not what it predicts from, an empty
                batch, a wrong shape, ...), with the model's own one-line message.
        """
        try:
            return self.model.predict(inputs, *args, **kwargs)
        except (InputError, BundleError):
            raise
        except (TypeError, ValueError) as error:
            raise InputError(str(error)) from error

    def run(self, graph: str, feeds: dict[str, Any]) -> list[np.ndarray]:
        """Runs one graph on prepared inputs, checked for names, shapes and dtypes."""
        if graph not in self.graphs:
            raise KeyError(f"bundle {self.bundle} has graphs {sorted(self.graphs)}; no {graph!r}")
        return self.graphs[graph].run(feeds)

    def stream(self) -> Any:
        """The family's incremental predictor over the bundle (its registered `stream`
        part; forecasters: a `StreamingForecaster` over the `stream` graph).

        Raises:
            BundleError: the model's family has no streaming predictor.
        """
        from zoo.family import family_for

        family = family_for(self.model)
        if not family.has("stream"):
            raise BundleError(
                f"{self.bundle}: {self.name} is a {self.task} model, which has no streaming "
                "predictor"
            )
        return family.resolve("stream")(self)
