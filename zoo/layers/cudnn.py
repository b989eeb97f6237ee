"""cuDNN's LSTM kernel for zoo layers whose equations are exactly cuDNN's.

Nothing is written here but the plumbing: the kernel is the one Keras runs
for `keras.layers.LSTM` on a GPU (`keras.src.backend.lstm`, TensorFlow's
`CudnnRNNV3`), fed the zoo cell's weights, which have Keras' layout.

Two things differ from Keras' own cuDNN path, so that the result is exactly
the gate equations' (`zoo.layers.paths.run_ops`):

* a mask must be right-padded, with no empty row; with `use_cudnn="auto"`,
  a batch whose mask is not runs the layer's non-cuDNN path instead
  (`tf.cond`, decided on the device per batch), where Keras fails;
* cuDNN writes zeros at padded steps, where Keras' semantics repeat the
  last valid output (unless `zero_output_for_mask`): the outputs are
  patched to those semantics.
"""

from __future__ import annotations

import tensorflow as tf
from keras import ops

from zoo.layers.base import read_weight


def _kernel(x, h0, c0, mask, kernel, recurrent_kernel, bias, cell, go_backwards, sequences):
    """Keras' cuDNN LSTM: `(last_output, outputs, [h, c])`, outputs zero at
    padded steps; raises NotImplementedError where it cannot run."""
    from keras.src import backend

    return backend.lstm(
        x,
        h0,
        c0,
        mask,
        kernel=kernel,
        recurrent_kernel=recurrent_kernel,
        bias=bias,
        activation=cell.activation,
        recurrent_activation=cell.recurrent_activation,
        return_sequences=sequences,
        go_backwards=go_backwards,
    )


def right_padded(mask) -> tf.Tensor:
    """Scalar bool: every row of `mask` is `k >= 1` True steps, then False."""
    mask = tf.cast(mask, tf.bool)
    lengths = tf.reduce_sum(tf.cast(mask, tf.int32), axis=1)
    expected = tf.sequence_mask(lengths, maxlen=tf.shape(mask)[1])
    return tf.logical_and(
        tf.reduce_all(tf.equal(mask, expected)), tf.reduce_all(tf.greater(lengths, 0))
    )


def cudnn_lstm(layer, sequences, initial_state, mask, training=False):
    """cuDNN over `layer` (a right-padded mask or None), with Keras' CPU
    semantics at padded steps. Returns `(last_output, outputs, [h, c])`;
    `outputs` is `last_output` without `return_sequences`."""
    cell = layer.cell
    input_mask, _ = cell.dropout_masks(sequences[:, 0, :], initial_state[0], training)
    if input_mask is not None:
        sequences = sequences * ops.expand_dims(input_mask, 1)
    kernel = read_weight(cell.kernel)
    recurrent = read_weight(cell.recurrent_kernel)
    bias = read_weight(cell.bias) if cell.use_bias else ops.zeros((4 * cell.units,), kernel.dtype)
    h0, c0 = initial_state
    last, outputs, (h, c) = _kernel(
        sequences,
        h0,
        c0,
        mask,
        kernel,
        recurrent,
        bias,
        cell,
        layer.go_backwards,
        layer.return_sequences,
    )
    # Going backwards, processing order starts with the padded steps, where
    # Keras emits zeros as cuDNN does, and ends on a valid one: nothing to do.
    if mask is not None and not layer.go_backwards:
        valid = tf.cast(mask, tf.bool)
        if layer.zero_output_for_mask:
            last = tf.where(valid[:, -1:], last, tf.zeros_like(last))
        elif layer.return_sequences:
            # After the last valid step Keras repeats its output: h.
            outputs = tf.where(valid[:, :, None], outputs, h[:, None, :])
    if not layer.return_sequences:
        outputs = last
    return last, outputs, [h, c]


def cudnn_loop(layer, sequences, initial_state, mask, training=False):
    """The `"cudnn"` path. Without a mask, or with `use_cudnn=True`, cuDNN
    runs; otherwise a batch whose mask is not right-padded runs the path
    `step_backend="auto"` would take without cuDNN."""
    if mask is None or layer.use_cudnn is True:
        try:
            return cudnn_lstm(layer, sequences, initial_state, mask, training)
        except NotImplementedError as error:
            raise ValueError(
                f"Layer '{layer.name}': cuDNN's LSTM kernel is not available here "
                "(TensorFlow found no cuDNN). Pass use_cudnn='auto' or False."
            ) from error
    from zoo.layers import backends, paths

    fallback, _ = backends.automatic_path(layer, sequences, mask, training)
    dtype = layer.compute_dtype

    def on_cudnn():
        last, outputs, states = cudnn_lstm(layer, sequences, initial_state, mask, training)
        return last, outputs, [ops.cast(s, dtype) for s in states]

    def on_loop():
        last, outputs, states = paths.run(fallback, layer, sequences, initial_state, mask, training)
        return last, outputs, [ops.cast(s, dtype) for s in states]

    return tf.cond(right_padded(mask), on_cudnn, on_loop)
