"""What `verify` compares beyond the graph: the decoded tag paths."""

from __future__ import annotations

from typing import Any

import numpy as np


def decoded_paths(model: Any, graph: str, feeds: dict[str, np.ndarray], outputs: list) -> dict:
    """`{"decoded_tags": (N, T) int}`: the tag ids each model decodes from the emission
    scores `outputs[0]` (-1 past each sentence, whose length is its non-zero word ids'
    count), with its own CRF weights (the Keras layer's, or the bundle's saved ones)."""
    emissions = np.asarray(outputs[0], np.float32)
    lengths = (np.asarray(feeds["words"]) != 0).sum(axis=1)
    tags = model.preprocessor.decode(emissions, lengths, model.crf_weights())
    index = {t: i for i, t in enumerate(model.preprocessor.tags)}
    out = np.full(emissions.shape[:2], -1, np.int64)
    for row, path in enumerate(tags):
        out[row, : len(path)] = [index[t] for t in path]
    return {"decoded_tags": out}
