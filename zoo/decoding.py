"""Greedy and beam-search decoding over a step function, in plain NumPy.

Both searches drive a *step function*, one decoder step for a batch of rows::

    step(tokens, states) -> (log_probs, new_states)

``tokens`` is an ``int`` array ``[B]`` (the previous token of each row), ``states`` whatever
the decoder carries between steps (an array, or a list, tuple or dict of arrays, nested as
you like), every array with the batch on its first axis, and ``log_probs`` a ``[B, V]`` array
of next-token log-probabilities. The searches only ever select, repeat and reorder rows of
the states, so constant per-sentence inputs (encoder outputs, a source mask) can travel in
the states too. Nothing here imports TensorFlow: a Keras model, an ONNX Runtime session or a
NumPy function can sit behind ``step``.

Rows that have finished (emitted ``end_id``) are dropped from the batch as they finish, so a
batch costs as many steps as its longest output, on fewer and fewer rows.

* :func:`greedy_search` takes the most probable token at each step.
* :func:`beam_search` keeps ``beam_width`` hypotheses per sentence and ranks the finished ones
  by ``log P / lp`` with the GNMT length penalty ``lp = ((5 + length) / 6) ** alpha`` (Wu et
  al. 2016); ``alpha = 0`` ranks by plain log-probability. As in fairseq, each step looks at
  the ``2 * beam_width`` best extensions; an ``<end>`` among the ``beam_width`` best finishes
  a hypothesis, the best extensions that do not end stay alive, and a sentence is done once
  it has ``beam_width`` finished hypotheses. With ``beam_width=1`` this is exactly
  :func:`greedy_search`.

Both stop every row after ``max_length`` generated tokens (the length guard); a row cut
there has no ``<end>``. The returned token lists hold the generated tokens without the
``<end>`` token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["StepFn", "beam_search", "greedy_search", "length_penalty", "map_states"]

#: ``step(tokens[B], states) -> (log_probs[B, V], new_states)``.
StepFn = Callable[[np.ndarray, Any], tuple[np.ndarray, Any]]


def map_states(fn: Callable[[np.ndarray], np.ndarray], states: Any) -> Any:
    """Applies ``fn`` to every array in a (nested) list, tuple or dict of arrays."""
    if isinstance(states, dict):
        return {key: map_states(fn, value) for key, value in states.items()}
    if isinstance(states, (list, tuple)):
        return type(states)(map_states(fn, value) for value in states)
    return fn(np.asarray(states))


def _batch_size(states: Any) -> int:
    sizes: set[int] = set()
    map_states(lambda a: sizes.add(int(a.shape[0])) or a, states)
    if len(sizes) != 1:
        raise ValueError(
            f"every state needs the same batch size first; found sizes {sorted(sizes)}"
        )
    return sizes.pop()


def length_penalty(length: int | np.ndarray, alpha: float) -> float | np.ndarray:
    """GNMT's ``((5 + length) / 6) ** alpha``; 1 for ``alpha = 0``."""
    return ((5.0 + np.asarray(length, dtype=np.float64)) / 6.0) ** alpha


def _check(max_length: int, beam_width: int = 1) -> None:
    if isinstance(max_length, bool) or not isinstance(max_length, (int, np.integer)):
        raise TypeError(f"max_length must be an int, got {type(max_length).__name__}")
    if max_length < 1:
        raise ValueError(f"max_length must be at least 1, got {max_length}")
    if isinstance(beam_width, bool) or not isinstance(beam_width, (int, np.integer)):
        raise TypeError(f"beam_width must be an int, got {type(beam_width).__name__}")
    if beam_width < 1:
        raise ValueError(f"beam_width must be at least 1, got {beam_width}")


def _log_probs(step_out: Any, rows: int) -> tuple[np.ndarray, Any]:
    log_probs, states = step_out
    log_probs = np.asarray(log_probs, dtype=np.float64)
    if log_probs.ndim != 2 or log_probs.shape[0] != rows:
        raise ValueError(
            f"the step function must return log-probabilities of shape [{rows}, vocab]; "
            f"got shape {log_probs.shape}"
        )
    return log_probs, states


def greedy_search(
    step: StepFn,
    states: Any,
    *,
    start_id: int,
    end_id: int,
    max_length: int,
) -> list[list[int]]:
    """The most probable next token at every step, for a batch of sentences.

    Args:
        step: The step function (see the module docstring).
        states: The decoder's initial states, batch first (``B`` rows).
        start_id: The token fed at the first step.
        end_id: The token that ends a sentence.
        max_length: At most this many tokens are generated per sentence (``<end>`` included).

    Returns:
        ``B`` lists of token ids, without ``<end>``.
    """
    _check(max_length)
    size = _batch_size(states)
    outputs: list[list[int]] = [[] for _ in range(size)]
    rows = np.arange(size)  # the sentence of each live row
    tokens = np.full(size, start_id, dtype=np.int64)
    for _ in range(max_length):
        if not len(rows):
            break
        log_probs, states = _log_probs(step(tokens, states), len(rows))
        tokens = np.argmax(log_probs, axis=1)
        going = tokens != end_id
        for row, token in zip(rows[going].tolist(), tokens[going].tolist(), strict=True):
            outputs[row].append(token)
        if not going.all():
            keep = np.flatnonzero(going)
            rows, tokens = rows[keep], tokens[keep]
            states = map_states(lambda a, keep=keep: a[keep], states)
    return outputs


def beam_search(
    step: StepFn,
    states: Any,
    *,
    start_id: int,
    end_id: int,
    max_length: int,
    beam_width: int = 4,
    alpha: float = 0.0,
    return_scores: bool = False,
) -> list[list[int]] | tuple[list[list[int]], list[float]]:
    """Beam search for a batch of sentences (see the module docstring for the rules).

    Args:
        step: The step function.
        states: The decoder's initial states, batch first (``B`` rows); each row is repeated
            ``beam_width`` times inside.
        start_id: The token fed at the first step.
        end_id: The token that ends a sentence.
        max_length: At most this many tokens per hypothesis (``<end>`` included); the live
            hypotheses at that length are finished as they are.
        beam_width: Hypotheses kept per sentence; 1 gives :func:`greedy_search`'s output.
        alpha: GNMT length-penalty exponent (0 = none; 0.6-1.0 favours longer outputs).
        return_scores: Also return each chosen hypothesis's ``log P / lp``.

    Returns:
        ``B`` lists of token ids (the best finished hypothesis of each sentence, without
        ``<end>``), and with ``return_scores`` their scores.
    """
    _check(max_length, beam_width)
    if alpha < 0:
        raise ValueError(f"the length penalty alpha must be >= 0, got {alpha}")
    size = _batch_size(states)
    k = int(beam_width)
    # The live sentences; their rows are k consecutive beams each.
    items = np.arange(size)
    states = map_states(lambda a: np.repeat(a, k, axis=0), states)
    tokens = np.full(size * k, start_id, dtype=np.int64)
    history = np.zeros((size * k, 0), dtype=np.int64)
    # Only the first beam of a sentence is live at the start (the others are copies).
    scores = np.tile(np.r_[0.0, np.full(k - 1, -np.inf)], size)
    finished: list[list[tuple[float, list[int]]]] = [[] for _ in range(size)]

    for length in range(1, max_length + 1):
        if not len(items):
            break
        n = len(items)
        log_probs, states = _log_probs(step(tokens, states), n * k)
        vocab = log_probs.shape[1]
        total = (scores[:, None] + log_probs).reshape(n, k * vocab)
        width = min(2 * k, k * vocab)
        # The 2k best extensions per sentence, best first; equal scores in index order,
        # so that with one beam the first of equal maxima is taken, as np.argmax does.
        kth = -np.partition(-total, width - 1, axis=1)[:, width - 1]
        best = np.zeros((n, width), dtype=np.int64)
        for i in range(n):
            candidates = np.flatnonzero(total[i] >= kth[i])
            ranked = np.argsort(-total[i, candidates], kind="stable")[:width]
            best[i] = candidates[ranked]
        best_scores = np.take_along_axis(total, best, axis=1)
        parent, token = best // vocab, best % vocab
        last = length == max_length
        # Unused beams point at their sentence's first row (their score stays -inf).
        new_rows = np.repeat(np.arange(n)[:, None] * k, k, axis=1)
        new_tokens = np.zeros((n, k), dtype=np.int64)
        new_scores = np.full((n, k), -np.inf)
        done = np.zeros(n, dtype=bool)
        penalty = float(length_penalty(length, alpha))
        for i in range(n):
            item = int(items[i])
            alive = 0
            for rank in range(width):
                score = float(best_scores[i, rank])
                if score == -np.inf:
                    break
                row = i * k + int(parent[i, rank])
                if token[i, rank] == end_id:
                    if rank < k:
                        finished[item].append((score / penalty, history[row].tolist()))
                    continue
                if alive < k:
                    new_rows[i, alive] = row
                    new_tokens[i, alive] = token[i, rank]
                    new_scores[i, alive] = score
                    alive += 1
            if last:  # the length guard: live hypotheses finish as they are
                for j in range(alive):
                    row = int(new_rows[i, j])
                    hyp = [*history[row].tolist(), int(new_tokens[i, j])]
                    finished[item].append((float(new_scores[i, j]) / penalty, hyp))
            done[i] = last or alive == 0 or len(finished[item]) >= k
        keep = np.flatnonzero(~done)
        rows = new_rows[keep].reshape(-1)
        history = np.concatenate([history[rows], new_tokens[keep].reshape(-1, 1)], axis=1)
        tokens = new_tokens[keep].reshape(-1)
        scores = new_scores[keep].reshape(-1)
        items = items[keep]
        states = map_states(lambda a, rows=rows: a[rows], states)

    outputs: list[list[int]] = []
    best_scores_out: list[float] = []
    for hyps in finished:
        if not hyps:  # cannot happen with max_length >= 1, kept for safety
            outputs.append([])
            best_scores_out.append(-np.inf)
            continue
        # The first of equal scores wins: the one finished first, as in greedy search.
        score, hyp = max(hyps, key=lambda h: h[0])
        outputs.append(hyp)
        best_scores_out.append(score)
    if return_scores:
        return outputs, best_scores_out
    return outputs
