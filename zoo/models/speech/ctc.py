"""CTC text encoding and decoding, NumPy only (the runtime decodes with it too).

The alphabet is a list of single characters; class 0 is the CTC blank and character
`alphabet[i]` is class `i + 1`. Decoders take log-probabilities `[frames, classes]`
(the network's log-softmax output) of one utterance:

* `greedy_decode`: the best path (argmax per frame), repeats merged, blanks dropped;
* `prefix_beam_search`: CTC prefix beam search (Hannun et al., 'First-Pass Large
  Vocabulary Continuous Speech Recognition using Bi-Directional Recurrent DNNs', 2014):
  the `beam_width` label prefixes of highest total probability (summed over every path
  that collapses to them: ending in a blank or in a character), kept frame by frame.
  With a beam wide enough to hold every prefix it returns the most probable labelling
  (`tests/zoo/models/speech` checks it against brute-force enumeration); with width 1
  on peaked posteriors (every frame dominated by one class, as a trained CTC model's
  are) it coincides with the greedy path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial

import numpy as np

BLANK = 0
NEG_INF = -np.inf


class Alphabet:
    """Characters <-> CTC classes (0 is the blank).

    Args:
        characters: the alphabet, one character each, without duplicates.
    """

    def __init__(self, characters: Sequence[str]) -> None:
        characters = list(characters)
        if len(set(characters)) != len(characters) or any(len(c) != 1 for c in characters):
            raise ValueError("the alphabet must be distinct single characters")
        self.characters = characters
        self.index = {c: i + 1 for i, c in enumerate(characters)}

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Alphabet:
        return cls(sorted({c for text in texts for c in text}))

    @property
    def classes(self) -> int:
        """Characters plus the blank."""
        return len(self.characters) + 1

    def encode(self, text: str) -> np.ndarray:
        """Class ids of `text`'s characters; characters outside the alphabet are dropped."""
        return np.asarray([self.index[c] for c in text if c in self.index], np.int32)

    def decode(self, labels: Iterable[int]) -> str:
        return "".join(self.characters[i - 1] for i in labels if 0 < i <= len(self.characters))


def collapse(path: Iterable[int]) -> list[int]:
    """A CTC path's labelling: repeats merged, then blanks dropped."""
    labels, previous = [], None
    for label in path:
        label = int(label)
        if label != previous and label != BLANK:
            labels.append(label)
        previous = label
    return labels


def greedy_decode(log_probs: np.ndarray) -> list[int]:
    """The best path's labelling for `[frames, classes]` scores."""
    return collapse(np.argmax(np.asarray(log_probs), axis=-1))


def _accumulate(
    beams: dict[tuple[int, ...], list[float]], prefix: tuple[int, ...], blank: float, char: float
) -> None:
    old = beams.setdefault(prefix, [NEG_INF, NEG_INF])
    old[0] = np.logaddexp(old[0], blank)
    old[1] = np.logaddexp(old[1], char)


def prefix_beam_search(
    log_probs: np.ndarray, beam_width: int = 8, prune: float = 1e-4
) -> list[int]:
    """The most probable labelling found by CTC prefix beam search (module docstring).

    Args:
        log_probs: `[frames, classes]` log-probabilities of one utterance.
        beam_width: prefixes kept after each frame (>= 1).
        prune: characters whose probability at a frame is below this are not tried
            there, nor any beyond the `beam_width + 4` likeliest (0 tries every class; the
            blank and the frame's best are always tried).
    """
    if beam_width < 1:
        raise ValueError(f"beam_width must be >= 1; got {beam_width}")
    log_probs = np.asarray(log_probs, np.float64)
    # prefix -> (log p ending in blank, log p ending in a character)
    beams: dict[tuple[int, ...], tuple[float, float]] = {(): (0.0, NEG_INF)}
    threshold = np.log(prune) if prune > 0 else NEG_INF
    for frame in log_probs:
        candidates = [c for c in np.flatnonzero(frame >= threshold) if c != BLANK]
        if prune > 0 and len(candidates) > beam_width + 4:  # the likeliest characters only
            candidates = sorted(candidates, key=lambda c: -frame[c])[: beam_width + 4]
        best = int(np.argmax(frame))
        if best != BLANK and best not in candidates:
            candidates.append(best)
        fresh: dict[tuple[int, ...], list[float]] = {}
        add = partial(_accumulate, fresh)

        for prefix, (p_b, p_c) in beams.items():
            total = np.logaddexp(p_b, p_c)
            add(prefix, total + frame[BLANK], NEG_INF)
            last = prefix[-1] if prefix else None
            for c in candidates:
                p = frame[c]
                if c == last:
                    add(prefix, NEG_INF, p_c + p)  # the repeat merges into the same character
                    add(prefix + (c,), NEG_INF, p_b + p)  # a blank in between: a new one
                else:
                    add(prefix + (c,), NEG_INF, total + p)
        ranked = sorted(fresh.items(), key=lambda kv: -np.logaddexp(*kv[1]))
        beams = {prefix: (p[0], p[1]) for prefix, p in ranked[:beam_width]}
    best_prefix = max(beams.items(), key=lambda kv: np.logaddexp(*kv[1]))[0]
    return list(best_prefix)


def labelling_log_prob(log_probs: np.ndarray, labels: Sequence[int]) -> float:
    """log p(labels | scores): the CTC forward algorithm over the blank-extended labels."""
    log_probs = np.asarray(log_probs, np.float64)
    extended = [BLANK]
    for label in labels:
        extended += [int(label), BLANK]
    skip = np.array(
        [i >= 2 and extended[i] not in (BLANK, extended[i - 2]) for i in range(len(extended))]
    )
    alpha = np.full(len(extended), NEG_INF)
    alpha[0] = log_probs[0, BLANK]
    if len(extended) > 1:
        alpha[1] = log_probs[0, extended[1]]
    for frame in log_probs[1:]:
        shifted1 = np.concatenate([[NEG_INF], alpha])[: len(alpha)]
        shifted2 = np.concatenate([[NEG_INF, NEG_INF], alpha])[: len(alpha)]
        merged = np.logaddexp(alpha, shifted1)
        merged = np.where(skip, np.logaddexp(merged, shifted2), merged)
        alpha = merged + frame[extended]
    return float(np.logaddexp(alpha[-1], alpha[-2]) if len(extended) > 1 else alpha[-1])
