"""trace_gates returns every gate per step, consistent with the layer."""

import keras
import numpy as np

import zoo.layers as zl


def test_trace_matches_layer_outputs(layer_factory):
    layer = layer_factory(return_sequences=True, return_state=True)
    x = np.random.default_rng(0).normal(size=(2, 6, 3)).astype("float32")
    seq, h, c = layer(x)
    trace = zl.trace_gates(layer, x)
    for name in ("input_gate", "forget_gate", "candidate", "output_gate", "cell", "hidden"):
        assert trace[name].shape[:2] == (2, 6), name
    np.testing.assert_allclose(trace["hidden"], np.asarray(seq), atol=1e-6)
    np.testing.assert_allclose(trace["cell"][:, -1], np.asarray(c), atol=1e-6)
    for gate in ("input_gate", "forget_gate", "output_gate"):
        assert trace[gate].min() >= 0.0 and trace[gate].max() <= 1.0


def test_trace_go_backwards_is_in_input_order():
    layer = zl.LSTM(4, go_backwards=True, return_sequences=True)
    x = np.random.default_rng(1).normal(size=(1, 5, 3)).astype("float32")
    seq = np.asarray(layer(x))  # produced in reverse order
    trace = zl.trace_gates(layer, x)
    np.testing.assert_allclose(trace["hidden"], seq[:, ::-1], atol=1e-6)


def test_trace_model_with_mask_and_bidirectional(tmp_path):
    inp = keras.Input((6,), dtype="int32")
    emb = keras.layers.Embedding(20, 4, mask_zero=True)(inp)
    seq = keras.layers.Bidirectional(zl.LSTM(3, return_sequences=True, name="words"))(emb)
    out = zl.CIFGLSTM(2, name="summary")(seq)
    model = keras.Model(inp, out)
    tokens = np.array([[0, 0, 3, 4, 5, 6], [1, 2, 3, 0, 0, 0]])
    traces = zl.trace_gates(model, tokens)
    assert list(traces) == ["forward_words", "backward_words", "summary"]
    last = traces["summary"]
    np.testing.assert_array_equal(last.mask, tokens > 0)
    # Padded steps fire no gate; the state carries over to the output.
    assert np.isnan(last["forget_gate"][0, :2]).all()
    assert np.isfinite(last["forget_gate"][0, 2:]).all()
    np.testing.assert_allclose(last["hidden"][:, -1], np.asarray(model(tokens)), atol=1e-6)
    path = zl.plot_gates(last, tmp_path / "gates.png", tokens=["a", "b", "c", "d", "e", "f"])
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000


def test_forget_gate_controls_memory():
    """A forget bias far below zero empties the memory each step, far above
    keeps it: the picture the heatmaps are meant to show."""
    x = np.random.default_rng(2).normal(size=(1, 8, 3)).astype("float32")
    forgetful = zl.LSTM(4, unit_forget_bias=False, bias_initializer="zeros")
    forgetful(x)
    k, r, b = forgetful.get_weights()
    b[4:8] = -20.0
    forgetful.set_weights([k, r, b])
    trace = zl.trace_gates(forgetful, x)
    assert trace["forget_gate"].max() < 1e-6
    np.testing.assert_allclose(trace["cell"], trace["input_gate"] * trace["candidate"], atol=1e-6)
