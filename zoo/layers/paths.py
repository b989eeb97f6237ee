"""The time loops a zoo layer can run (chosen in `zoo.layers.backends`).

Each takes `keras.layers.RNN.inner_loop`'s arguments and returns its result,
`(last_output, outputs, states)`, with outputs in processing order.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import ops

#: Compute dtypes whose time loop carries the cell state in float32.
LOW_PRECISION = ("float16", "bfloat16")


def state_dtype(cell) -> str:
    """The dtype the zoo loops carry `c` in: float32 under mixed precision,
    the compute dtype otherwise."""
    compute = keras.backend.standardize_dtype(cell.compute_dtype)
    return "float32" if compute in LOW_PRECISION else compute


def _mask(mask):
    return mask[0] if isinstance(mask, (list, tuple)) else mask


def prepare(layer, sequences, initial_state, training):
    """What every zoo loop does before its first step: dropout on the inputs
    (one mask per sequence), the weights read once, the inputs prepared, `c`
    in `state_dtype`. Returns `(sequences, states, weights, recurrent_mask)`."""
    cell = layer.cell
    input_mask, recurrent_mask = cell.dropout_masks(sequences[:, 0, :], initial_state[0], training)
    if input_mask is not None:
        sequences = sequences * ops.expand_dims(input_mask, 1)
    weights = cell.step_weights()
    sequences = cell.prepared(sequences, weights)
    states = list(initial_state)
    dtype = state_dtype(cell)
    if keras.backend.standardize_dtype(states[1].dtype) != dtype:
        states[1] = ops.cast(states[1], dtype)
        for name in cell.update_weights:
            weights[name] = ops.cast(weights[name], dtype)
    return sequences, states, weights, recurrent_mask


def zoo_loop(layer, sequences, states, mask, weights, recurrent_mask, update=None):
    """The zoo's own loop (`zoo.layers.recurrence`) over prepared inputs."""
    from zoo.layers.recurrence import recurrence

    cell = layer.cell

    def step(x, states):
        zx = cell.input_part(x, weights)
        output, new_states, _ = cell.recurrent_part(
            zx, states, weights, recurrent_mask, cell_update=update
        )
        return output, new_states

    return recurrence(
        step,
        sequences,
        states,
        output_size=cell.output_size,
        mask=mask,
        go_backwards=layer.go_backwards,
        return_sequences=layer.return_sequences,
        zero_output_for_mask=layer.zero_output_for_mask,
    )


def run_ops(layer, sequences, initial_state, mask, training=False):
    """The zoo loop, op by op."""
    sequences, states, weights, rmask = prepare(layer, sequences, initial_state, training)
    return zoo_loop(layer, sequences, states, _mask(mask), weights, rmask)


def run_xla_step(layer, sequences, initial_state, mask, training=False):
    """The zoo loop with each step's `cell_update` one XLA cluster forward
    and one backward (`zoo.layers.fused`); the matmuls stay op by op."""
    from zoo.layers.fused import fused_cell_update

    sequences, states, weights, rmask = prepare(layer, sequences, initial_state, training)
    update = fused_cell_update(layer.cell)
    return zoo_loop(layer, sequences, states, _mask(mask), weights, rmask, update=update)


def _xla_loop_programs(layer, names: tuple[str, ...], count: int):
    """The compiled forward and backward programs of `layer`'s whole loop,
    made once per layer and weight layout (an eager caller would otherwise
    compile them at every call)."""
    cache = layer.__dict__.get("_zoo_xla_loop")
    if cache is None:
        cache = {}
        object.__setattr__(layer, "_zoo_xla_loop", cache)
    if (names, count) in cache:
        return cache[(names, count)]

    def forward(mask, rmask, sequences, *rest):
        tensors = dict(zip(names, rest[count:], strict=True))
        last, outputs, final = zoo_loop(layer, sequences, list(rest[:count]), mask, tensors, rmask)
        return (last, outputs, *final)

    def backward(upstream, args, mask, rmask):
        with tf.GradientTape() as tape:
            tape.watch(args)
            results = forward(mask, rmask, *args)
        return tape.gradient(
            results,
            args,
            output_gradients=upstream,
            unconnected_gradients=tf.UnconnectedGradients.ZERO,
        )

    programs = (
        tf.function(forward, jit_compile=True, autograph=False, reduce_retracing=True),
        tf.function(backward, jit_compile=True, autograph=False, reduce_retracing=True),
    )
    cache[(names, count)] = programs
    return programs


def run_xla_loop(layer, sequences, initial_state, mask, training=False):
    """The whole zoo loop, matmuls included, as one XLA program forward and
    one backward: no kernel launch per op and step on a GPU.

    The backward program recomputes the forward loop inside XLA and
    differentiates it there, with TensorFlow's autodiff (the loop's saved
    values cannot cross an XLA boundary); it costs one more forward pass.
    """
    sequences, states, weights, rmask = prepare(layer, sequences, initial_state, training)
    mask = _mask(mask)
    names = tuple(sorted(weights))
    forward_xla, backward_xla = _xla_loop_programs(layer, names, len(states))

    @tf.custom_gradient
    def loop(*args):
        # Cut from the tape: TensorFlow would otherwise differentiate the
        # call itself, exporting the loop's saved values out of XLA.
        results = forward_xla(mask, rmask, *(tf.stop_gradient(a) for a in args))

        def grad(*upstream):
            upstream = [
                tf.zeros_like(r) if u is None else u for u, r in zip(upstream, results, strict=True)
            ]
            return backward_xla(upstream, list(args), mask, rmask)

        return results, grad

    results = loop(sequences, *states, *(weights[name] for name in names))
    return results[0], results[1], list(results[2:])


def run_keras_rnn(layer, sequences, initial_state, mask, training=False):
    """Keras' own driver (`keras.backend.rnn`) over `layer.cell.call`."""
    return keras.layers.RNN.inner_loop(layer, sequences, initial_state, mask, training=training)


def run_cudnn(layer, sequences, initial_state, mask, training=False):
    """cuDNN's LSTM kernel (`zoo.layers.cudnn`)."""
    from zoo.layers.cudnn import cudnn_loop

    return cudnn_loop(layer, sequences, initial_state, _mask(mask), training)


RUNNERS = {
    "xla": run_xla_step,
    "ops": run_ops,
    "keras_rnn": run_keras_rnn,
    "xla_loop": run_xla_loop,
    "cudnn": run_cudnn,
}


def run(path: str, layer, sequences, initial_state, mask, training=False):
    """Runs the time loop `path` (a key of `RUNNERS`)."""
    return RUNNERS[path](layer, sequences, initial_state, mask, training)
