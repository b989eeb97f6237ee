"""Sentiment classifiers export one graph: token ids -> class probabilities."""

from __future__ import annotations

from export.convert import InputSpec
from export.families.spec import GraphSpec, InputDomain


def graphs(model, streaming: bool = False, samples=None) -> list[GraphSpec]:
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
            network=model.network,
            inputs=[InputSpec("tokens", (None, length), "int32")],
            outputs=["probabilities"],
            domains={"tokens": InputDomain("ids", 0, model.tokenizer.vocab_size)},
            real=real,
        )
    ]
