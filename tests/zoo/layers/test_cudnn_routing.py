"""The cuDNN path's routing and output semantics, on a CPU.

No GPU here, so cuDNN's kernel is replaced by a stand-in with its contract
(Keras' `_cudnn_lstm`: zeros at padded steps, the last output is `h`),
written from the LSTM equations. What is checked is the zoo's side: which
batches go to cuDNN, and that its outputs are patched to Keras' semantics,
so that the layer matches the op-by-op loop for every mask, direction and
`zero_output_for_mask`. The real kernel is checked in `test_gpu.py`.
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import zoo.layers as zl
from zoo.layers import backends, cudnn
from zoo.layers.recurrence import recurrence

D, H = 3, 4
RIGHT_PADDED = [[True] * 6, [True] * 4 + [False] * 2, [True] + [False] * 5]
HOLES = [[True] * 6, [False, True, True, True, False, True], [True] * 3 + [False] * 3]


@pytest.fixture
def fake_gpu(monkeypatch):
    calls = []

    def kernel(x, h0, c0, mask, kernel, recurrent, bias, cell, go_backwards, sequences):
        calls.append(mask is not None)

        def step(x_t, states):
            h, c = states
            z = tf.matmul(x_t, kernel) + tf.matmul(h, recurrent) + bias
            i, f, g, o = tf.split(z, 4, axis=-1)
            c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
            h = tf.sigmoid(o) * tf.tanh(c)
            return h, [h, c]

        last, outputs, (h, c) = recurrence(
            step, x, [h0, c0], H, mask, go_backwards, True, zero_output_for_mask=True
        )
        if mask is not None:
            last = h
        if not sequences:
            outputs = last[:, None]
        return last, outputs, [h, c]

    monkeypatch.setattr(backends, "gpu_available", lambda: True)
    monkeypatch.setattr(cudnn, "_kernel", kernel)
    return calls


def _layers(**kwargs):
    rng = np.random.default_rng(1)
    pair = [zl.LSTM(H, return_state=True, step_backend=s, **kwargs) for s in ("ops", "auto")]
    for layer in pair:
        layer.build((None, None, D))
    values = [rng.normal(scale=0.5, size=w.shape).astype("float32") for w in pair[0].weights]
    for layer in pair:
        layer.set_weights(values)
    return pair


def _run(layer, x, mask):
    with tf.GradientTape() as tape:
        tape.watch(x)
        outputs = layer(x, mask=mask, training=True)
        loss = sum(tf.reduce_sum(o * (k + 1)) for k, o in enumerate(outputs))
    grads = tape.gradient(loss, [x, *layer.trainable_variables])
    return [o.numpy() for o in outputs], [g.numpy() for g in grads]


@pytest.mark.parametrize("sequences", [True, False], ids=["sequences", "last"])
@pytest.mark.parametrize("zeros", [False, True], ids=["carry", "zero_output"])
@pytest.mark.parametrize("go_backwards", [False, True], ids=["forward", "backward"])
@pytest.mark.parametrize("mask", [None, RIGHT_PADDED, HOLES], ids=["none", "right", "holes"])
def test_cudnn_path_matches_the_equations(fake_gpu, mask, go_backwards, zeros, sequences):
    options = {
        "go_backwards": go_backwards,
        "zero_output_for_mask": zeros,
        "return_sequences": sequences,
    }
    reference, layer = _layers(**options)
    assert not layer.supports_jit and reference.supports_jit  # as keras.layers.LSTM on a GPU
    x = tf.constant(np.random.default_rng(2).normal(size=(3, 6, D)).astype("float32"))
    m = None if mask is None else tf.constant(mask)
    expected, actual = _run(reference, x, m), _run(layer, x, m)
    for a, b in zip(actual[0] + actual[1], expected[0] + expected[1], strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5, rtol=1e-5)
    assert layer.backend_choice["training"][0] == "cudnn"
    # cuDNN ran unless the mask had holes (then the XLA loop ran, per batch).
    assert fake_gpu == ([] if mask is HOLES else [mask is not None])


def test_use_cudnn_false_and_forced_step_backend_skip_cudnn(fake_gpu):
    x = np.zeros((2, 3, D), "float32")
    off = zl.LSTM(H, use_cudnn=False)
    forced = zl.LSTM(H, step_backend="ops")
    required = zl.LSTM(H, use_cudnn=True, step_backend="ops")
    for layer in (off, forced, required):
        layer(x, training=True)
    assert off.backend_choice["training"][0] == "xla_loop"  # GPU, no cuDNN
    assert forced.backend_choice["training"][0] == "ops"
    assert required.backend_choice["training"][0] == "cudnn"
    assert fake_gpu == [False]
    assert off.supports_jit and forced.supports_jit and not required.supports_jit


def test_variants_compile_the_whole_loop_on_gpu(fake_gpu):
    x = np.zeros((2, 3, D), "float32")
    for layer in (zl.PeepholeLSTM(H), zl.LayerNormLSTM(H), zl.CIFGLSTM(H)):
        layer(x, training=True)
        layer(x)
        assert layer.backend_choice["training"][0] == "xla_loop"
        assert layer.backend_choice["inference"][0] == "xla_loop"
    assert fake_gpu == []


def test_right_padded_predicate():
    def check(mask):
        return bool(cudnn.right_padded(tf.constant(mask)))

    assert check(RIGHT_PADDED)
    assert not check(HOLES)
    assert not check([[True, True], [False, False]])  # an empty row
    assert not check([[False, True]])
