"""Variants: golden values, reductions to LSTM, and NumPy references."""

import math

import keras
import numpy as np
import pytest
from numpy_reference import lstm_step, run

import zoo.layers as zl

D, H, T = 3, 4, 5
X = np.array([[[0.1 * (t + 1) * (d + 1) for d in range(D)] for t in range(T)]], "float32")


def sig(v):
    return 1.0 / (1.0 + math.exp(-v))


def constant(value):
    return keras.initializers.Constant(value)


def golden(variant):
    """Scalar recursion: with constant weights every unit has the same value."""
    h = c = 0.0
    outs = []
    for t in range(T):
        xs = float(X[0, t].sum())
        if variant == "layernorm":
            # LN of a constant vector is zero: the gates are their biases.
            i, f, g, o = sig(0.5), sig(1.0), math.tanh(0.5), sig(0.5)
            c = f * c + i * g
            h = o * math.tanh(0.3)  # LN(c) = beta
            outs.append(h)
            continue
        recur = (2 if variant == "projection" else H) * h
        z = 0.1 * xs + 0.2 * recur
        if variant == "cifg":
            i = sig(z)
            f = 1 - i
        elif variant == "peephole":
            i, f = sig(z + 0.3 * c), sig(z + 0.3 * c)
        else:
            i, f = sig(z), sig(z)
        g = math.tanh(z)
        c = f * c + i * g
        o = sig(z + 0.3 * c) if variant == "peephole" else sig(z)
        h = o * math.tanh(c)
        if variant == "projection":
            h = 0.1 * H * h
        outs.append(h)
    return np.array(outs)


@pytest.mark.parametrize("variant", ["lstm", "peephole", "cifg", "layernorm", "projection"])
def test_golden_constant_initializers(variant):
    common = dict(
        kernel_initializer=constant(0.1),
        recurrent_initializer=constant(0.2),
        bias_initializer="zeros",
        unit_forget_bias=False,
        return_sequences=True,
    )
    if variant == "lstm":
        layer = zl.LSTM(H, **common)
    elif variant == "peephole":
        layer = zl.PeepholeLSTM(H, peephole_initializer=constant(0.3), **common)
    elif variant == "cifg":
        layer = zl.CIFGLSTM(H, **common)
    elif variant == "projection":
        layer = zl.ProjectionLSTM(
            H, projection_units=2, projection_initializer=constant(0.1), **common
        )
    else:
        common.update(bias_initializer=constant(0.5), unit_forget_bias=True)
        layer = zl.LayerNormLSTM(H, beta_initializer=constant(0.3), **common)
    out = np.asarray(layer(X))[0]
    expected = golden(variant)
    np.testing.assert_allclose(out, np.repeat(expected[:, None], out.shape[1], 1), atol=1e-5)


def test_peephole_with_zero_peepholes_is_lstm():
    x = np.random.default_rng(0).normal(size=(2, 6, D)).astype("float32")
    lstm = zl.LSTM(H, return_sequences=True, return_state=True)
    lstm(x)
    peep = zl.PeepholeLSTM(H, return_sequences=True, return_state=True)
    peep(x)
    peep.set_weights(lstm.get_weights() + [np.zeros(H, "float32")] * 3)
    for a, b in zip(lstm(x), peep(x)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-6)


def test_projection_with_identity_projection_is_lstm():
    """An LSTM of H units inside a ProjectionLSTM of H + E units whose
    projection keeps the first H outputs: the E extra cells never reach the
    recurrence or the output, so it computes the same as the LSTM."""
    extra = 3
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 6, D)).astype("float32")
    lstm = zl.LSTM(H, return_sequences=True)
    lstm(x)
    k, r, b = lstm.get_weights()
    wide = H + extra

    def widen(w):
        blocks = np.split(w, 4, axis=-1)
        pads = [rng.normal(size=blk.shape[:-1] + (extra,)) for blk in blocks]
        return np.concatenate([np.concatenate([blk, p], -1) for blk, p in zip(blocks, pads)], -1)

    proj = zl.ProjectionLSTM(wide, projection_units=H, return_sequences=True)
    proj(x)
    identity = np.concatenate([np.eye(H), np.zeros((extra, H))], 0)
    proj.set_weights([widen(k), widen(r), widen(b), identity])
    np.testing.assert_allclose(np.asarray(proj(x)), np.asarray(lstm(x)), atol=1e-6)


def _perturbed(layer, seed):
    rng = np.random.default_rng(seed)
    weights = [w + rng.normal(0, 0.2, w.shape) for w in layer.get_weights()]
    layer.set_weights(weights)
    return {w.name: np.asarray(w) for w in layer.weights}


@pytest.mark.parametrize("variant", ["lstm", "peephole", "cifg", "layernorm", "projection"])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_numpy_reference(variant, go_backwards):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 7, D)).astype("float32")
    mask = np.ones((3, 7), bool)
    mask[1, 4:] = False
    mask[2, :2] = False
    kw = dict(return_sequences=True, return_state=True, go_backwards=go_backwards)
    layer = {
        "lstm": lambda: zl.LSTM(H, **kw),
        "peephole": lambda: zl.PeepholeLSTM(H, **kw),
        "cifg": lambda: zl.CIFGLSTM(H, **kw),
        "layernorm": lambda: zl.LayerNormLSTM(H, **kw),
        "projection": lambda: zl.ProjectionLSTM(H, projection_units=2, **kw),
    }[variant]()
    layer(x)
    w = _perturbed(layer, 3)
    step = lstm_step(
        w,
        peephole=(
            {g: w[f"{g}_peephole"] for g in ("input", "forget", "output")}
            if variant == "peephole"
            else None
        ),
        layer_norm=variant == "layernorm",
        projection=w.get("projection_kernel"),
        cifg=variant == "cifg",
    )
    states = [np.zeros((3, s)) for s in layer.cell.state_size]
    ref_seq, ref_states = run(step, x, states, mask=mask, go_backwards=go_backwards)
    seq, *final = layer(x, mask=mask)
    np.testing.assert_allclose(np.asarray(seq), ref_seq, atol=1e-5)
    for a, b in zip(final, ref_states):
        np.testing.assert_allclose(np.asarray(a), b, atol=1e-5)


def test_cifg_forget_gate_is_one_minus_input_gate():
    layer = zl.CIFGLSTM(H)
    trace = zl.trace_gates(layer, np.random.default_rng(4).normal(size=(2, 5, D)).astype("float32"))
    np.testing.assert_allclose(trace["forget_gate"], 1 - trace["input_gate"], atol=1e-7)


def test_variants_train(layer_factory):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6, D)), layer_factory(), keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.02), "mse")
    x = np.random.default_rng(5).normal(size=(64, 6, D)).astype("float32")
    y = x[:, :, 0].sum(1, keepdims=True)
    history = model.fit(x, y, epochs=10, batch_size=16, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0]


def test_layer_norm_hand_written_gradients_match_autodiff(monkeypatch):
    """LayerNormLSTM's normalisations carry hand-written gradients; swapping
    in the plain composite formulas (autodiff) must give the same gradients."""
    import tensorflow as tf

    from zoo.layers import layer_norm_lstm as module

    def plain_rms(x, eps):
        return x * tf.math.rsqrt(tf.reduce_mean(tf.square(x), -1, keepdims=True) + eps)

    def plain_standardize(x, eps):
        return plain_rms(x - tf.reduce_mean(x, -1, keepdims=True), eps)

    x = tf.constant(np.random.default_rng(6).normal(size=(3, 5, D)).astype("float32"))
    layer = zl.LayerNormLSTM(H, return_sequences=True)
    layer(x)
    _perturbed(layer, 7)

    def gradients():
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(layer(x) * tf.linspace(-1.0, 1.0, H))
        return tape.gradient(loss, [x, *layer.trainable_variables])

    ours = gradients()
    monkeypatch.setattr(module, "_rms_scale", plain_rms)
    monkeypatch.setattr(module, "_standardize", plain_standardize)
    reference = gradients()
    for a, b in zip(ours, reference):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-4, rtol=1e-4)
