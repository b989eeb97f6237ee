"""Masks as `sequence_lens`, written directly as ONNX nodes around the `LSTM` node.

The ONNX `LSTM` operator takes one length per row and treats the first
`length` steps as valid. A Keras mask may mark any steps (pre-padding,
post-padding, holes). So, before the node, each row's valid steps move to
the front in their order (`TopK` over distinct keys, then `GatherElements`);
after it, each step reads the compacted output that Keras would give it:

* forward: the output after the last valid step at or before it (Keras
  carries the previous output over a masked step; zeros before the first);
* backward (the reverse half of a bidirectional node): the output after the
  first valid step at or after it, zeros after the last;
* zeros at masked steps when the layer has `zero_output_for_mask`.

Final states of an all-padding row are the initial ones (onnxruntime reports
zeros there); last outputs stay zeros, as in Keras. Written as ONNX rather
than TensorFlow because tf2onnx spells the same logic in about three times
as many nodes (casts around every integer comparison and shape), which costs
more than the LSTM itself on short sentences at batch 1.
"""

from __future__ import annotations

import numpy as np
from onnx import TensorProto
from tf2onnx import utils


class _Builder:
    def __init__(self, ctx, prefix: str) -> None:
        self.ctx, self.prefix = ctx, prefix

    def const(self, value, dtype=np.int64) -> str:
        name = utils.make_name(f"{self.prefix}_const")
        return self.ctx.make_const(name, np.asarray(value, dtype=dtype)).output[0]

    def op(self, op_type: str, *inputs: str, outputs: int = 1, **attr):
        node = self.ctx.make_node(
            op_type, list(inputs), attr=attr, output_count=outputs, op_name_scope=self.prefix
        )
        return node.output[0] if outputs == 1 else node.output


def masked_lstm(ctx, prefix: str, x, mask, h0, c0, lstm_inputs, lstm_attrs, dirs, zeros, sequences):
    """Builds compaction -> `LSTM` -> gather-back.

    Args:
        x: `[B, T, D]` batch-major input; mask: `[B, T]` bool; h0, c0: `[dirs, B, H]`.
        lstm_inputs: `(W, R, B, P or None)` constant names; lstm_attrs: the node's attributes.
        zeros: `zero_output_for_mask` per direction; sequences: build the per-step outputs.

    Returns:
        `(sequence [dirs, B, T, H] or None, h [dirs, B, H], c, last [dirs, B, H])`.
    """
    b = _Builder(ctx, prefix)
    f32 = TensorProto.FLOAT
    m = b.op("Cast", mask, to=TensorProto.INT64)
    counts = b.op("CumSum", m, b.const(1))
    lengths = b.op("ReduceSum", m, b.const([1]), keepdims=0)
    shape = b.op("Shape", x)
    steps_1d = b.op("Slice", shape, b.const([1]), b.const([2]))
    steps = b.op("Squeeze", steps_1d, b.const([0]))
    key = b.op(
        "Add",
        b.op("Mul", b.op("Sub", b.const(1), m), steps),
        b.op("Range", b.const(0), steps, b.const(1)),
    )
    _, order = b.op("TopK", b.op("Neg", key), steps_1d, outputs=2, axis=1, largest=1, sorted=1)
    index = b.op("Expand", b.op("Unsqueeze", order, b.const([2])), shape)
    xc = b.op("Transpose", b.op("GatherElements", x, index, axis=1), perm=[1, 0, 2])
    W, R, B, P = lstm_inputs
    inputs = [xc, W, R, B, b.op("Cast", lengths, to=TensorProto.INT32), h0, c0]
    if P is not None:
        inputs.append(P)
    y, y_h, y_c = b.op("LSTM", *inputs, outputs=3, **lstm_attrs)

    some = b.op(
        "Unsqueeze", b.op("Cast", b.op("Greater", lengths, b.const(0)), to=f32), b.const([0, 2])
    )
    none = b.op("Sub", b.const(1.0, np.float32), some)
    h = b.op("Add", b.op("Mul", y_h, some), b.op("Mul", h0, none))
    c = b.op("Add", b.op("Mul", y_c, some), b.op("Mul", c0, none))
    if not sequences:
        return None, h, c, y_h

    reads, keeps = [], []
    for direction in range(dirs):
        if direction == 0:  # the last valid step at or before t
            read = b.op("Sub", counts, b.const(1))
            keep = b.op("Greater", counts, b.const(0))
        else:  # the first valid step at or after t
            read = b.op("Sub", counts, m)
            keep = b.op("Less", read, b.op("Unsqueeze", lengths, b.const([1])))
        if zeros[direction]:
            keep = b.op("And", keep, mask)
        reads.append(b.op("Unsqueeze", read, b.const([0])))
        keeps.append(b.op("Unsqueeze", keep, b.const([0])))
    read = reads[0] if dirs == 1 else b.op("Concat", *reads, axis=0)
    keep = keeps[0] if dirs == 1 else b.op("Concat", *keeps, axis=0)
    last = b.op("Sub", steps, b.const(1))
    read = b.op("Clip", read, b.const(0), last)
    per_step = b.op("Transpose", y, perm=[1, 2, 0, 3])  # [dirs, B, T, H]
    index = b.op("Expand", b.op("Unsqueeze", read, b.const([3])), b.op("Shape", per_step))
    gathered = b.op("GatherElements", per_step, index, axis=2)
    keep = b.op("Unsqueeze", b.op("Cast", keep, to=f32), b.const([3]))
    return b.op("Mul", gathered, keep), h, c, y_h
