"""Sentiment classifiers export one graph: token ids -> class probabilities."""

from __future__ import annotations

from typing import Any

from export.convert import InputSpec
from export.families.spec import GraphSpec, InputDomain


def graphs(model: Any, streaming: bool = False, samples: Any = None) -> list[GraphSpec]:
    """The `network` graph of a fitted `SentimentClassifier`: token ids `(N, max_length)`
    -> class probabilities (`samples`: texts for the real-sample feeds)."""
    if streaming:
        raise ValueError(
            f"model {model.name!r} classifies whole texts; streaming export is for forecasters"
        )
    length = int(model.hparams["max_length"])
    if samples is None:
        samples = model.default_data()[1].texts[:8]
    real = None if samples is False else {"tokens": model.encode(list(samples)).astype("int32")}
    return [
        GraphSpec(
            name="network",
            network=model.inference_networks()["network"],
            inputs=[InputSpec("tokens", (None, length), "int32")],
            outputs=["probabilities"],
            domains={"tokens": InputDomain("ids", 0, model.preprocessor.vocab_size)},
            real=real,
        )
    ]
