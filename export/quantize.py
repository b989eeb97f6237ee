"""int8 graphs: onnxruntime's dynamic quantization of a bundle's float graphs.

`quantize_dynamic` stores the weights of `MatMul`, `Gather` (embeddings) and `LSTM`
nodes as int8 with one scale per tensor and quantizes activations on the fly, per
call; the fused `LSTM` nodes become onnxruntime's `DynamicQuantizeLSTM`
(com.microsoft domain, in every onnxruntime build), so a quantized graph keeps one
node per recurrent layer. Only MatMuls whose second input is a constant weight are
quantized (`MatMulConstBOnly`): the attention's activation-by-activation products stay
float. The bundle keeps the float graphs beside the int8 ones (`model_float.onnx`), so
`verify` can measure what quantization costs (task metric, size, latency).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

#: Quantization modes `to_onnx(quantize=...)` and `lstm-zoo export --quantize` accept.
QUANTIZATIONS = ("int8",)
#: The file of a graph's float original in an int8 bundle (beside `model.onnx`).
FLOAT_FILE = "model_float.onnx"
METHOD = "onnxruntime.quantization.quantize_dynamic"
WEIGHT_TYPE = "QInt8"
#: ONNX op -> what onnxruntime makes of it (for the manifest and the docs).
QUANTIZED_OPS = {
    "LSTM": "DynamicQuantizeLSTM",
    "MatMul": "DynamicQuantizeLinear + MatMulInteger",
    "Gather": "DequantizeLinear of an 8-bit table",
}


def check_mode(quantize: str | None) -> None:
    """Raises ValueError naming the accepted modes unless `quantize` is one (or None)."""
    if quantize is not None and quantize not in QUANTIZATIONS:
        raise ValueError(
            f"unknown quantization {quantize!r}; choose one of {', '.join(QUANTIZATIONS)}"
        )


def quantize_int8(model):
    """The int8 version of the ONNX model `model` (a ModelProto; its metadata kept)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory(prefix="lstm-zoo-quantize-") as tmp:
        source, target = Path(tmp) / "float.onnx", Path(tmp) / "int8.onnx"
        onnx.save(model, source)
        quantize_dynamic(
            source,
            target,
            weight_type=QuantType.QInt8,
            op_types_to_quantize=list(QUANTIZED_OPS),
            extra_options={"MatMulConstBOnly": True},
        )
        return onnx.load(target)


def manifest_record(float_graphs: dict[str, dict]) -> dict:
    """The manifest's `quantization` object."""
    return {
        "dtype": "int8",
        "method": METHOD,
        "weight_type": WEIGHT_TYPE,
        "op_types": list(QUANTIZED_OPS),
        "float_graphs": float_graphs,
    }
