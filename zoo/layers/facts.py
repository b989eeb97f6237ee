"""What a zoo cell declares about itself for export and for fused kernels.

A cell class states, as a class attribute `onnx_lstm`, how its equations map
onto the ONNX `LSTM` operator (gate order of its kernels, peepholes, coupled
gates, which attributes are its activations), or `None` when they do not.
`export.fusion` reads these facts instead of listing cell classes, and the
GPU path reads them to know whether the equations are exactly cuDNN's.

The facts belong to the class that declares them: a subclass that does not
declare its own (say, one that changes `cell_update`) is treated as having
none, so a new variant never exports or runs on cuDNN with its parent's
equations by accident.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The ONNX `LSTM` operator's gate order for `W`, `R` and `B`.
ONNX_GATE_ORDER = "iofc"


@dataclass(frozen=True)
class OnnxLSTMFacts:
    """How one cell class maps onto the ONNX `LSTM` operator.

    Attributes:
        gate_order: the gate blocks of the cell's `kernel`, `recurrent_kernel`
            and `bias` columns, in order: `"ifco"` for the Keras layout,
            `"ico"` for a cell without a forget block.
        peepholes: the cell attributes holding the peephole vectors, in the
            ONNX `P` order (input, output, forget); None without peepholes.
        input_forget: whether the forget gate is one minus the input gate
            (the operator's `input_forget=1`).
        activations: the cell attributes holding the operator's three
            activations f (gates), g (candidate) and h (cell output).
        projection: the cell attribute holding a recurrent projection `P`
            `(units, p)` (LSTMP: the output and recurrent state are `r = h P`),
            or None. With `z = x W + r U = x W + h (P U)`, the operator runs on
            `h` with the recurrent kernel `P U`, and the export projects its
            outputs with `P` (`export.fusion.projection`).
    """

    gate_order: str = "ifco"
    peepholes: tuple[str, str, str] | None = None
    input_forget: bool = False
    activations: tuple[str, str, str] = ("recurrent_activation", "activation", "activation")
    projection: str | None = None

    def __post_init__(self) -> None:
        if sorted(self.gate_order) != sorted(set(self.gate_order)) or not set(
            self.gate_order
        ) <= set(ONNX_GATE_ORDER):
            raise ValueError(
                f"gate_order must be distinct gates of 'ifco'; got {self.gate_order!r}"
            )
        if self.input_forget == ("f" in self.gate_order):
            raise ValueError("input_forget=True means the cell has no forget block, and only then")

    @property
    def is_plain_lstm(self) -> bool:
        """Whether these are the equations of a plain LSTM in Keras layout
        (the equations of cuDNN's LSTM, given tanh and sigmoid)."""
        return (
            self.gate_order == "ifco"
            and self.peepholes is None
            and not self.input_forget
            and self.projection is None
        )


def declared_onnx_facts(cell) -> OnnxLSTMFacts | None:
    """The ONNX facts declared by `type(cell)` itself (not inherited), or None."""
    facts = type(cell).__dict__.get("onnx_lstm")
    return facts if isinstance(facts, OnnxLSTMFacts) else None


@dataclass(frozen=True)
class OnnxLoopFacts:
    """How a cell the ONNX `LSTM` operator cannot run exports as a lean `Loop`.

    The cell's equations are an LSTM's (gates i, f, c, o in its kernels; gate and
    candidate activations as `OnnxLSTMFacts.activations` says) with layer
    normalisations inside the recurrence, over the last axis, as ONNX's
    `LayerNormalization`:

        z = input part (the cell's own `prepared` + `input_part`, hoisted out of the
            loop: one MatMul over the whole sequence) + LN(h U; γ_h, 0)
        c_t = σ(f) ⊙ c_{t-1} + σ(i) ⊙ g(c̃)
        h_t = σ(o) ⊙ h(LN(c_t; γ_c, β_c))

    Attributes:
        recurrent_gamma: the cell attribute holding γ_h `(4 * units,)`; the recurrent
            kernel is centred over its gate columns, so `LN` of `h U` is its RMS scaling.
        cell_gamma, cell_beta: the attributes holding γ_c and β_c `(units,)`.
        epsilon: the attribute holding the normalisations' ε.
        activations: as `OnnxLSTMFacts.activations`.
    """

    recurrent_gamma: str = "recurrent_gamma"
    cell_gamma: str = "cell_gamma"
    cell_beta: str = "cell_beta"
    epsilon: str = "epsilon"
    activations: tuple[str, str, str] = ("recurrent_activation", "activation", "activation")


def declared_loop_facts(cell) -> OnnxLoopFacts | None:
    """The lean-loop facts declared by `type(cell)` itself (not inherited), or None."""
    facts = type(cell).__dict__.get("onnx_loop")
    return facts if isinstance(facts, OnnxLoopFacts) else None
