"""Masks as `sequence_lens`: valid steps to the front, outputs gathered back.

The ONNX `LSTM` operator takes one length per row and treats the first
`length` steps as valid. A Keras mask may mark any steps (pre-padding,
post-padding, holes). So, before the node, each row's valid steps move to
the front in their order (a stable argsort of "is padding"); after it, each
step reads the compacted output that Keras would give it:

* forward: the output after the last valid step at or before it (Keras
  carries the previous output over a masked step; zeros before the first);
* backward (the reverse half of a bidirectional node): the output after the
  first valid step at or after it, zeros after the last;
* zeros at masked steps when the layer has `zero_output_for_mask`.

All of this is plain TensorFlow, which tf2onnx converts as usual.
"""

from __future__ import annotations

import tensorflow as tf


def compaction(mask):
    """`(lengths [B] int32, counts [B, T], order [B, T])` for a `[B, T]` mask:
    `counts` is the running number of valid steps, `order[b, k]` the step
    that lands at position `k` once the valid steps are moved to the front.
    Index arithmetic is int64, ONNX's own index type (no casts around shapes)."""
    m = tf.cast(mask, tf.int64)
    counts = tf.cumsum(m, axis=1)
    steps = tf.shape(m, out_type=tf.int64)[1]
    key = (1 - m) * steps + tf.range(steps)[None, :]  # distinct keys: no ties to break
    order = tf.math.top_k(-key, k=tf.cast(steps, tf.int32), sorted=True).indices
    return tf.cast(counts[:, -1], tf.int32), counts, tf.cast(order, tf.int64)


def _gather_rows(x, index):
    """`x[b, index[b, t]]` for `x` `[B, T, D]`, as one flat `Gather` (fewer
    ONNX nodes than a batched gather)."""
    shape = tf.shape(x, out_type=tf.int64)
    flat = tf.reshape(x, tf.stack([-1, shape[2]]))
    offsets = tf.range(shape[0])[:, None] * shape[1]
    return tf.reshape(tf.gather(flat, tf.reshape(index + offsets, [-1])), shape)


def compact(x, order):
    """`x` `[B, T, D]` with each row's valid steps first."""
    return _gather_rows(x, order)


def _read(y, index, keep):
    steps = tf.shape(y, out_type=tf.int64)[1]
    picked = _gather_rows(y, tf.clip_by_value(index, 0, steps - 1))
    return picked * tf.cast(keep, y.dtype)[:, :, None]  # exact: x * 1 = x, x * 0 = 0


def forward_outputs(y, counts, mask, zero_output_for_mask):
    """Keras' per-step outputs from the compacted forward outputs `y` `[B, T, H]`:
    step t reads compacted position counts[t] - 1 (nothing before the first)."""
    keep = counts > 0
    if zero_output_for_mask:
        keep = keep & tf.cast(mask, tf.bool)
    return _read(y, counts - 1, keep)


def backward_outputs(y, counts, lengths, mask, zero_output_for_mask):
    """Keras' per-step outputs (in time order) of the backward layer from the
    compacted reverse-direction outputs `y` `[B, T, H]`: a valid step reads its
    own position counts[t] - 1, a masked one the next valid step's, counts[t]
    (nothing after the last)."""
    m = tf.cast(mask, tf.int64)
    index = counts - m
    keep = index < tf.cast(lengths, tf.int64)[:, None]
    if zero_output_for_mask:
        keep = keep & tf.cast(mask, tf.bool)
    return _read(y, index, keep)


def guard_states(lengths, final, initial):
    """Final states `[dirs, B, H]`: the node's, or the initial ones for an
    all-padding row (onnxruntime reports zeros there; Keras keeps the initial
    state)."""
    some = tf.cast(lengths > 0, final.dtype)[None, :, None]
    return final * some + initial * (1 - some)
