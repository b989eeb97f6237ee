"""A recurrent projection (LSTMP) around the fused `LSTM` node.

A projection cell's output and recurrent state are `r = h P` (`P` `(units, p)`), and
its gates read `r_{t-1} U`. Since `r_{t-1} U = h_{t-1} (P U)`, the ONNX `LSTM`
operator runs the cell exactly on `h` with the recurrent kernel `P U`
(`weights.onnx_weights`); around the node, this module

* lifts a given initial state `r_0` to `h_0 = r_0 P⁺` (`P⁺` the pseudo-inverse,
  `P⁺ P = I` when `P` has full column rank, checked at export), so that
  `h_0 (P U) = r_0 U`; the default zero state lifts to zeros exactly;
* projects every output and final hidden state with `P` (one MatMul over the
  whole sequence).

No time loop is left: the layer costs a fused LSTM of `units` cells plus one MatMul.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tensorflow as tf

#: Largest |P⁺ P - I| accepted: beyond it `P` has lost rank and a given initial
#: state cannot be lifted exactly.
LIFT_TOLERANCE = 1e-4


@dataclass
class Projection:
    """`P` `(units, p)` and its pseudo-inverse `(p, units)`, as constants."""

    kernel: np.ndarray
    lift_kernel: np.ndarray

    def project(self, h):
        """`h P` over the last axis (any leading axes)."""
        return tf.linalg.matmul(h, tf.constant(self.kernel))

    def lift(self, r):
        """`r P⁺`: the `h` whose projection is `r`."""
        return tf.linalg.matmul(r, tf.constant(self.lift_kernel))


def projection_matrix(cell) -> np.ndarray | None:
    """The cell's declared projection `P` `(units, p)` as an array, or None."""
    from zoo.layers.facts import declared_onnx_facts

    facts = declared_onnx_facts(cell)
    if facts is None or facts.projection is None:
        return None
    with tf.init_scope():  # the weight's value, even while a function is traced
        return np.asarray(getattr(cell, facts.projection), dtype=np.float32)


def projection_of(cell) -> Projection | None:
    """The `Projection` of a cell that declares one, else None.

    Raises:
        ValueError: `P` has lost rank (`P⁺ P` is not the identity), so an initial
            state could not be lifted exactly.
    """
    kernel = projection_matrix(cell)
    if kernel is None:
        return None
    lift = np.linalg.pinv(kernel.astype(np.float64))
    error = float(np.max(np.abs(lift @ kernel - np.eye(kernel.shape[1]))))
    if error > LIFT_TOLERANCE:
        raise ValueError(
            f"the projection kernel of {cell.name!r} has lost rank (|P+ P - I| = {error:.1e}); "
            "its initial state cannot be lifted onto the fused node"
        )
    return Projection(kernel, lift.astype(np.float32))
