"""On a GPU: cuDNN against the gate equations, and the XLA loop of the variants.

Marked `gpu`; every test skips where TensorFlow sees no GPU. TensorFloat-32
is turned off so that float32 means float32 (the 1e-5 comparison).
Run with `pytest -m gpu tests/zoo/layers/test_gpu.py` on a machine with one.
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import zoo.layers as zl

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not tf.config.list_logical_devices("GPU"), reason="no GPU"),
]

D, H, T = 8, 16, 12
RIGHT_PADDED = np.arange(T)[None, :] < np.array([T, 9, 4, 1])[:, None]
HOLES = RIGHT_PADDED.copy()
HOLES[0, 3] = False


@pytest.fixture(autouse=True)
def exact_float32():
    tf.config.experimental.enable_tensor_float_32_execution(False)
    yield
    tf.config.experimental.enable_tensor_float_32_execution(True)


def _pair(factory, **kwargs):
    """The gate equations (op by op, no cuDNN) and the automatic layer."""
    rng = np.random.default_rng(0)
    pair = [
        factory(return_state=True, use_cudnn=False, step_backend="ops", **kwargs),
        factory(return_state=True, **kwargs),
    ]
    for layer in pair:
        layer.build((None, None, D))
    values = [rng.normal(scale=0.4, size=w.shape).astype("float32") for w in pair[0].weights]
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


def _ops_of(layer, x, mask):
    fn = tf.function(lambda x: layer(x, mask=mask, training=True))
    graph = fn.get_concrete_function(x).graph.as_graph_def()
    names = {n.op for n in graph.node}
    for function in graph.library.function:
        names |= {n.op for n in function.node_def}
    return names


@pytest.mark.parametrize("go_backwards", [False, True], ids=["forward", "backward"])
@pytest.mark.parametrize("sequences", [True, False], ids=["sequences", "last"])
@pytest.mark.parametrize("mask", [None, RIGHT_PADDED, HOLES], ids=["none", "right", "holes"])
def test_cudnn_matches_the_gate_equations(mask, sequences, go_backwards):
    reference, layer = _pair(
        lambda **kw: zl.LSTM(H, **kw), return_sequences=sequences, go_backwards=go_backwards
    )
    x = tf.constant(np.random.default_rng(1).normal(size=(4, T, D)).astype("float32"))
    m = None if mask is None else tf.constant(mask)
    expected, actual = _run(reference, x, m), _run(layer, x, m)
    for a, b in zip(actual[0], expected[0], strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5, rtol=1e-5)
    for a, b in zip(actual[1], expected[1], strict=True):
        np.testing.assert_allclose(a, b, atol=1e-4, rtol=1e-4)
    assert layer.backend_choice["training"][0] == "cudnn"
    assert "CudnnRNNV3" in _ops_of(layer, x, m)
    assert "CudnnRNNV3" not in _ops_of(reference, x, m)


@pytest.mark.parametrize(
    "factory",
    [
        lambda **kw: zl.PeepholeLSTM(H, peephole_initializer="glorot_uniform", **kw),
        lambda **kw: zl.CIFGLSTM(H, **kw),
        lambda **kw: zl.LayerNormLSTM(H, **kw),
        lambda **kw: zl.ProjectionLSTM(H, projection_units=H // 2, **kw),
    ],
    ids=["peephole", "cifg", "layer_norm", "projection"],
)
def test_variants_run_the_whole_loop_under_xla(factory):
    reference, layer = _pair(factory, return_sequences=True)
    x = tf.constant(np.random.default_rng(2).normal(size=(4, T, D)).astype("float32"))
    m = tf.constant(RIGHT_PADDED)
    expected, actual = _run(reference, x, m), _run(layer, x, m)
    for a, b in zip(actual[0], expected[0], strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5, rtol=1e-5)
    for a, b in zip(actual[1], expected[1], strict=True):
        np.testing.assert_allclose(a, b, atol=1e-4, rtol=1e-4)
    assert layer.backend_choice["training"][0] == "xla_loop"


def test_use_cudnn_false_and_trace_gates():
    layer = zl.LSTM(H, use_cudnn=False, return_sequences=True)
    x = np.random.default_rng(3).normal(size=(2, T, D)).astype("float32")
    layer(x, training=True)
    assert layer.backend_choice["training"][0] != "cudnn"
    cudnn = zl.LSTM(H, return_sequences=True)
    y = cudnn(x)
    assert cudnn.backend_choice["inference"][0] == "cudnn"
    trace = zl.trace_gates(cudnn, x)
    np.testing.assert_allclose(trace["hidden"], y.numpy(), atol=1e-5)


def test_cudnn_trains_under_mixed_float16():
    import keras

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(4).normal(size=(32, T, D)).astype("float32")
    y = x[:, :, :1].sum(axis=1)
    model = keras.Sequential(
        [keras.Input((T, D)), zl.LSTM(H, dtype="mixed_float16"), keras.layers.Dense(1)]
    )
    model.compile(keras.optimizers.Adam(0.02), "mse")
    history = model.fit(x, y, epochs=5, batch_size=8, verbose=0).history["loss"]
    assert model.layers[0].backend_choice["training"][0] == "cudnn"
    assert np.isfinite(history).all() and history[-1] < history[0]
