"""The export-time switch that makes zoo layers emit fused LSTM placeholders."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass, field

from export.fusion.weights import LSTMWeights


@dataclass
class FusedSpec:
    """What one placeholder becomes: the cell of each direction (its weights
    are read at conversion, outside the trace) and, for a masked layer, what
    its placeholder computes."""

    layer: str
    cells: list
    units: int
    masked: bool  # inputs x [B, T, D], h0, c0, mask and four outputs; see onnx_masking
    zeros: tuple[bool, ...] = ()  # zero_output_for_mask per direction (masked only)
    sequences: bool = True  # masked only: whether the per-step outputs are used
    _weights: list[LSTMWeights] | None = None

    @property
    def direction(self) -> str:
        return "bidirectional" if len(self.cells) == 2 else "forward"

    def weights(self) -> list[LSTMWeights]:
        """The ONNX weights (read eagerly by `FusionRecord.read_weights`)."""
        if self._weights is None:
            from export.fusion.weights import onnx_weights

            self._weights = [onnx_weights(cell) for cell in self.cells]
        return self._weights


@dataclass
class FusionRecord:
    """Collects, during one trace, the placeholders (by their op token) and
    the recurrent layers that could not be fused (with the reason)."""

    specs: dict[str, FusedSpec] = field(default_factory=dict)
    unfused: dict[str, str] = field(default_factory=dict)

    def read_weights(self) -> None:
        """Reads every recorded cell's weights; call it eagerly, after the trace."""
        for spec in self.specs.values():
            spec.weights()

    @property
    def fused_layers(self) -> list[str]:
        return [spec.layer for spec in self.specs.values() if isinstance(spec, FusedSpec)]


@contextlib.contextmanager
def fusing(record: FusionRecord) -> Iterator[FusionRecord]:
    """Within the block, fusable zoo layers (and `Bidirectional` over them)
    trace as fused placeholders recorded in `record`; the other zoo layers
    trace op by op.

    The zoo layers are reached through their own scoped seam
    (`zoo.layers.backends.loop_override`, this thread or task only).
    `keras.layers.Bidirectional` has no such seam: its `call` is replaced for
    the duration of the block and restored on exit. The replacement acts only
    in the context that entered the block (a context variable: other threads
    and tasks get Keras' own `call`), and there defers to the original for
    anything but two fusable zoo directions.
    """
    import keras

    from export.fusion.bidirectional import fused_bidirectional_call
    from export.fusion.lean_loop import lean_inner_loop
    from export.fusion.unidirectional import fused_inner_loop
    from zoo.layers.backends import loop_override

    original_call = keras.layers.Bidirectional.call
    active = contextvars.ContextVar("fusion_record", default=None)

    def call(self, sequences, initial_state=None, mask=None, training=None):
        current = active.get()
        if current is not None:
            result = fused_bidirectional_call(current, self, sequences, initial_state, mask)
            if result is not None:
                return result
        return original_call(self, sequences, initial_state, mask, training)

    def hook(layer, *args):
        result = fused_inner_loop(record, layer, *args)
        return result if result is not None else lean_inner_loop(record, layer, *args)

    # Layers that do not fuse trace op by op: the graph a converter reads
    # (no XLA cluster, no cuDNN op), whatever the machine would train with.
    keras.layers.Bidirectional.call = call
    token = active.set(record)
    try:
        with loop_override(hook, path="ops"):
            yield record
    finally:
        active.reset(token)
        keras.layers.Bidirectional.call = original_call
