"""Zoo layers export as single ONNX `LSTM` nodes and match Keras to 1e-5.

Each case builds a small Keras model around one recurrent layer, randomises
its weights, converts it and compares onnxruntime with Keras on inputs that
include post-padding, pre-padding, a hole and an all-padding row.
"""

from __future__ import annotations

import keras
import numpy as np
import onnx
import pytest
from onnx_helpers import max_abs_diff, run_onnx

import zoo.layers as zl
from export.convert import InputSpec, keras_to_onnx

FUSABLE = {
    "lstm": zl.LSTM,
    "peephole": zl.PeepholeLSTM,
    "cifg": zl.CIFGLSTM,
}
OPTIONS = {
    "last": {},
    "sequences": {"return_sequences": True},
    "states": {"return_sequences": True, "return_state": True},
    "backwards": {"go_backwards": True, "return_sequences": True},
    "hard_sigmoid": {"recurrent_activation": "hard_sigmoid"},
}


def _inputs(rng, masked: bool) -> np.ndarray:
    x = rng.normal(size=(4, 6, 3)).astype("float32")
    if masked:
        x[0, 4:] = 0  # post-padding
        x[1, :2] = 0  # pre-padding
        x[2, 2] = 0  # a hole
        x[3, :] = 0  # nothing valid
    return x


def _convert(build, x, rng):
    inputs = keras.Input((None, x.shape[-1]))
    model = keras.Model(inputs, build(inputs))
    for weight in model.weights:
        weight.assign(rng.normal(scale=0.5, size=weight.shape).astype("float32"))
    expected = model(x)
    expected = list(expected) if isinstance(expected, (list, tuple)) else [expected]
    names = [f"out{i}" for i in range(len(expected))]
    graph = keras_to_onnx(model, [InputSpec("x", (None, None, x.shape[-1]))], names)
    onnx.checker.check_model(graph.model, full_check=True)
    return graph, expected, run_onnx(graph.model, {"x": x})


@pytest.mark.parametrize("masked", [False, True], ids=["dense", "masked"])
@pytest.mark.parametrize("option", list(OPTIONS))
@pytest.mark.parametrize("kind", list(FUSABLE))
def test_fusable_layer_is_one_lstm_node(kind, option, masked, rng):
    def build(inputs):
        x = keras.layers.Masking()(inputs) if masked else inputs
        return FUSABLE[kind](5, **OPTIONS[option])(x)

    graph, expected, actual = _convert(build, _inputs(rng, masked), rng)
    counts = graph.op_counts()
    assert counts.get("LSTM") == 1 and counts.get("Loop", 0) == 0, counts
    assert graph.unfused_layers == {}
    assert max_abs_diff(expected, actual) <= 1e-5


@pytest.mark.parametrize("masked", [False, True], ids=["dense", "masked"])
@pytest.mark.parametrize("merge_mode", ["concat", "sum"])
@pytest.mark.parametrize("sequences", [False, True], ids=["last", "sequences"])
def test_bidirectional_is_one_bidirectional_node(sequences, merge_mode, masked, rng):
    def build(inputs):
        x = keras.layers.Masking()(inputs) if masked else inputs
        layer = zl.PeepholeLSTM(5, return_sequences=sequences)
        return keras.layers.Bidirectional(layer, merge_mode=merge_mode)(x)

    graph, expected, actual = _convert(build, _inputs(rng, masked), rng)
    lstm = [n for n in graph.model.graph.node if n.op_type == "LSTM"]
    assert len(lstm) == 1 and graph.op_counts().get("Loop", 0) == 0
    direction = next(a for a in lstm[0].attribute if a.name == "direction")
    assert direction.s == b"bidirectional"
    assert max_abs_diff(expected, actual) <= 1e-5


def test_bidirectional_states_and_initial_state(rng):
    def build(inputs):
        x = keras.layers.Masking()(inputs)
        layer = zl.LSTM(5, return_sequences=True, return_state=True)
        y, fh, fc, bh, bc = keras.layers.Bidirectional(layer)(x)
        return [y, fh, fc, bh, bc]

    graph, expected, actual = _convert(build, _inputs(rng, True), rng)
    assert graph.op_counts().get("LSTM") == 1
    assert max_abs_diff(expected, actual) <= 1e-5


def test_embedding_mask_bilstm_classifier_fuses_every_layer(rng):
    tokens = keras.Input((7,), dtype="int32")
    x = keras.layers.Embedding(20, 4, mask_zero=True)(tokens)
    x = keras.layers.Bidirectional(zl.LSTM(5, return_sequences=True))(x)
    x = keras.layers.Bidirectional(zl.LSTM(5))(x)
    model = keras.Model(tokens, keras.layers.Dense(2, activation="softmax")(x))
    ids = rng.integers(1, 20, size=(5, 7)).astype("int32")
    ids[0, 3:] = 0
    ids[1, :4] = 0
    ids[2] = 0
    graph = keras_to_onnx(model, [InputSpec("tokens", (None, 7), "int32")], ["probabilities"])
    counts = graph.op_counts()
    assert counts.get("LSTM") == 2 and counts.get("Loop", 0) == 0, counts
    assert max_abs_diff([model(ids)], run_onnx(graph.model, {"tokens": ids})) <= 1e-5


@pytest.mark.parametrize(
    "bidirectional, masked",
    [
        (False, True),
        (True, False),
        pytest.param(False, False, marks=pytest.mark.slow),
        pytest.param(True, True, marks=pytest.mark.slow),
    ],
    ids=["forward-masked", "bidirectional-dense", "forward-dense", "bidirectional-masked"],
)
def test_projection_lstm_from_given_states_is_one_node(bidirectional, masked, rng):
    """A given initial state r0 is lifted to h0 = r0 P+ (exact for a full-rank P):
    the node starts from it, and the final states come back projected."""
    x = _inputs(rng, masked)
    inputs = keras.Input((None, 3))
    states = [keras.Input((n,)) for n in (3, 5) * (2 if bidirectional else 1)]
    layer = zl.ProjectionLSTM(5, projection_units=3, return_sequences=True, return_state=True)
    if bidirectional:
        layer = keras.layers.Bidirectional(layer)
    seq = keras.layers.Masking()(inputs) if masked else inputs
    outputs = layer(seq, initial_state=states)
    model = keras.Model([inputs, *states], list(outputs))
    for weight in model.weights:
        weight.assign(rng.normal(scale=0.5, size=weight.shape).astype("float32"))
    feeds = {"x": x}
    feeds.update(
        {f"s{i}": rng.normal(size=(4, s.shape[1])).astype("float32") for i, s in enumerate(states)}
    )
    expected = [np.asarray(t) for t in model(list(feeds.values()))]
    specs = [InputSpec("x", (None, None, 3))] + [
        InputSpec(f"s{i}", (None, s.shape[1])) for i, s in enumerate(states)
    ]
    graph = keras_to_onnx(model, specs, [f"out{i}" for i in range(len(expected))])
    assert graph.op_counts().get("LSTM") == 1 and graph.op_counts().get("Loop", 0) == 0
    assert max_abs_diff(expected, run_onnx(graph.model, feeds)) <= 1e-5


_FAST_LEAN = {("sequences", False), ("zeros", True), ("backwards", True), ("hard_sigmoid", False)}


@pytest.mark.parametrize(
    "option, masked",
    [
        pytest.param(o, m, marks=() if (o, m) in _FAST_LEAN else pytest.mark.slow)
        for o in [*OPTIONS, "zeros"]
        for m in (False, True)
    ],
)
def test_layer_norm_lstm_is_a_lean_loop_with_parity(option, masked, rng):
    """The input part is one MatMul before the loop; the body is the step only."""
    options = {"return_sequences": True, "zero_output_for_mask": True}
    options = options if option == "zeros" else OPTIONS[option]

    def build(inputs):
        x = keras.layers.Masking()(inputs) if masked else inputs
        return zl.LayerNormLSTM(5, **options)(x)

    graph, expected, actual = _convert(build, _inputs(rng, masked), rng)
    counts = graph.op_counts()
    assert counts.get("LSTM", 0) == 0 and counts.get("Loop") == 1
    assert "no ONNX LSTM equivalent" in next(iter(graph.unfused_layers.values()))
    (loop,) = [n for n in graph.model.graph.node if n.op_type == "Loop"]
    body = [n.op_type for n in loop.attribute[0].g.node]
    assert body.count("MatMul") == 1 and body.count("LayerNormalization") == 2
    assert len(body) <= (23 if masked else 17), body
    assert max_abs_diff(expected, actual) <= 1e-5


def test_layer_norm_lstm_from_given_states_in_a_stack(rng):
    x = _inputs(rng, True)
    inputs, h0, c0 = keras.Input((None, 3)), keras.Input((4,)), keras.Input((4,))
    seq = keras.layers.Masking()(inputs)
    y, h, c = zl.LayerNormLSTM(4, return_sequences=True, return_state=True)(
        seq, initial_state=[h0, c0]
    )
    y = zl.LayerNormLSTM(3, go_backwards=True)(y)
    model = keras.Model([inputs, h0, c0], [y, h, c])
    for weight in model.weights:
        weight.assign(rng.normal(scale=0.5, size=weight.shape).astype("float32"))
    feeds = {"x": x, "h0": rng.normal(size=(4, 4)).astype("float32")}
    feeds["c0"] = rng.normal(size=(4, 4)).astype("float32")
    expected = [np.asarray(t) for t in model(list(feeds.values()))]
    specs = [
        InputSpec("x", (None, None, 3)),
        InputSpec("h0", (None, 4)),
        InputSpec("c0", (None, 4)),
    ]
    graph = keras_to_onnx(model, specs, ["out0", "out1", "out2"])
    onnx.checker.check_model(graph.model, full_check=True)
    assert graph.op_counts().get("Loop") == 2
    assert max_abs_diff(expected, run_onnx(graph.model, feeds)) <= 1e-5


def test_unsupported_activation_falls_back_to_a_loop(rng):
    graph, expected, actual = _convert(
        lambda x: zl.LSTM(5, activation="softsign")(x), _inputs(rng, False), rng
    )
    assert graph.op_counts().get("LSTM", 0) == 0
    assert "softsign" in next(iter(graph.unfused_layers.values()))
    assert max_abs_diff(expected, actual) <= 1e-5


def _without_input_forget(model: onnx.ModelProto) -> onnx.ModelProto:
    stripped = onnx.ModelProto()
    stripped.CopyFrom(model)
    for node in stripped.graph.node:
        kept = [a for a in node.attribute if a.name != "input_forget"]
        del node.attribute[:]
        node.attribute.extend(kept)
    return stripped


@pytest.mark.parametrize(
    "gate, masked",
    [
        ("sigmoid", False),
        ("sigmoid", True),
        pytest.param("hard_sigmoid", False, marks=pytest.mark.slow),
        pytest.param("hard_sigmoid", True, marks=pytest.mark.slow),
    ],
)
def test_cifg_graph_is_exact_without_input_forget(gate, masked, rng):
    """The forget slice is the negated input slice (σ(-z) = 1 - σ(z)), so the graph
    computes CIFG with the `input_forget` attribute removed: in onnxruntime and in
    onnx's reference evaluator, which ignores the attribute."""
    from onnx.reference import ReferenceEvaluator

    def build(inputs):
        x = keras.layers.Masking()(inputs) if masked else inputs
        return zl.CIFGLSTM(5, return_sequences=True, recurrent_activation=gate)(x)

    x = _inputs(rng, masked)
    graph, expected, actual = _convert(build, x, rng)
    assert max_abs_diff(expected, actual) <= 1e-5
    (lstm,) = [n for n in graph.model.graph.node if n.op_type == "LSTM"]
    assert (
        onnx.helper.get_attribute_value(next(a for a in lstm.attribute if a.name == "input_forget"))
        == 1
    )
    W = onnx.numpy_helper.to_array(
        next(t for t in graph.model.graph.initializer if t.name == lstm.input[1])
    )[0]
    np.testing.assert_array_equal(W[10:15], -W[0:5])  # ONNX order i, o, f, c
    stripped = _without_input_forget(graph.model)
    assert not any(a.name == "input_forget" for n in stripped.graph.node for a in n.attribute)
    assert max_abs_diff(expected, run_onnx(stripped, {"x": x})) <= 1e-5
    if not masked and gate == "sigmoid":
        # the reference evaluator's LSTM reads neither sequence_lens nor activations
        reference = ReferenceEvaluator(stripped).run(None, {"x": x})
        assert max_abs_diff(expected, reference) <= 1e-5


@pytest.mark.slow
def test_cifg_with_an_asymmetric_gate_activation_keeps_a_loop(rng):
    graph, expected, actual = _convert(
        lambda x: zl.CIFGLSTM(5, recurrent_activation="relu")(x), _inputs(rng, False), rng
    )
    assert graph.op_counts().get("LSTM", 0) == 0
    assert "input_forget" in next(iter(graph.unfused_layers.values()))
    assert max_abs_diff(expected, actual) <= 1e-5
