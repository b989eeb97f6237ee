"""Layer-normalised LSTMs as a lean ONNX `Loop` (what `OnnxLoopFacts` declares).

No ONNX operator runs `LayerNormLSTM` (normalisations inside the recurrence), so it
keeps a loop; tf2onnx's reading of the traced TensorFlow loop has about 40 nodes per
step. Here, instead:

* everything that does not depend on the previous step is computed once, before the
  loop, by the cell's own code: the input normalisation and the input MatMul (bias
  folded) over the whole sequence, `zx` `[T, B, 4H]`;
* the loop itself is a placeholder while tracing (`tf.numpy_function`, as the fused
  `LSTM` nodes are), which the tf2onnx handler turns into a pending node holding the
  loop's weights; after conversion, `onnx_loop.expand_lean_loops` replaces it with a
  `Loop` whose body is the step and nothing else: one MatMul, two
  `LayerNormalization`s, the gate activations and the cell update (17 nodes; 22-23 with a
  mask, which follows Keras: states carried over masked steps, the previous output or
  zeros emitted there).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from export.fusion.context import FusionRecord
from export.fusion.placeholder import _never
from export.fusion.weights import ACTIVATIONS, activation_name

#: The pending node's op type and domain, replaced after conversion.
PENDING_OP = "LeanLSTMLoop"
PENDING_DOMAIN = "ai.lstm-zoo.pending"


@dataclass
class LoopSpec:
    """One lean loop: its layer's cell and options (weights read at conversion)."""

    layer: str
    cell: object
    masked: bool
    zero_output_for_mask: bool
    _weights: dict[str, np.ndarray] | None = None

    def weights(self) -> dict[str, np.ndarray]:
        """The step's weights (read eagerly by `FusionRecord.read_weights`)."""
        if self._weights is None:
            self._weights = self._read()
        return self._weights

    def _read(self) -> dict[str, np.ndarray]:
        from zoo.layers.facts import declared_loop_facts

        facts = declared_loop_facts(self.cell)
        cell = self.cell
        recurrent = np.asarray(cell.recurrent_kernel, np.float32)
        return {
            "U": recurrent - recurrent.mean(axis=-1, keepdims=True),
            "gamma_h": np.asarray(getattr(cell, facts.recurrent_gamma), np.float32),
            "gamma_c": np.asarray(getattr(cell, facts.cell_gamma), np.float32),
            "beta_c": np.asarray(getattr(cell, facts.cell_beta), np.float32),
        }

    def attributes(self) -> dict:
        from zoo.layers.facts import declared_loop_facts

        facts = declared_loop_facts(self.cell)
        names = [activation_name(getattr(self.cell, a)) for a in facts.activations]
        return {
            "epsilon": float(getattr(self.cell, facts.epsilon)),
            "activations": [ACTIVATIONS[n][0] for n in names],
            "activation_alpha": [ACTIVATIONS[n][1] or 0.0 for n in names],
            "activation_beta": [ACTIVATIONS[n][2] or 0.0 for n in names],
            "units": int(self.cell.units),
            "masked": int(self.masked),
            "zero_output_for_mask": int(self.zero_output_for_mask),
        }


def lean_reason(layer) -> str | None:
    """Why `layer` cannot export as a lean loop, or None."""
    from zoo.layers.facts import declared_loop_facts

    facts = declared_loop_facts(layer.cell)
    if facts is None:
        return "no lean-loop facts"
    if layer.stateful:
        return "stateful"
    for attribute in dict.fromkeys(facts.activations):
        if activation_name(getattr(layer.cell, attribute)) not in ACTIVATIONS:
            return f"{attribute} is not an activation of the lean loop"
    return None


def lean_inner_loop(record: FusionRecord, layer, sequences, initial_state, mask, training=False):
    """Replacement for `BaseLSTM.inner_loop` (`(last_output, outputs, states)`,
    outputs in processing order), or None when the layer has no lean loop."""
    if lean_reason(layer) is not None:
        return None
    if isinstance(mask, (list, tuple)):
        mask = mask[0]
    cell = layer.cell
    weights = cell.step_weights()
    zx = cell.input_part(cell.prepared(sequences, weights), weights)  # [B, T, 4H]
    zx = tf.transpose(zx, [1, 0, 2])
    if mask is not None:
        mask = tf.transpose(tf.cast(mask, tf.bool), [1, 0])
    if layer.go_backwards:
        zx = tf.reverse(zx, [0])
        mask = None if mask is None else tf.reverse(mask, [0])
    spec = LoopSpec(layer.name, cell, mask is not None, bool(layer.zero_output_for_mask))
    h0, c0 = (tf.convert_to_tensor(s) for s in initial_state)
    inputs = [zx, h0, c0] + ([mask] if mask is not None else [])
    ys, h, c, last = tf.numpy_function(
        _never, inputs, [zx.dtype] * 4, stateful=False, name=f"{layer.name}_lean_loop"
    )
    record.specs[ys.op.get_attr("token").decode()] = spec
    units = cell.units
    ys = tf.ensure_shape(ys, [None, None, units])
    h, c, last = (tf.ensure_shape(t, [None, units]) for t in (h, c, last))
    outputs = tf.transpose(ys, [1, 0, 2]) if layer.return_sequences else last
    return last, outputs, [h, c]


def lean_loop_handler(ctx, node, spec: LoopSpec, const):
    """The tf2onnx side: the placeholder becomes the pending node, its weights
    constants (`const(label, array) -> name`)."""
    weights = spec.weights()
    names = [const(label, weights[label]) for label in ("U", "gamma_h", "gamma_c", "beta_c")]
    inputs = list(node.input)
    dtype = ctx.get_dtype(node.output[0])
    for attr in list(node.attr):
        del node.attr[attr]
    node.type = PENDING_OP
    node.domain = PENDING_DOMAIN
    ctx.replace_inputs(node, inputs + names)
    for key, value in spec.attributes().items():
        node.set_attr(key, value)
    units = int(weights["U"].shape[0])
    shapes = ([-1, -1, units], [-1, units], [-1, units], [-1, units])
    for output, shape in zip(node.output, shapes, strict=True):
        ctx.set_shape(output, shape)
        ctx.set_dtype(output, dtype)
    return node
