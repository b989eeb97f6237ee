"""`keras.layers.Bidirectional` over zoo layers as one bidirectional `LSTM` node.

Keras runs the backward layer on the reversed sequence and flips its outputs
back; the ONNX operator's reverse direction already reports each output at
its own time step, so one node serves both halves.
"""

from __future__ import annotations

import tensorflow as tf
from keras import ops

from export.fusion.context import FusedSpec, FusionRecord
from export.fusion.placeholder import batch_major, fused_lstm, fused_masked_lstm
from export.fusion.projection import projection_of
from export.fusion.unidirectional import unfusable_reason


def _reason(bidi) -> str | None:
    from zoo.layers.base import BaseLSTM

    forward, backward = bidi.forward_layer, bidi.backward_layer
    if not (isinstance(forward, BaseLSTM) and isinstance(backward, BaseLSTM)):
        return "not a zoo layer"
    if forward.go_backwards or not backward.go_backwards:
        return "the forward layer runs backwards or the backward layer forwards"
    if type(forward.cell) is not type(backward.cell) or forward.cell.units != backward.cell.units:
        return "the two directions differ in cell type or units"
    return unfusable_reason(forward) or unfusable_reason(backward)


def _merge(mode, y, y_rev):
    if mode == "concat":
        return ops.concatenate([y, y_rev], axis=-1)
    if mode == "sum":
        return y + y_rev
    if mode == "ave":
        return (y + y_rev) / 2
    if mode == "mul":
        return y * y_rev
    return (y, y_rev)


def fused_bidirectional_call(record: FusionRecord, bidi, sequences, initial_state=None, mask=None):
    """Replacement for `Bidirectional.call` (same outputs), or None when the
    wrapped layers cannot be fused (they then export on their own)."""
    reason = _reason(bidi)
    if reason is not None:
        if reason != "not a zoo layer":
            record.unfused[bidi.name] = reason
        return None
    forward, backward = bidi.forward_layer, bidi.backward_layer
    if isinstance(mask, (list, tuple)):
        mask = mask[0]
    x = tf.convert_to_tensor(sequences)
    units = forward.cell.units
    if initial_state is None:
        zeros = tf.zeros([tf.shape(x)[0], units], x.dtype)
        initial_state = [zeros, zeros, zeros, zeros]
    fh, fc, bh, bc = (tf.convert_to_tensor(s) for s in initial_state)
    proj_f, proj_b = projection_of(forward.cell), projection_of(backward.cell)
    if proj_f:
        fh, bh = proj_f.lift(fh), proj_b.lift(bh)
    h0, c0 = tf.stack([fh, bh]), tf.stack([fc, bc])
    spec = FusedSpec(
        bidi.name,
        [forward.cell, backward.cell],
        units,
        masked=mask is not None,
        zeros=(bool(forward.zero_output_for_mask), bool(backward.zero_output_for_mask)),
        sequences=bool(bidi.return_sequences),
    )
    if mask is None:
        y, y_h, y_c = fused_lstm(record, spec, tf.transpose(x, [1, 0, 2]), h0, c0)
        h_f, h_b = tf.unstack(y_h)
        c_f, c_b = tf.unstack(y_c)
        out_f, out_b = batch_major(y) if bidi.return_sequences else (h_f, h_b)
        states = (h_f, c_f, h_b, c_b)
    else:
        sequence, h, c, last = fused_masked_lstm(record, spec, x, h0, c0, mask)
        h_f, h_b = tf.unstack(h)
        c_f, c_b = tf.unstack(c)
        states = (h_f, c_f, h_b, c_b)
        if bidi.return_sequences:
            out_f, out_b = tf.unstack(sequence)
        else:
            # last outputs: forward ends at the last step, backward at the first
            out_f, out_b = tf.unstack(last)
            valid = tf.cast(mask, out_f.dtype)
            if forward.zero_output_for_mask:
                out_f = out_f * valid[:, -1:]
            if backward.zero_output_for_mask:
                out_b = out_b * valid[:, :1]
    if proj_f:  # the projected outputs and hidden states (export.fusion.projection)
        out_f, out_b = proj_f.project(out_f), proj_b.project(out_b)
        h_f, h_b = proj_f.project(states[0]), proj_b.project(states[2])
        states = (h_f, states[1], h_b, states[3])
    output = _merge(bidi.merge_mode, out_f, out_b)
    if bidi.return_state:
        if bidi.merge_mode is None:
            return output + states
        return (output,) + states
    return output
