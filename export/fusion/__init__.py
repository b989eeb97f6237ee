"""Fused recurrent layers: zoo LSTMs become single ONNX `LSTM` nodes.

tf2onnx turns a stock `keras.layers.LSTM` into one fused `LSTM` node by
pattern-matching its while loop; a custom cell, a mask or a peephole falls
back to a generic ONNX `Loop` (about 2x slower at batch 1). Zoo layers take
a different route, in three small steps, one file each:

* `context.fusing(record)`: while a model is traced for export, every fusable
  zoo layer (one whose cell class declares its ONNX facts, `onnx_lstm`, see
  `zoo.layers.facts`: today `LSTM`, `PeepholeLSTM`, `CIFGLSTM`, and
  `Bidirectional` over them) replaces its time loop with a placeholder op
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
  and coupled gates as `input_forget=1`.

Layers the operator cannot express (no declared facts, as `LayerNormLSTM` and
`ProjectionLSTM`, or activations it lacks) keep their loop, traced op by op
whatever path they train with, and export as a `Loop`.
"""

from export.fusion.context import FusionRecord, fusing

__all__ = ["FusionRecord", "fusing"]
