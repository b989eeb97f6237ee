"""zoo.layers.LSTM against keras.layers.LSTM with copied weights."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import zoo.layers as zl

ATOL = 1e-5


def pair(units=6, input_dim=5, seed=0, batch=None, **kwargs):
    """A keras LSTM and a zoo LSTM with the same weights."""
    keras.utils.set_random_seed(seed)
    ref = keras.layers.LSTM(units, **kwargs)
    ref.build((batch, None, input_dim))
    ours = zl.LSTM(units, **kwargs)
    ours.build((batch, None, input_dim))
    weights = [w + np.random.default_rng(seed).normal(0, 0.1, w.shape) for w in ref.get_weights()]
    ref.set_weights(weights)
    ours.set_weights(weights)
    return ref, ours


def assert_close(a, b, atol=ATOL):
    a, b = tree_list(a), tree_list(b)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), atol=atol, rtol=0)


def tree_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("return_state", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_outputs_and_states(return_sequences, return_state, go_backwards):
    ref, ours = pair(
        return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards
    )
    x = np.random.default_rng(1).normal(size=(3, 7, 5)).astype("float32")
    assert_close(ref(x), ours(x))


def test_initial_state():
    ref, ours = pair(return_state=True)
    x = np.random.default_rng(2).normal(size=(2, 4, 5)).astype("float32")
    h0 = np.random.default_rng(3).normal(size=(2, 6)).astype("float32")
    c0 = np.random.default_rng(4).normal(size=(2, 6)).astype("float32")
    assert_close(ref(x, initial_state=[h0, c0]), ours(x, initial_state=[h0, c0]))


@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_masked_embedding(padding, go_backwards, return_sequences):
    if padding == "post":
        tokens = np.array([[4, 5, 6, 7, 8, 9], [3, 2, 0, 0, 0, 0], [1, 1, 1, 1, 0, 0]])
    else:
        tokens = np.array([[4, 5, 6, 7, 8, 9], [0, 0, 0, 0, 3, 2], [0, 0, 1, 1, 1, 1]])
    outs = []
    for cls in (keras.layers.LSTM, zl.LSTM):
        keras.utils.set_random_seed(7)
        inp = keras.Input((6,), dtype="int32")
        emb = keras.layers.Embedding(10, 4, mask_zero=True)(inp)
        out = cls(
            5, go_backwards=go_backwards, return_sequences=return_sequences, return_state=True
        )(emb)
        outs.append(keras.Model(inp, out))
    outs[1].set_weights(outs[0].get_weights())
    assert_close(outs[0](tokens), outs[1](tokens))


@pytest.mark.parametrize("padding", ["pre", "post"])
def test_masking_layer(padding):
    x = np.random.default_rng(5).normal(size=(3, 6, 4)).astype("float32")
    if padding == "pre":
        x[1, :3] = 0.0
        x[2, :1] = 0.0
    else:
        x[1, 3:] = 0.0
        x[2, 5:] = 0.0
    models = []
    for cls in (keras.layers.LSTM, zl.LSTM):
        inp = keras.Input((6, 4))
        out = cls(5, return_sequences=True)(keras.layers.Masking(0.0)(inp))
        models.append(keras.Model(inp, out))
    models[1].set_weights(models[0].get_weights())
    assert_close(models[0](x), models[1](x))


def test_stateful_two_batches_and_reset():
    ref, ours = pair(stateful=True, return_state=True, batch=2)
    rng = np.random.default_rng(6)
    x1, x2 = (rng.normal(size=(2, 5, 5)).astype("float32") for _ in range(2))
    assert_close(ref(x1), ours(x1))
    assert_close(ref(x2), ours(x2))
    second = np.asarray(ours(x2)[0])
    ref.reset_states()
    ours.reset_states()
    assert_close(ref(x1), ours(x1))
    # The carried state matters: x2 after x1 differs from x2 after a reset.
    ours.reset_states()
    fresh = np.asarray(ours(x2)[0])
    assert not np.allclose(second, fresh, atol=1e-4)


@pytest.mark.parametrize("merge_mode", ["concat", "sum"])
def test_bidirectional_with_mask(merge_mode):
    tokens = np.array([[1, 2, 3, 4, 5], [6, 7, 0, 0, 0], [0, 0, 8, 9, 1]])
    models = []
    for cls in (keras.layers.LSTM, zl.LSTM):
        keras.utils.set_random_seed(11)
        inp = keras.Input((5,), dtype="int32")
        emb = keras.layers.Embedding(10, 4, mask_zero=True)(inp)
        seq = keras.layers.Bidirectional(cls(3, return_sequences=True), merge_mode=merge_mode)(emb)
        last = keras.layers.Bidirectional(cls(2, return_state=True))(seq)
        models.append(keras.Model(inp, last))
    models[1].set_weights(models[0].get_weights())
    assert_close(models[0](tokens), models[1](tokens))


def test_dropout_is_off_at_inference():
    ref, ours = pair(dropout=0.4, recurrent_dropout=0.3, return_sequences=True)
    x = np.random.default_rng(8).normal(size=(3, 6, 5)).astype("float32")
    assert_close(ref(x, training=False), ours(x, training=False))
    # ...and on in training: two training calls differ from inference.
    assert not np.allclose(np.asarray(ours(x, training=True)), np.asarray(ours(x)), atol=1e-3)


@pytest.mark.parametrize("training", [False, True])  # True: the XLA step
@pytest.mark.parametrize("mask", [False, True])
def test_gradients(mask, training):
    ref, ours = pair(return_sequences=True)
    x = tf.constant(np.random.default_rng(9).normal(size=(3, 6, 5)).astype("float32"))
    m = (
        tf.constant([[True] * 6, [True] * 3 + [False] * 3, [False] * 2 + [True] * 4])
        if mask
        else None
    )
    grads = []
    for layer in (ref, ours):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = layer(x, mask=m, training=training)
            loss = tf.reduce_sum(y * tf.linspace(0.1, 1.0, 6)[None, :, None])
        grads.append(tape.gradient(loss, [x, *layer.trainable_variables]))
    for a, b in zip(*grads):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-4, rtol=0)


def test_graph_mode_and_fit():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((8, 3)), zl.LSTM(4), keras.layers.Dense(1)])
    model.compile("adam", "mse")
    x = np.random.default_rng(0).normal(size=(32, 8, 3)).astype("float32")
    y = x.sum(axis=(1, 2))[:, None]
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
