"""A Keras graph to an ONNX model: tf2onnx, with zoo LSTMs fused."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

#: The default ONNX opset: opset 17 has every op the graphs use and runs on
#: any onnxruntime from 1.12 on.
DEFAULT_OPSET = 17


@dataclass
class InputSpec:
    """One graph input: name, shape (None = dynamic) and dtype."""

    name: str
    shape: tuple[int | None, ...]
    dtype: str = "float32"

    def as_dict(self) -> dict:
        return {"name": self.name, "shape": list(self.shape), "dtype": self.dtype}


@dataclass
class ConvertedGraph:
    """An ONNX model and what export learned while making it."""

    model: object  # onnx.ModelProto
    inputs: list[InputSpec]
    outputs: list[str]
    fused_layers: list[str] = field(default_factory=list)
    unfused_layers: dict[str, str] = field(default_factory=dict)

    def op_counts(self) -> dict[str, int]:
        return op_counts(self.model)


#: Op types that are one fused recurrent layer: the ONNX operator and its int8 form
#: (onnxruntime's `DynamicQuantizeLSTM`, see `export.quantize`).
LSTM_OPS = ("LSTM", "DynamicQuantizeLSTM")


def lstm_nodes(counts: dict[str, int]) -> int:
    """The fused recurrent layers among node counts (`op_counts`)."""
    return sum(counts.get(op, 0) for op in LSTM_OPS)


def op_counts(model) -> dict[str, int]:
    """Node counts by op type, subgraphs (Loop/If/Scan bodies) included."""
    counts: dict[str, int] = {}

    def visit(graph):
        for node in graph.node:
            counts[node.op_type] = counts.get(node.op_type, 0) + 1
            for attr in node.attribute:
                if attr.g is not None and attr.g.node:
                    visit(attr.g)
                for sub in attr.graphs:
                    visit(sub)

    visit(model.graph)
    return counts


def keras_to_onnx(
    network,
    inputs: Sequence[InputSpec],
    outputs: Sequence[str],
    opset: int | None = None,
    fuse: bool = True,
) -> ConvertedGraph:
    """Converts `network` (a Keras model taking `inputs` in order, as a list or
    a single tensor) to ONNX with named inputs and outputs. With `fuse`, zoo
    LSTM layers become ONNX `LSTM` nodes (see `export.fusion`)."""
    import contextlib

    import tensorflow as tf
    import tf2onnx

    from export.fusion import FusionRecord, fusing
    from export.fusion.handler import PLACEHOLDER_OPS, lstm_handler

    record = FusionRecord()
    signature = [tf.TensorSpec(list(i.shape), i.dtype, name=i.name) for i in inputs]
    single = len(inputs) == 1

    @tf.function(autograph=False)
    def serve(*args):
        result = network(args[0] if single else list(args), training=False)
        result = result if isinstance(result, (list, tuple)) else [result]
        if len(result) != len(outputs):
            raise ValueError(
                f"the graph has {len(result)} outputs; names were given for {len(outputs)}"
            )
        return {name: tf.identity(value, name=name) for name, value in zip(outputs, result)}

    import logging

    # tf2onnx logs shape-inference misses of the placeholders (which the handler then
    # fills in) as errors; keep its own warnings and errors otherwise.
    logging.getLogger("tf2onnx.shape_inference").setLevel(logging.CRITICAL)
    handlers = {op: (lstm_handler(record), []) for op in PLACEHOLDER_OPS}
    context = fusing(record) if fuse else contextlib.nullcontext()
    with context:
        serve.get_concrete_function(*signature)  # the trace that records the placeholders
        record.read_weights()
        model, _ = tf2onnx.convert.from_function(
            serve,
            input_signature=signature,
            opset=opset or DEFAULT_OPSET,
            custom_op_handlers=handlers,
        )
    from export.fusion.onnx_loop import expand_lean_loops

    expand_lean_loops(model)
    left = [n.name for n in model.graph.node if n.op_type in PLACEHOLDER_OPS]
    if left:
        raise RuntimeError(f"fused LSTM placeholders were not converted: {left}")
    return ConvertedGraph(
        model=model,
        inputs=list(inputs),
        outputs=list(outputs),
        fused_layers=record.fused_layers,
        unfused_layers=dict(record.unfused),
    )
