"""CTC decoding: greedy, prefix beam search against brute force, width 1 against greedy."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from zoo.models.speech.ctc import (
    Alphabet,
    collapse,
    greedy_decode,
    labelling_log_prob,
    prefix_beam_search,
)


def log_softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=-1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


def brute_force(log_probs: np.ndarray) -> tuple[tuple[int, ...], dict]:
    """The most probable labelling, summing every path (K ** T of them)."""
    frames, classes = log_probs.shape
    totals: dict[tuple[int, ...], float] = {}
    for path in itertools.product(range(classes), repeat=frames):
        labels = tuple(collapse(path))
        p = float(sum(log_probs[t, c] for t, c in enumerate(path)))
        totals[labels] = np.logaddexp(totals.get(labels, -np.inf), p)
    return max(totals, key=totals.get), totals


def test_collapse_and_greedy():
    assert collapse([0, 1, 1, 0, 1, 2, 2, 0]) == [1, 1, 2]
    scores = np.log(np.eye(3)[[1, 1, 0, 1, 2]] * 0.9 + 0.05)
    assert greedy_decode(scores) == [1, 1, 2]


@pytest.mark.parametrize("seed", range(12))
def test_prefix_beam_search_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    frames, classes = (4, 3) if seed % 2 else (5, 3)
    log_probs = log_softmax(rng.normal(scale=1.5, size=(frames, classes)))
    best, totals = brute_force(log_probs)
    found = prefix_beam_search(log_probs, beam_width=64, prune=0)
    assert tuple(found) == best
    # the forward algorithm agrees with the enumeration on every labelling
    for labels, total in list(totals.items())[:6]:
        assert labelling_log_prob(log_probs, labels) == pytest.approx(total, abs=1e-9)


def test_a_beam_can_beat_the_best_path():
    """Two frames, 'a' spread over several paths: greedy says blank, the sum says 'a'."""
    p = np.log(np.array([[0.45, 0.55 / 2, 0.55 / 2], [0.45, 0.55 / 2, 0.55 / 2]]))
    assert greedy_decode(p) == []
    best, _ = brute_force(p)
    assert prefix_beam_search(p, beam_width=8, prune=0) == list(best) != []


@pytest.mark.parametrize("seed", range(30))
def test_beam_width_one_equals_greedy_on_peaked_posteriors(seed):
    """A trained CTC model's posteriors are peaked (one class dominates each frame):
    there a beam of width 1 follows the best path."""
    rng = np.random.default_rng(seed)
    frames, classes = 40, 6
    path = rng.choice(classes, size=frames, p=[0.5] + [0.1] * (classes - 1))
    logits = rng.normal(size=(frames, classes))
    logits[np.arange(frames), path] += 6.0
    log_probs = log_softmax(logits)
    assert prefix_beam_search(log_probs, beam_width=1) == greedy_decode(log_probs)


def test_alphabet_round_trip():
    alphabet = Alphabet.from_texts(["one two", "three"])
    ids = alphabet.encode("two one")
    assert ids.min() >= 1 and alphabet.decode(ids) == "two one"
    assert alphabet.classes == len(set("one twothree")) + 1
    with pytest.raises(ValueError):
        Alphabet(["a", "a"])
    with pytest.raises(ValueError, match="beam_width"):
        prefix_beam_search(np.zeros((2, 3)), beam_width=0)
