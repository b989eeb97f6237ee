"""A zoo layer's time loop as one forward ONNX `LSTM` node."""

from __future__ import annotations

import tensorflow as tf

from export.fusion import masking
from export.fusion.context import FusedSpec, FusionRecord
from export.fusion.placeholder import batch_major, fused_lstm
from export.fusion.weights import fusable_cell


def unfusable_reason(layer) -> str | None:
    """Why `layer` keeps its loop at export, or None."""
    reason = fusable_cell(layer.cell)
    if reason is None and layer.stateful:
        reason = "stateful layers export with explicit states (streaming), not as fused nodes"
    return reason


def fused_inner_loop(record: FusionRecord, layer, sequences, initial_state, mask, training=False):
    """Replacement for `BaseLSTM.inner_loop` (same contract: `(last_output,
    outputs, states)`, outputs in processing order), or None to keep the loop."""
    reason = unfusable_reason(layer)
    if reason is not None:
        record.unfused[layer.name] = reason
        return None
    if isinstance(mask, (list, tuple)):
        mask = mask[0]
    x = sequences
    if layer.go_backwards:  # processing order = reversed time, outputs kept in that order
        x = tf.reverse(x, [1])
        mask = None if mask is None else tf.reverse(mask, [1])
    spec = FusedSpec(layer.name, [layer.cell], layer.cell.units, mask is not None)
    h0, c0 = (tf.convert_to_tensor(s) for s in initial_state)
    if mask is None:
        y, y_h, y_c = fused_lstm(record, spec, tf.transpose(x, [1, 0, 2]), h0[None], c0[None])
        last = y_h[0]
        outputs = batch_major(y, 0) if layer.return_sequences else last
        return last, outputs, [y_h[0], y_c[0]]

    lengths, counts, order = masking.compaction(mask)
    xc = tf.transpose(masking.compact(x, order), [1, 0, 2])
    y, y_h, y_c = fused_lstm(record, spec, xc, h0[None], c0[None], lengths)
    states = [masking.guard_states(lengths, y_h[0], h0), masking.guard_states(lengths, y_c[0], c0)]
    zero = layer.zero_output_for_mask
    if layer.return_sequences:
        outputs = masking.forward_outputs(batch_major(y, 0), counts, mask, zero)
        return outputs[:, -1], outputs, states
    last = masking.guard_states(lengths, y_h[0], tf.zeros_like(h0))
    if zero:
        last = tf.where(tf.cast(mask[:, -1:], tf.bool), last, tf.zeros_like(last))
    return last, last, states
