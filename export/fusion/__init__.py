"""Fused recurrent layers: zoo LSTMs become single ONNX `LSTM` nodes.

tf2onnx turns a stock `keras.layers.LSTM` into one fused `LSTM` node by
pattern-matching its while loop; a custom cell, a mask or a peephole falls
back to a generic ONNX `Loop` (about 2x slower at batch 1). Zoo layers take
a different route, in three small steps, one file each:

* `context.fusing(record)`: while a model is traced for export, every fusable
  zoo layer (one whose cell class declares its ONNX facts, `onnx_lstm`, see
  `zoo.layers.facts`: today `LSTM`, `PeepholeLSTM`, `CIFGLSTM`,
  `ProjectionLSTM`, and `Bidirectional` over them) replaces its time loop with a placeholder op
  whose inputs and outputs are exactly those of the ONNX `LSTM` operator
  (`unidirectional.py`, `bidirectional.py`, the placeholder in
  `placeholder.py`), through the layers' scoped seam
  `zoo.layers.backends.loop_override`;
* masks become `sequence_lens`: valid steps are moved to the front of each
  row, and the outputs are gathered back so that masked steps read exactly
  what Keras gives them, written directly as ONNX nodes (`onnx_masking.py`);
* `handler.lstm_handler`: the tf2onnx custom-op handler that turns each
  placeholder into the `LSTM` node, with `W`, `R`, `B` and the peepholes `P`
  in ONNX gate order, laid out from the cell's declared facts (`weights.py`),
  and coupled gates as `input_forget=1` with the forget slice written as the
  negated input slice (exact whether a runtime reads the attribute or not);
* a recurrent projection (LSTMP, `r = h P`) runs the node on `h` with the
  recurrent kernel `P U`, projecting its outputs (`projection.py`).

`LayerNormLSTM` (normalisations inside the recurrence) has no operator
equivalent: it exports as a lean `Loop` (`lean_loop.py`). Other layers the
operator cannot express (activations it lacks) keep their loop, traced op by
op whatever path they train with, and export as tf2onnx's `Loop`.
"""

from export.fusion.context import FusionRecord, fusing

__all__ = ["FusionRecord", "fusing"]
