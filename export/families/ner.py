"""Taggers export one graph: word, character (and casing) ids -> emission scores.

The CRF's Viterbi decoding is not in the graph: the runtime runs it in NumPy
(`zoo.models.ner.viterbi`) over the transitions saved in the bundle's preprocessing
state, and `verify` compares the decoded paths too (the family's `derived_outputs`).
"""

from __future__ import annotations

from typing import Any

from export.convert import InputSpec
from export.families.spec import GraphSpec, InputDomain


def graphs(model: Any, streaming: bool = False, samples: Any = None) -> list[GraphSpec]:
    """The `network` graph of a fitted `EntityTagger` (`samples`: tokenised sentences
    for the real-sample feeds; default: the first 8 held-out generated ones)."""
    if streaming:
        raise ValueError(
            f"model {model.name!r} tags whole sentences; streaming export is for forecasters"
        )
    p = model.preprocessor
    if samples is None:
        samples = model.default_data()[1].sentences[:8]
    real = None
    if samples is not False:
        arrays = p.transform([list(s) for s in samples])
        real = {name: arrays[name] for name in p.input_names()}
    inputs = [
        InputSpec("words", (None, None), "int32"),
        InputSpec("chars", (None, None, p.max_chars), "int32"),
    ]
    domains = {
        "words": InputDomain("ids", 1, len(p.words)),
        "chars": InputDomain("ids", 1, len(p.chars)),
    }
    if p.casing:
        inputs.append(InputSpec("casing", (None, None), "int32"))
        domains["casing"] = InputDomain("ids", 1, 7)
    return [
        GraphSpec(
            name="network",
            network=model.inference_networks()["network"],
            inputs=inputs,
            outputs=["emission_scores"],
            domains=domains,
            real=real,
        )
    ]
