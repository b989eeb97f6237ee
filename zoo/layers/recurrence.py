"""The time loop shared by every zoo recurrent layer.

`keras.layers.RNN` drives a cell through `keras.backend.rnn`. That driver is
general (nested states, constants, unrolling) and pays for it on every time
step: variable reads, tree flattening and mask bookkeeping inside the loop.
`recurrence` is the same contract cut down to what an LSTM needs:

* the cell's weights are read once, before the loop, and reach the step
  function as plain tensors;
* the loop is one `tf.while_loop` over `TensorArray`s (whose gradients are
  O(T), unlike slicing a captured tensor inside the loop, which is O(T^2));
* masks follow Keras semantics exactly: at a masked step the states are
  carried over and the output is the previous output (or zeros when
  `zero_output_for_mask`).

The loop's weights must be real tensors read before it: a Keras variable
passed through `ops.convert_to_tensor` stays a variable and is read (and its
value pushed on the gradient stack) at every step; `base.read_weight` reads it.

Measured on the 2-core CI machine (B=64, T=100, D=64, H=128), this loop with
the LSTM step (its element-wise part compiled by XLA in training, see
`zoo.layers.fused`) trains in about 0.8x the time of `keras.layers.LSTM`;
see `benchmarks/layers.py` for the figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import tensorflow as tf

StepFn = Callable[[tf.Tensor, list[tf.Tensor]], tuple[tf.Tensor, list[tf.Tensor]]]


def recurrence(
    step_fn: StepFn,
    inputs: tf.Tensor,
    initial_states: Sequence[tf.Tensor],
    output_size: int,
    mask: tf.Tensor | None = None,
    go_backwards: bool = False,
    return_sequences: bool = True,
    zero_output_for_mask: bool = False,
) -> tuple[tf.Tensor, tf.Tensor, list[tf.Tensor]]:
    """Runs `step_fn` over the time axis of `inputs`.

    Args:
        step_fn: `step_fn(x_t, states) -> (output_t, new_states)`, with `x_t`
            of shape `(batch, features)`. The output must be the first new
            state (`h`, or the projected `r`), as for every LSTM variant.
        inputs: `(batch, timesteps, features)` tensor.
        initial_states: list of `(batch, size)` tensors.
        output_size: width of one step's output.
        mask: optional `(batch, timesteps)` boolean tensor; `False` marks a
            padded step.
        go_backwards: process the sequence in reverse and return the outputs
            in the order they were produced (as `keras.backend.rnn` does).
        return_sequences: whether to collect the output of every step.
        zero_output_for_mask: emit zeros instead of the previous output at
            masked steps.

    Returns:
        `(last_output, outputs, final_states)`. `outputs` is
        `(batch, timesteps, units)` when `return_sequences`, else
        `last_output`.
    """
    xs = tf.transpose(inputs, [1, 0, 2])
    if go_backwards:
        xs = tf.reverse(xs, [0])
    steps = tf.shape(xs)[0]
    x_ta = tf.TensorArray(xs.dtype, size=steps, element_shape=xs.shape[1:]).unstack(xs)

    if mask is not None:
        ms = tf.transpose(tf.cast(mask, tf.bool), [1, 0])[:, :, None]
        if go_backwards:
            ms = tf.reverse(ms, [0])
        m_ta = tf.TensorArray(tf.bool, size=steps, element_shape=ms.shape[1:]).unstack(ms)

    states = [tf.convert_to_tensor(s) for s in initial_states]

    def body(t, prev_out, states, out_ta):
        out, new_states = step_fn(x_ta.read(t), states)
        if mask is not None:
            m_t = m_ta.read(t)
            new_states = [tf.where(m_t, n, s) for n, s in zip(new_states, states, strict=True)]
            out = tf.where(m_t, out, tf.zeros_like(out) if zero_output_for_mask else prev_out)
        if out_ta is not None:
            out_ta = out_ta.write(t, out)
        return t + 1, out, new_states, out_ta

    # The output "before" the first step is zeros whatever the initial state
    # is, as in keras.backend.rnn: it is what a leading masked step emits.
    prev_out = tf.zeros([tf.shape(inputs)[0], output_size], dtype=inputs.dtype)
    cond = lambda t, *_: t < steps  # noqa: E731

    if mask is None:
        # Without a mask the last output is the last step's output: no need
        # to carry the previous one through the loop.
        def plain_body(t, states, out_ta):
            out, new_states = step_fn(x_ta.read(t), states)
            if out_ta is not None:
                out_ta = out_ta.write(t, out)
            return t + 1, new_states, out_ta

        if not return_sequences:
            _, final_states = tf.while_loop(
                cond,
                lambda t, s: plain_body(t, s, None)[:2],
                (tf.constant(0), states),
                maximum_iterations=steps,
            )
            final_states = list(final_states)
            return final_states[0], final_states[0], final_states
        out_ta = tf.TensorArray(inputs.dtype, size=steps)
        _, final_states, out_ta = tf.while_loop(
            cond, plain_body, (tf.constant(0), states, out_ta), maximum_iterations=steps
        )
        outputs = tf.transpose(out_ta.stack(), [1, 0, 2])
        return outputs[:, -1], outputs, list(final_states)

    if not return_sequences:
        _, last, final_states = tf.while_loop(
            cond,
            lambda t, p, s: body(t, p, s, None)[:3],
            (tf.constant(0), prev_out, states),
            maximum_iterations=steps,
        )
        return last, last, list(final_states)

    out_ta = tf.TensorArray(inputs.dtype, size=steps)
    _, last, final_states, out_ta = tf.while_loop(
        cond, body, (tf.constant(0), prev_out, states, out_ta), maximum_iterations=steps
    )
    outputs = tf.transpose(out_ta.stack(), [1, 0, 2])
    return last, outputs, list(final_states)
