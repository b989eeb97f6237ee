"""A zoo layer's time loop as one forward ONNX `LSTM` node."""

from __future__ import annotations

import tensorflow as tf

from export.fusion.context import FusedSpec, FusionRecord
from export.fusion.placeholder import batch_major, fused_lstm, fused_masked_lstm
from export.fusion.projection import projection_of
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
    spec = FusedSpec(
        layer.name,
        [layer.cell],
        layer.cell.units,
        masked=mask is not None,
        zeros=(bool(layer.zero_output_for_mask),),
        sequences=bool(layer.return_sequences),
    )
    projection = projection_of(layer.cell)
    project = projection.project if projection else (lambda h: h)
    h0, c0 = (tf.convert_to_tensor(s) for s in initial_state)
    if projection:
        h0 = projection.lift(h0)
    h0, c0 = h0[None], c0[None]
    if mask is None:
        y, y_h, y_c = fused_lstm(record, spec, tf.transpose(x, [1, 0, 2]), h0, c0)
        last = project(tf.squeeze(y_h, 0))
        outputs = project(batch_major(y)[0]) if layer.return_sequences else last
        return last, outputs, [last, tf.squeeze(y_c, 0)]

    sequence, h, c, last = fused_masked_lstm(record, spec, x, h0, c0, mask)
    states = [project(tf.squeeze(h, 0)), tf.squeeze(c, 0)]
    if layer.return_sequences:
        outputs = project(tf.squeeze(sequence, 0))
        return outputs[:, -1], outputs, states
    last = project(tf.squeeze(last, 0))
    if layer.zero_output_for_mask:
        last = last * tf.cast(mask[:, -1:], last.dtype)
    return last, last, states
