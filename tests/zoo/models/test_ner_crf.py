"""The CRF (keras.ops) and the NumPy Viterbi against brute-force enumeration of every
tag path on tiny inputs."""

import itertools

import numpy as np
import pytest

from zoo.models.ner import crf as kcrf
from zoo.models.ner.viterbi import allowed_transitions, split_tag, viterbi

K, T = 4, 5


def problem(seed: int):
    rng = np.random.default_rng(seed)
    emissions = rng.normal(size=(3, T, K)).astype("float32") * 2
    lengths = np.array([T, 3, 1])
    mask = np.arange(T)[None, :] < lengths[:, None]
    transitions = rng.normal(size=(K, K)).astype("float32")
    start, end = rng.normal(size=K).astype("float32"), rng.normal(size=K).astype("float32")
    return emissions, mask, lengths, transitions, start, end


def brute_force(emissions, length, transitions, start, end, allowed=None, allowed_start=None):
    """(log Z, best path) by enumerating all K^length paths."""
    scores = {}
    for path in itertools.product(range(K), repeat=length):
        if allowed_start is not None and not allowed_start[path[0]]:
            continue
        if allowed is not None and any(not allowed[a, b] for a, b in itertools.pairwise(path)):
            continue
        s = start[path[0]] + end[path[-1]] + sum(emissions[t, y] for t, y in enumerate(path))
        s += sum(transitions[a, b] for a, b in itertools.pairwise(path))
        scores[path] = float(s)
    values = np.array(list(scores.values()), np.float64)
    log_z = values.max() + np.log(np.exp(values - values.max()).sum())
    return log_z, max(scores, key=scores.get)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_log_partition_path_score_and_viterbi_match_brute_force(seed):
    emissions, mask, lengths, transitions, start, end = problem(seed)
    log_z = np.asarray(kcrf.log_partition(emissions, mask, transitions, start, end))
    decoded = np.asarray(kcrf.viterbi(emissions, mask, transitions, start, end))
    numpy_paths = viterbi(emissions, lengths, transitions, start, end)
    for row in range(len(lengths)):
        n = lengths[row]
        expected_z, best = brute_force(emissions[row], n, transitions, start, end)
        assert abs(log_z[row] - expected_z) <= 1e-5 * max(1.0, abs(expected_z))
        assert tuple(decoded[row, :n]) == best
        assert (decoded[row, n:] == 0).all()
        assert tuple(numpy_paths[row]) == best
    score = np.asarray(kcrf.path_score(emissions, decoded, mask, transitions, start, end))
    for row in range(len(lengths)):
        n = lengths[row]
        path = decoded[row, :n]
        expected = start[path[0]] + end[path[-1]] + emissions[row, np.arange(n), path].sum()
        expected += sum(transitions[a, b] for a, b in itertools.pairwise(path))
        assert abs(score[row] - expected) <= 1e-4


def test_gradients_are_finite_and_the_loss_is_a_negative_log_likelihood():
    import tensorflow as tf

    emissions, mask, lengths, transitions, start, end = problem(3)
    layer = kcrf.CRF(K)
    layer.build((None, None, K))
    layer.transitions.assign(transitions)
    tags = np.random.default_rng(0).integers(0, K, size=(3, T)).astype("int32")
    x = tf.Variable(emissions)
    with tf.GradientTape() as tape:
        nll = -layer.log_likelihood(x, tags, mask)
        total = tf.reduce_sum(nll)
    grads = tape.gradient(total, [x, layer.transitions, layer.start, layer.end])
    assert all(np.isfinite(np.asarray(g)).all() for g in grads)
    assert (np.asarray(nll) > 0).all()  # each path has probability < 1
    # gradient w.r.t. padded emissions is exactly zero
    assert np.abs(np.asarray(grads[0])[~mask]).max() == 0.0
    loss = kcrf.CRFLoss(layer)(np.where(mask, tags, -1), emissions)
    assert abs(float(loss) - float(np.mean(nll))) <= 1e-4


def test_numpy_viterbi_equals_keras_viterbi_on_random_batches():
    rng = np.random.default_rng(7)
    tags = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
    allowed, allowed_start = allowed_transitions(tags)
    for _ in range(5):
        emissions = rng.normal(size=(8, 9, len(tags))).astype("float32") * 3
        lengths = rng.integers(1, 10, size=8)
        mask = np.arange(9)[None, :] < lengths[:, None]
        weights = [rng.normal(size=s).astype("float32") for s in ((5, 5), (5,), (5,))]
        for constraint in ((None, None), (allowed, allowed_start)):
            keras_paths = np.asarray(kcrf.viterbi(emissions, mask, *weights, *constraint))
            numpy_paths = viterbi(emissions, lengths, *weights, *constraint)
            for row, path in enumerate(numpy_paths):
                assert list(path) == list(keras_paths[row, : lengths[row]])


def test_constrained_decoding_never_outputs_an_invalid_transition():
    tags = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG"]
    allowed, allowed_start = allowed_transitions(tags)
    rng = np.random.default_rng(1)
    # emissions that push towards I- tags everywhere: unconstrained decoding breaks the scheme
    emissions = rng.normal(size=(64, 7, 5)).astype("float32")
    emissions[:, :, [2, 4]] += 3.0
    weights = (np.zeros((5, 5), "float32"), np.zeros(5, "float32"), np.zeros(5, "float32"))
    free = viterbi(emissions, [7] * 64, *weights)
    constrained = viterbi(emissions, [7] * 64, *weights, allowed, allowed_start)

    def invalid(path) -> int:
        count, previous = 0, "O"
        for i in path:
            prefix, kind = split_tag(tags[i])
            if prefix == "I" and (previous == "O" or split_tag(previous)[1] != kind):
                count += 1
            previous = tags[i]
        return count

    assert sum(invalid(p) for p in free) > 0  # the test can fail
    assert sum(invalid(p) for p in constrained) == 0
