"""Greedy and beam search (`zoo.decoding`) on toy step functions with known answers."""

import itertools
import subprocess
import sys

import numpy as np
import pytest

from zoo.decoding import beam_search, greedy_search, length_penalty

START, END = 0, 1


def log_softmax(x):
    x = x - x.max(axis=-1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


class Markov:
    """Per-sentence trigram tables: log P(next | two before, previous) =
    tables[sentence, two_before, previous].

    The sentence id and the token before the previous one travel in the states (a dict
    holding a tuple), so a search that reorders rows wrongly reads the wrong table.
    """

    def __init__(self, tables):
        tables = np.asarray(tables, dtype=np.float64)
        if tables.ndim == 3:  # a bigram table: the same for every earlier token
            tables = np.repeat(tables[:, None], tables.shape[-1], axis=1)
        self.tables = tables  # [N, V, V, V] log-probabilities

    def initial(self, sentences):
        sentences = np.asarray(sentences)
        return {"sid": sentences, "history": (np.full(len(sentences), START),)}

    def step(self, tokens, states):
        (before,) = states["history"]
        log_probs = self.tables[states["sid"], before, tokens]
        return log_probs, {"sid": states["sid"], "history": (np.array(tokens),)}

    def score(self, sentence, hyp, ended, alpha):
        logp, before, prev = 0.0, START, START
        for tok in [*hyp, END] if ended else hyp:
            logp += self.tables[sentence, before, prev, tok]
            before, prev = prev, tok
        return logp / length_penalty(len(hyp) + int(ended), alpha)

    def brute_force(self, sentence, max_length, alpha):
        """The best hypothesis over every sequence (ended, or cut at max_length)."""
        vocab = self.tables.shape[-1]
        words = [t for t in range(vocab) if t != END]
        best = (-np.inf, None)
        for length in range(0, max_length + 1):
            for hyp in itertools.product(words, repeat=length):
                if length < max_length:
                    best = max(best, (self.score(sentence, hyp, True, alpha), list(hyp)))
                else:  # cut by the length guard
                    best = max(best, (self.score(sentence, hyp, False, alpha), list(hyp)))
        return best


def random_markov(sentences, vocab, seed, sharpness=2.0):
    rng = np.random.default_rng(seed)
    return Markov(log_softmax(sharpness * rng.normal(size=(sentences, vocab, vocab, vocab))))


def test_greedy_follows_the_most_probable_token():
    table = np.full((4, 4), -10.0)
    table[START, 2] = table[2, 3] = table[3, END] = -0.1
    model = Markov(log_softmax(table[None]))
    assert greedy_search(
        model.step, model.initial([0]), start_id=START, end_id=END, max_length=10
    ) == [[2, 3]]


def test_beam_search_escapes_the_greedy_trap():
    # Greedy takes 2 (p=.6) and then meets a flat distribution; 3 (p=.4) ends for sure.
    p = np.full((5, 5), 1e-9)
    p[START, 2], p[START, 3] = 0.6, 0.4
    p[2, :] = 0.2
    p[3, END] = 1.0
    p[4, END] = 1.0
    model = Markov(np.log(p / p.sum(axis=1, keepdims=True))[None])
    states = model.initial([0])
    greedy = greedy_search(model.step, states, start_id=START, end_id=END, max_length=5)
    beam = beam_search(model.step, states, start_id=START, end_id=END, max_length=5, beam_width=2)
    assert greedy[0][0] == 2 and beam == [[3]]


@pytest.mark.parametrize("alpha", [0.0, 0.6, 1.0])
@pytest.mark.parametrize("seed", range(6))
def test_beam_width_one_is_exactly_greedy(seed, alpha):
    model = random_markov(sentences=7, vocab=6, seed=seed, sharpness=1.0 + seed % 3)
    states = model.initial(np.arange(7))
    greedy = greedy_search(model.step, states, start_id=START, end_id=END, max_length=6)
    beam = beam_search(
        model.step, states, start_id=START, end_id=END, max_length=6, beam_width=1, alpha=alpha
    )
    assert beam == greedy


def test_beam_width_one_is_greedy_with_equal_scores():
    table = np.zeros((1, 5, 5))  # every token equally likely: the first index wins
    table[0, 2, :] = np.log([0.1, 0.3, 0.1, 0.3, 0.2])
    model = Markov(table)
    states = model.initial([0])
    args = dict(start_id=START, end_id=END, max_length=4)
    assert beam_search(model.step, states, beam_width=1, **args) == greedy_search(
        model.step, states, **args
    )


@pytest.mark.parametrize("alpha", [0.0, 0.6])
@pytest.mark.parametrize("seed", range(4))
def test_a_wide_beam_finds_the_exhaustive_optimum(seed, alpha):
    model = random_markov(sentences=3, vocab=4, seed=seed)
    found, scores = beam_search(
        model.step,
        model.initial([0, 1, 2]),
        start_id=START,
        end_id=END,
        max_length=3,
        beam_width=64,
        alpha=alpha,
        return_scores=True,
    )
    for sentence in range(3):
        best_score, best_hyp = model.brute_force(sentence, 3, alpha)
        assert found[sentence] == best_hyp
        assert scores[sentence] == pytest.approx(best_score)


@pytest.mark.parametrize("beam_width", [1, 3])
def test_a_batch_decodes_as_its_sentences_alone(beam_width):
    model = random_markov(sentences=5, vocab=7, seed=3)
    args = dict(start_id=START, end_id=END, max_length=8, beam_width=beam_width, alpha=0.6)
    together = beam_search(model.step, model.initial(np.arange(5)), **args)
    alone = [beam_search(model.step, model.initial([i]), **args)[0] for i in range(5)]
    assert together == alone


def test_beam_scores_never_below_greedy_in_log_probability():
    model = random_markov(sentences=20, vocab=6, seed=11, sharpness=1.0)
    states = model.initial(np.arange(20))
    greedy = greedy_search(model.step, states, start_id=START, end_id=END, max_length=6)
    beam = beam_search(model.step, states, start_id=START, end_id=END, max_length=6, beam_width=4)
    for i in range(20):
        beam_logp = model.score(i, beam[i], ended=len(beam[i]) < 6, alpha=0.0)
        greedy_logp = model.score(i, greedy[i], ended=len(greedy[i]) < 6, alpha=0.0)
        assert beam_logp >= greedy_logp - 1e-12


def test_the_length_guard_stops_a_model_that_never_ends():
    table = np.full((1, 4, 4), -10.0)
    table[0, :, END] = -50.0
    table[0, :, 2] = 0.0  # always "2"
    model = Markov(table)
    states = model.initial([0, 0])
    for out in (
        greedy_search(model.step, states, start_id=START, end_id=END, max_length=5),
        beam_search(model.step, states, start_id=START, end_id=END, max_length=5, beam_width=3),
    ):
        assert [len(h) for h in out] == [5, 5]
    assert greedy_search(model.step, states, start_id=START, end_id=END, max_length=1) == [
        [2],
        [2],
    ]


def test_finished_rows_leave_the_batch():
    table = np.full((2, 4, 4), -20.0)
    table[0, START, END] = 0.0  # sentence 0 ends at once
    table[1, START, 2] = table[1, 2, 3] = table[1, 3, END] = 0.0
    model = Markov(table)
    seen = []

    def step(tokens, states):
        seen.append(len(tokens))
        return model.step(tokens, states)

    out = greedy_search(step, model.initial([0, 1]), start_id=START, end_id=END, max_length=9)
    assert out == [[], [2, 3]] and seen == [2, 1, 1]


def test_plain_array_and_list_states():
    def step(tokens, states):
        h, c = states
        log_probs = np.log(np.full((len(tokens), 3), 1 / 3))
        log_probs[:, END] = 0.0
        return log_probs, [h + 1, c]

    out = beam_search(
        step,
        [np.zeros((2, 3)), np.ones((2, 1))],
        start_id=START,
        end_id=END,
        max_length=4,
        beam_width=2,
    )
    assert out == [[], []]


def test_invalid_arguments_raise():
    model = random_markov(1, 4, 0)
    states = model.initial([0])
    with pytest.raises(ValueError, match="max_length"):
        greedy_search(model.step, states, start_id=START, end_id=END, max_length=0)
    with pytest.raises(ValueError, match="beam_width"):
        beam_search(model.step, states, start_id=START, end_id=END, max_length=3, beam_width=0)
    with pytest.raises(ValueError, match="alpha"):
        beam_search(model.step, states, start_id=START, end_id=END, max_length=3, alpha=-1.0)
    with pytest.raises(ValueError, match="batch size"):
        greedy_search(
            model.step, [np.zeros(2), np.zeros(3)], start_id=START, end_id=END, max_length=3
        )
    with pytest.raises(ValueError, match="shape"):
        greedy_search(
            lambda t, s: (np.zeros(4), s), np.zeros(2), start_id=START, end_id=END, max_length=3
        )


def test_decoding_does_not_import_tensorflow():
    code = "import sys, zoo.decoding; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
