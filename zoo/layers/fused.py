"""The element-wise half of a time step, compiled with XLA (TensorFlow only).

A zoo step is two or three matmuls and a dozen or two element-wise ops (see
`zoo.layers.base`). In TensorFlow's graph executor each of those small ops
costs a dispatch in the forward loop, another one or two in the backward
loop, and a push and a pop of its saved value on the gradient stack. For the
plain LSTM that overhead is small next to the matmuls; for `LayerNormLSTM`,
whose three normalisations add about thirty small ops per step, it is what
separates it from the built-in layer.

`fused_cell_update(cell)` wraps `cell.cell_update` into one XLA cluster for
the forward step and one for its backward step:

* the forward cluster returns only `(h, c)`: nothing else goes on the
  gradient stack, and the backward step saves only its inputs
  (`zx`, `zh`, `c_prev`);
* the backward cluster recomputes the forward inside XLA (cheap: it is fused
  into the same loops) and takes its vector-Jacobian product there, by
  TensorFlow's own autodiff of the very same `cell_update`; no derivative is
  written by hand, so every variant and every activation gets it for free.

The matmuls stay outside, in TensorFlow's oneDNN kernels: measured here,
XLA's CPU matmuls made a training step 1.4 to 1.7 times slower.
"""

from __future__ import annotations

from collections.abc import Callable

import tensorflow as tf

CellUpdate = Callable[[tf.Tensor, tf.Tensor, tf.Tensor, dict], tuple[tf.Tensor, tf.Tensor, dict]]


def fused_cell_update(cell) -> CellUpdate:
    """A drop-in for `cell.cell_update(zx, zh, c_prev, weights)`, compiled as
    one XLA cluster forward and one backward, with gradients for `zx`, `zh`,
    `c_prev` and the `cell.update_weights` entries of `weights`. It returns
    no gates (`{}`): `zoo.layers.trace_gates` reads them from the cell."""
    names = tuple(cell.update_weights)

    def forward(zx, zh, c_prev, *params):
        h, c, _ = cell.cell_update(zx, zh, c_prev, dict(zip(names, params, strict=True)))
        return h, c

    def backward(dh, dc, *args):
        args = list(args)
        with tf.GradientTape() as tape:
            tape.watch(args)
            h, c = forward(*args)
        return tape.gradient(
            [h, c],
            args,
            output_gradients=[dh, dc],
            unconnected_gradients=tf.UnconnectedGradients.ZERO,
        )

    forward_xla = tf.function(forward, jit_compile=True, autograph=False)
    backward_xla = tf.function(backward, jit_compile=True, autograph=False)

    @tf.custom_gradient
    def update(zx, zh, c_prev, *params):
        args = (zx, zh, c_prev, *params)
        h, c = forward_xla(*args)

        def grad(dh, dc):
            dh = tf.zeros_like(h) if dh is None else dh
            dc = tf.zeros_like(c) if dc is None else dc
            return backward_xla(dh, dc, *args)

        return (h, c), grad

    def cell_update(zx, zh, c_prev, weights):
        h, c = update(zx, zh, c_prev, *(weights[name] for name in names))
        return h, c, {}

    return cell_update
