"""The XLA-compiled element-wise step (`zoo.layers.fused`) against the plain
op-by-op step: same outputs, same gradients, used exactly when intended."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import zoo.layers as zl
from zoo.layers.backends import set_xla_cells

D = 4


@pytest.fixture
def plain_cells():
    set_xla_cells(False)
    yield
    set_xla_cells(True)


def _outputs_and_gradients(layer, x, mask):
    with tf.GradientTape() as tape:
        tape.watch(x)
        outputs = layer(x, mask=mask, training=True)
        y, h, c = outputs
        weights = tf.linspace(-1.0, 1.0, y.shape[-1])
        loss = tf.reduce_sum(y * weights) + tf.reduce_sum(h) + 0.5 * tf.reduce_sum(c)
    grads = tape.gradient(loss, [x, *layer.trainable_variables])
    return [o.numpy() for o in outputs], [g.numpy() for g in grads]


def _assert_same(fused, plain):
    """Outputs within 1e-5; gradients within 1e-4 (float32 sums over steps
    and batch taken in another order), as in the parity tests."""
    for a, b in zip(fused[0], plain[0], strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5, rtol=1e-5)
    for a, b in zip(fused[1], plain[1], strict=True):
        np.testing.assert_allclose(a, b, atol=1e-4, rtol=1e-4)


def _layer_pair(layer_factory, **kwargs):
    """Two identical layers (same weights, not zero-initialised norms)."""
    rng = np.random.default_rng(3)
    layers = []
    for _ in range(2):
        layer = layer_factory(return_sequences=True, return_state=True, **kwargs)
        layer.build((None, None, D))
        layers.append(layer)
    for index, w in enumerate(layers[0].get_weights()):
        value = w + rng.normal(scale=0.3, size=w.shape).astype("float32")
        layers[0].weights[index].assign(value)
        layers[1].weights[index].assign(value)
    return layers


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_xla_step_matches_plain_step(layer_factory, masked, go_backwards, plain_cells):
    fused_layer, plain_layer = _layer_pair(layer_factory, go_backwards=go_backwards)
    x = tf.constant(np.random.default_rng(4).normal(size=(3, 7, D)).astype("float32"))
    mask = (
        tf.constant([[True] * 7, [False] * 2 + [True] * 5, [True] * 4 + [False] * 3])
        if masked
        else None
    )
    plain = _outputs_and_gradients(plain_layer, x, mask)
    set_xla_cells(True)
    fused = _outputs_and_gradients(fused_layer, x, mask)
    _assert_same(fused, plain)


def test_xla_step_with_dropout_matches_plain_step(layer_factory, plain_cells):
    kwargs = {"dropout": 0.2, "recurrent_dropout": 0.3, "seed": 11}
    fused_layer, plain_layer = _layer_pair(layer_factory, **kwargs)
    x = tf.constant(np.random.default_rng(6).normal(size=(3, 5, D)).astype("float32"))
    plain = _outputs_and_gradients(plain_layer, x, None)
    set_xla_cells(True)
    fused = _outputs_and_gradients(fused_layer, x, None)
    _assert_same(fused, plain)


def _compiled_functions(layer, training):
    x = tf.zeros((2, 5, D))
    fn = tf.function(lambda x: layer(x, training=training))
    library = fn.get_concrete_function(x).graph.as_graph_def().library.function
    return [f for f in library if f.attr["_XlaMustCompile"].b]


def test_xla_step_is_used_in_training_only(layer_factory, plain_cells):
    layer = layer_factory()
    layer.build((None, None, D))
    assert _compiled_functions(layer, training=True) == []  # turned off
    set_xla_cells(True)
    assert len(_compiled_functions(layer, training=True)) == 1  # the forward step
    assert _compiled_functions(layer, training=False) == []


def test_fit_with_xla_step_and_with_whole_step_jit_compiled():
    x = np.random.default_rng(5).normal(size=(32, 6, D)).astype("float32")
    y = x[:, :, :1].sum(1)
    losses = {}
    for jit in (False, True):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((6, D)), zl.LayerNormLSTM(8), keras.layers.Dense(1)])
        model.compile(keras.optimizers.Adam(0.01), "mse", jit_compile=jit)
        losses[jit] = model.fit(x, y, epochs=4, batch_size=8, verbose=0).history["loss"]
    assert losses[False][-1] < losses[False][0]
    np.testing.assert_allclose(losses[True], losses[False], rtol=1e-4)


def test_environment_variable_turns_the_xla_step_off(monkeypatch):
    """`LSTM_ZOO_XLA_CELLS` is read when a layer is traced (not at import), unless
    `set_xla_cells` decided."""
    from zoo.layers.backends import set_xla_cells, xla_cells_enabled

    set_xla_cells(None)
    for value, expected in (("0", False), ("1", True)):
        monkeypatch.setenv("LSTM_ZOO_XLA_CELLS", value)
        assert xla_cells_enabled() is expected
    monkeypatch.setenv("LSTM_ZOO_XLA_CELLS", "1")
    set_xla_cells(False)
    try:
        assert xla_cells_enabled() is False
    finally:
        set_xla_cells(None)
