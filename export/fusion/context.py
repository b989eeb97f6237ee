"""The export-time switch that makes zoo layers emit fused LSTM placeholders."""

from __future__ import annotations

import contextlib
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
        return [spec.layer for spec in self.specs.values()]


@contextlib.contextmanager
def fusing(record: FusionRecord) -> Iterator[FusionRecord]:
    """Within the block, fusable zoo layers (and `Bidirectional` over them)
    trace as fused placeholders recorded in `record`."""
    import keras

    from export.fusion.bidirectional import fused_bidirectional_call
    from export.fusion.unidirectional import fused_inner_loop
    from zoo.layers.base import INNER_LOOP_OVERRIDE

    original_call = keras.layers.Bidirectional.call

    def call(self, sequences, initial_state=None, mask=None, training=None):
        result = fused_bidirectional_call(record, self, sequences, initial_state, mask)
        if result is None:
            return original_call(self, sequences, initial_state, mask, training)
        return result

    token = INNER_LOOP_OVERRIDE.set(lambda layer, *args: fused_inner_loop(record, layer, *args))
    keras.layers.Bidirectional.call = call
    try:
        yield record
    finally:
        keras.layers.Bidirectional.call = original_call
        INNER_LOOP_OVERRIDE.reset(token)
