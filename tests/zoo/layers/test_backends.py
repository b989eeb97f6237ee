"""Every time-loop path computes the same equations; the options that pick one.

Each path is forced with `step_backend` and compared with the op-by-op zoo
loop: outputs within 1e-5, gradients within 1e-4 (float32 sums over steps
and batch taken in another order), as in the parity tests.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

import zoo.layers as zl
from zoo.layers import backends

D = 4
PATHS = ["xla", "keras_rnn", "xla_loop"]
MASK = [[True] * 7, [False] * 2 + [True] * 5, [True] * 4 + [False] * 3]


def _pair(layer_factory, path, **kwargs):
    """The reference layer (op by op) and one on `path`, same weights."""
    rng = np.random.default_rng(3)
    layers = []
    for backend in ("ops", path):
        layer = layer_factory(
            return_sequences=True, return_state=True, step_backend=backend, **kwargs
        )
        layer.build((None, None, D))
        layers.append(layer)
    values = [
        w + rng.normal(scale=0.3, size=w.shape).astype("float32") for w in layers[0].get_weights()
    ]
    for layer in layers:
        layer.set_weights(values)
    return layers


def _run(layer, x, mask, training=True):
    with tf.GradientTape() as tape:
        tape.watch(x)
        outputs = layer(x, mask=mask, training=training)
        y, h, c = outputs
        weights = tf.linspace(-1.0, 1.0, y.shape[-1])
        loss = tf.reduce_sum(y * weights) + tf.reduce_sum(h) + 0.5 * tf.reduce_sum(c)
    grads = tape.gradient(loss, [x, *layer.trainable_variables])
    return [o.numpy() for o in outputs], [g.numpy() for g in grads]


def _assert_same(actual, expected):
    for a, b in zip(actual[0], expected[0], strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5, rtol=1e-5)
    for a, b in zip(actual[1], expected[1], strict=True):
        np.testing.assert_allclose(a, b, atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize(
    "go_backwards, masked",
    [(False, False), (False, True), (True, True)],
    ids=["forward-dense", "forward-masked", "backward-masked"],
)
@pytest.mark.parametrize("path", PATHS)
def test_each_path_matches_the_op_by_op_loop(layer_factory, path, go_backwards, masked):
    reference, layer = _pair(layer_factory, path, go_backwards=go_backwards)
    x = tf.constant(np.random.default_rng(4).normal(size=(3, 7, D)).astype("float32"))
    mask = tf.constant(MASK) if masked else None
    expected = _run(reference, x, mask)
    _assert_same(_run(layer, x, mask), expected)
    assert layer.backend_choice["training"][0] == path
    assert reference.backend_choice["training"][0] == "ops"


@pytest.mark.parametrize("path", PATHS)
def test_paths_share_the_dropout_masks(path):
    """One mask per sequence, drawn by keras.layers.RNN before the loop: the
    same seed gives the same masks, and so the same result, on every path."""
    kwargs = {"dropout": 0.3, "recurrent_dropout": 0.2, "seed": 7}
    reference, layer = _pair(lambda **kw: zl.LSTM(5, **kw), path, **kwargs)
    x = tf.constant(np.random.default_rng(6).normal(size=(3, 6, D)).astype("float32"))
    expected = _run(reference, x, None)
    _assert_same(_run(layer, x, None), expected)
    without = _run(reference, x, None, training=False)
    assert not np.allclose(without[0][0], expected[0][0], atol=1e-3)  # dropout did act


def test_implementation_one_matches_two(layer_factory):
    rng = np.random.default_rng(8)
    x = tf.constant(rng.normal(size=(2, 5, D)).astype("float32"))
    one = layer_factory(return_sequences=True, implementation=1)
    two = layer_factory(return_sequences=True, implementation=2)
    one.build((None, None, D))
    two.build((None, None, D))
    two.set_weights(one.get_weights())
    np.testing.assert_allclose(one(x).numpy(), two(x).numpy(), atol=1e-6)
    assert one.implementation == 1 and one.get_config()["implementation"] == 1
    with pytest.raises(ValueError, match="implementation"):
        layer_factory(implementation=3)


def test_options_are_in_the_config_and_round_trip(layer_factory):
    layer = layer_factory(use_cudnn=False, step_backend="ops", implementation=1)
    config = layer.get_config()
    assert (config["use_cudnn"], config["step_backend"], config["implementation"]) == (
        False,
        "ops",
        1,
    )
    clone = type(layer).from_config(config)
    assert (clone.use_cudnn, clone.step_backend, clone.cell.implementation) == (False, "ops", 1)
    defaults = layer_factory().get_config()
    assert (defaults["use_cudnn"], defaults["step_backend"], defaults["implementation"]) == (
        "auto",
        "auto",
        2,
    )


@pytest.mark.parametrize(
    "argument, value", [("use_cudnn", "yes"), ("use_cudnn", 1), ("step_backend", "fast")]
)
def test_bad_option_values_are_rejected_by_name(argument, value):
    with pytest.raises(ValueError, match=f"`{argument}`.*{value!r}"):
        zl.LSTM(3, **{argument: value})


def test_use_cudnn_true_without_gpu_is_an_error_at_call_as_in_keras():
    x = np.zeros((2, 3, D), "float32")
    for cls in (keras.layers.LSTM, zl.LSTM):
        with pytest.raises(ValueError, match="use_cudnn=True"):
            cls(3, use_cudnn=True)(x)


def test_use_cudnn_true_names_why_cudnn_cannot_run(monkeypatch):
    monkeypatch.setattr(backends, "gpu_available", lambda: True)
    x = np.zeros((2, 3, D), "float32")
    cases = {
        "equations are not cuDNN": zl.PeepholeLSTM(3, use_cudnn=True),
        "activation='tanh'": zl.LSTM(3, activation="relu", use_cudnn=True),
        "recurrent_dropout": zl.LSTM(3, recurrent_dropout=0.2, use_cudnn=True),
    }
    for reason, layer in cases.items():
        with pytest.raises(ValueError, match=reason):
            layer(x, training=True)


def test_cudnn_reasons():
    cases = {
        zl.LSTM(3): "no GPU",
        zl.CIFGLSTM(3): "CIFGLSTMCell's equations are not cuDNN's",
        zl.LayerNormLSTM(3): "LayerNormLSTMCell's equations",
        zl.ProjectionLSTM(4, projection_units=2): "ProjectionLSTMCell's equations",
        zl.LSTM(3, unroll=True): "unroll=True",
        zl.LSTM(3, dtype="mixed_bfloat16"): "compute dtype bfloat16",
    }
    for layer, reason in cases.items():
        assert reason in backends.cudnn_reason(layer), layer.name
    assert backends.cudnn_reason(zl.LSTM(3), check_device=False) is None


def test_automatic_choice_on_cpu(monkeypatch):
    monkeypatch.setenv("LSTM_ZOO_AUTOTUNE", "0")
    x = np.zeros((2, 3, D), "float32")
    layer = zl.LSTM(3)
    layer(x)
    with tf.GradientTape():
        layer(x, training=True)
    assert layer.backend_choice["inference"][0] == "ops"
    assert layer.backend_choice["training"][0] == "xla"
    assert "LSTM_ZOO_AUTOTUNE=0" in layer.backend_choice["training"][1]
    text = zl.describe_backend(layer)
    assert "[training]: xla" in text and "[inference]: ops" in text


def test_unroll_runs_keras_driver():
    layer = zl.LSTM(3, unroll=True, step_backend="xla")
    layer(np.zeros((2, 3, D), "float32"), training=True)
    assert layer.backend_choice["training"] == ("keras_rnn", "unroll=True: Keras' unrolled driver")


def test_xla_switch_is_read_lazily_from_the_environment(monkeypatch):
    monkeypatch.setenv("LSTM_ZOO_AUTOTUNE", "0")
    backends.set_xla_cells(None)
    monkeypatch.setenv("LSTM_ZOO_XLA_CELLS", "0")
    assert not zl.xla_cells_enabled()
    layer = zl.LSTM(3)
    layer(np.zeros((2, 3, D), "float32"), training=True)
    assert layer.backend_choice["training"][0] == "ops"
    monkeypatch.setenv("LSTM_ZOO_XLA_CELLS", "1")
    assert zl.xla_cells_enabled()
    zl.set_xla_cells(False)
    assert not zl.xla_cells_enabled()
    zl.set_xla_cells(None)
    assert zl.xla_cells_enabled()


def test_loop_override_is_scoped():
    calls = []

    def hook(layer, sequences, initial_state, mask, training):
        calls.append(layer.name)
        return None  # decline: the forced path runs

    x = np.zeros((2, 3, D), "float32")
    layer = zl.LSTM(3, step_backend="xla")
    with backends.loop_override(hook, path="ops"):
        layer(x, training=True)
    assert calls == [layer.name]
    assert layer.backend_choice["training"] == ("ops", "forced by loop_override")
    layer(x, training=True)
    assert calls == [layer.name] and layer.backend_choice["training"][0] == "xla"
    with pytest.raises(ValueError, match="path"), backends.loop_override(path="fast"):
        pass


def test_bidirectional_keeps_the_options():
    bidi = keras.layers.Bidirectional(zl.LSTM(3, use_cudnn=False, step_backend="keras_rnn"))
    for layer in (bidi.forward_layer, bidi.backward_layer):
        assert (layer.use_cudnn, layer.step_backend) == (False, "keras_rnn")


def test_facts_are_not_inherited():
    from zoo.layers.facts import OnnxLSTMFacts, declared_onnx_facts

    class Variant(zl.LSTMCell):
        def cell_update(self, zx, zh, c_prev, weights):
            return super().cell_update(zx, 2 * zh, c_prev, weights)

    assert declared_onnx_facts(zl.LSTMCell(3)) == OnnxLSTMFacts("ifco")
    assert declared_onnx_facts(Variant(3)) is None
    assert declared_onnx_facts(zl.LayerNormLSTMCell(3)) is None
    assert declared_onnx_facts(zl.CIFGLSTMCell(3)).input_forget
    with pytest.raises(ValueError):
        OnnxLSTMFacts(gate_order="ifco", input_forget=True)
