"""The placeholder op that stands for one ONNX `LSTM` node in the TF graph."""

from __future__ import annotations

import tensorflow as tf

from export.fusion.context import FusedSpec, FusionRecord


def _never(*_):
    raise RuntimeError(
        "a fused LSTM placeholder ran in TensorFlow: it exists only to be converted to ONNX"
    )


def fused_lstm(record: FusionRecord, spec: FusedSpec, x, h0, c0):
    """Emits the placeholder for `spec` with the ONNX operator's contract:
    `x` `[T, B, D]`, `h0`/`c0` `[dirs, B, H]`; returns `Y` `[T, dirs, B, H]`,
    `Y_h` and `Y_c` `[dirs, B, H]`. (Masked layers use `fused_masked_lstm`.)"""
    y, y_h, y_c = tf.numpy_function(
        _never, [x, h0, c0], [x.dtype] * 3, stateful=False, name=f"{spec.layer}_fused_lstm"
    )
    record.specs[y.op.get_attr("token").decode()] = spec
    dirs, units = len(spec.cells), spec.units
    y = tf.ensure_shape(y, [None, dirs, None, units])
    y_h = tf.ensure_shape(y_h, [dirs, None, units])
    y_c = tf.ensure_shape(y_c, [dirs, None, units])
    return y, y_h, y_c


def fused_masked_lstm(record: FusionRecord, spec: FusedSpec, x, h0, c0, mask):
    """The masked placeholder (see `export.fusion.onnx_masking`): `x` `[B, T, D]`
    batch-major, `h0`/`c0` `[dirs, B, H]`, `mask` `[B, T]`; returns the
    per-step outputs in Keras' semantics `[dirs, B, T, H]` (None unless
    `spec.sequences`), the final h and c and the last outputs `[dirs, B, H]`."""
    inputs = [x, h0, c0, tf.cast(mask, tf.bool)]
    outs = tf.numpy_function(
        _never, inputs, [x.dtype] * 4, stateful=False, name=f"{spec.layer}_fused_lstm"
    )
    record.specs[outs[0].op.get_attr("token").decode()] = spec
    dirs, units = len(spec.cells), spec.units
    state = [dirs, None, units]
    h, c, last = (tf.ensure_shape(t, state) for t in outs[1:])
    sequence = tf.ensure_shape(outs[0], [dirs, None, None, units]) if spec.sequences else None
    return sequence, h, c, last


def batch_major(y):
    """`Y` `[T, dirs, B, H]` -> one `[B, T, H]` tensor per direction."""
    return [tf.transpose(part, [1, 0, 2]) for part in tf.unstack(y, axis=1)]
