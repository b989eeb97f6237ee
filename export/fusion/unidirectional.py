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
    h0, c0 = (tf.convert_to_tensor(s)[None] for s in initial_state)
    if mask is None:
        y, y_h, y_c = fused_lstm(record, spec, tf.transpose(x, [1, 0, 2]), h0, c0)
        last = tf.squeeze(y_h, 0)
        outputs = batch_major(y)[0] if layer.return_sequences else last
        return last, outputs, [last, tf.squeeze(y_c, 0)]

    lengths, counts, order = masking.compaction(mask)
    xc = tf.transpose(masking.compact(x, order), [1, 0, 2])
    y, y_h, y_c = fused_lstm(record, spec, xc, h0, c0, lengths)
    # onnxruntime's last output of an all-padding row is zeros, as Keras'.
    last = tf.squeeze(y_h, 0)
    states = [
        tf.squeeze(masking.guard_states(lengths, y_h, h0), 0),
        tf.squeeze(masking.guard_states(lengths, y_c, c0), 0),
    ]
    zero = layer.zero_output_for_mask
    if layer.return_sequences:
        outputs = masking.forward_outputs(batch_major(y)[0], counts, mask, zero)
        return outputs[:, -1], outputs, states
    if zero:
        last = last * tf.cast(mask[:, -1:], last.dtype)
    return last, last, states
