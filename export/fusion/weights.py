"""Keras gate weights in the layout of the ONNX `LSTM` operator.

Keras (and zoo) kernels are `(input_dim, 4 * units)` with the gates in the
order i, f, c, o; ONNX wants `W` `(dirs, 4 * units, input_dim)`, `R`
`(dirs, 4 * units, units)` in the order i, o, f, c, one bias `B`
`(dirs, 8 * units)` (input and recurrent halves, summed by the operator) and
peepholes `P` `(dirs, 3 * units)` in the order i, o, f.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: Keras activation name -> (ONNX activation, alpha, beta); None where the
#: ONNX default applies. Keras' hard_sigmoid is relu6(x + 3) / 6.
ACTIVATIONS: dict[str, tuple[str, float | None, float | None]] = {
    "sigmoid": ("Sigmoid", None, None),
    "tanh": ("Tanh", None, None),
    "relu": ("Relu", None, None),
    "hard_sigmoid": ("HardSigmoid", 1.0 / 6.0, 0.5),
}


#: Gate activations with f(-z) = 1 - f(z): a coupled forget gate is written as the
#: negated input gate with them (see `_reorder`).
SYMMETRIC_GATES = ("sigmoid", "hard_sigmoid")


@dataclass
class LSTMWeights:
    """One direction's weights and options, ready for the ONNX node."""

    W: np.ndarray  # (4H, D)
    R: np.ndarray  # (4H, H)
    B: np.ndarray  # (8H,)
    P: np.ndarray | None  # (3H,) or None
    input_forget: int
    activations: list[str] = field(default_factory=list)  # Keras names: f, g, h


def activation_name(function) -> str:
    import keras

    name = keras.activations.serialize(function)
    return name if isinstance(name, str) else str(name.get("config", name))


def fusable_cell(cell) -> str | None:
    """Why `cell` cannot be one ONNX `LSTM` node, or None when it can.

    A cell can when its class declares its ONNX facts (`onnx_lstm`, see
    `zoo.layers.facts`) and its activations are the operator's."""
    from zoo.layers.facts import declared_onnx_facts

    facts = declared_onnx_facts(cell)
    if facts is None:
        return f"{type(cell).__name__} has no ONNX LSTM equivalent"
    for attribute in dict.fromkeys(facts.activations):
        name = activation_name(getattr(cell, attribute))
        if name not in ACTIVATIONS:
            return f"{attribute}={name!r} is not an activation of the ONNX LSTM operator"
    gate = activation_name(getattr(cell, facts.activations[0]))
    if facts.input_forget and gate not in SYMMETRIC_GATES:
        return (
            f"coupled gates need a gate activation with f(-z) = 1 - f(z) to be exact under "
            f"either reading of input_forget; {facts.activations[0]}={gate!r} is not one"
        )
    return None


def _reorder(matrix: np.ndarray, units: int, gates: str, coupled: bool = False) -> np.ndarray:
    """Columns of a Keras `(rows, k * units)` matrix in gates `gates` -> ONNX
    `(4 * units, rows)` in the order i, o, f, c.

    A cell without a forget block (`coupled`: f = 1 - i) gets the negated input
    block there: σ(-z) = 1 - σ(z) (and hard_sigmoid(-z) = 1 - hard_sigmoid(z)), so
    the node computes the coupled gate exactly whether a runtime reads the
    operator's `input_forget=1` or ignores it (onnx's reference evaluator does)."""
    blocks = {g: matrix[:, k * units : (k + 1) * units] for k, g in enumerate(gates)}
    if coupled and "f" not in blocks:
        blocks["f"] = -blocks["i"]
    zero = np.zeros((matrix.shape[0], units), matrix.dtype)
    return np.concatenate([blocks.get(g, zero) for g in "iofc"], axis=1).T


def onnx_weights(cell) -> LSTMWeights:
    """The ONNX weights of a fusable zoo cell (see `fusable_cell`), laid out
    from the facts its class declares."""
    from zoo.layers.facts import declared_onnx_facts

    facts = declared_onnx_facts(cell)
    units = cell.units
    gates = facts.gate_order
    kernel = np.asarray(cell.kernel, dtype=np.float32)
    recurrent = np.asarray(cell.recurrent_kernel, dtype=np.float32)
    if facts.projection is not None:  # r U = h (P U): see export.fusion.projection
        projection = np.asarray(getattr(cell, facts.projection), dtype=np.float64)
        recurrent = (projection @ recurrent.astype(np.float64)).astype(np.float32)
    bias = (
        np.asarray(cell.bias, dtype=np.float32)
        if cell.bias is not None
        else np.zeros(len(gates) * units, np.float32)
    )
    coupled = facts.input_forget
    W = _reorder(kernel, units, gates, coupled)
    R = _reorder(recurrent, units, gates, coupled)
    Wb = _reorder(bias[None, :], units, gates, coupled)[:, 0]
    B = np.concatenate([Wb, np.zeros_like(Wb)])
    P = None
    if facts.peepholes is not None:
        p_i, p_o, p_f = (np.asarray(getattr(cell, name), np.float32) for name in facts.peepholes)
        P = np.concatenate([p_i, p_o, -p_i if coupled else p_f])
    activations = [activation_name(getattr(cell, name)) for name in facts.activations]
    return LSTMWeights(W, R, B, P, int(facts.input_forget), activations)
