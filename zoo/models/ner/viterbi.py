"""Viterbi decoding and tag-scheme constraints in NumPy (the runtime's decoder).

The same recursion as `zoo.models.ner.crf.viterbi` (which the tests hold it to), run
on the emission scores the exported graph gives, with the transitions saved in the
model's preprocessing state, so that a bundle decodes without TensorFlow.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Score added to a forbidden transition (the Keras decoder uses the same).
FORBIDDEN = -1e4


def split_tag(tag: str) -> tuple[str, str]:
    """`"B-PER"` -> `("B", "PER")`; `"O"` -> `("O", "")`."""
    if tag == "O":
        return "O", ""
    prefix, _, kind = tag.partition("-")
    return prefix, kind


def allowed_transitions(tags: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """`(allowed (K, K), allowed_start (K,))` for IOB2 tags: 1 where allowed.

    `I-X` may only follow `B-X` or `I-X` (so never `O`, another type, or the start).
    """
    parts = [split_tag(t) for t in tags]
    k = len(tags)
    allowed = np.ones((k, k), np.float32)
    start = np.ones(k, np.float32)
    for j, (prefix, kind) in enumerate(parts):
        if prefix != "I":
            continue
        start[j] = 0.0
        for i, (p_prev, k_prev) in enumerate(parts):
            if not (p_prev in ("B", "I") and k_prev == kind):
                allowed[i, j] = 0.0
    return allowed, start


def viterbi(
    emissions: np.ndarray,
    lengths: Sequence[int],
    transitions: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    allowed: np.ndarray | None = None,
    allowed_start: np.ndarray | None = None,
) -> list[np.ndarray]:
    """The best tag path of each row of `emissions` `(batch, time, K)` over its first
    `lengths[i]` steps (a list of int arrays, one per row)."""
    emissions = np.asarray(emissions, np.float32)
    transitions = np.asarray(transitions, np.float32)
    start = np.asarray(start, np.float32)
    end = np.asarray(end, np.float32)
    if allowed is not None:
        transitions = transitions + (1.0 - np.asarray(allowed, np.float32)) * FORBIDDEN
    if allowed_start is not None:
        start = start + (1.0 - np.asarray(allowed_start, np.float32)) * FORBIDDEN
    paths = []
    for row, length in zip(emissions, lengths, strict=True):
        length = int(length)
        if length <= 0:
            paths.append(np.zeros(0, np.int64))
            continue
        score = start + row[0]
        pointers = np.zeros((length, len(start)), np.int64)
        for t in range(1, length):
            candidates = score[:, None] + transitions
            pointers[t] = np.argmax(candidates, axis=0)
            score = candidates[pointers[t], np.arange(len(start))] + row[t]
        path = np.zeros(length, np.int64)
        path[-1] = int(np.argmax(score + end))
        for t in range(length - 1, 0, -1):
            path[t - 1] = pointers[t, path[t]]
        paths.append(path)
    return paths
