"""The JSON Schema of a bundle manifest (`zoo_bundle.json`).

Validated with `jsonschema`, the reference JSON Schema implementation (see
`zoo.schemas` for why), before any field is used. The `preprocessing` object
is checked against its family's schema (`Family.preprocessing_schema`), and the
graph names against the family's `graphs`, once the registry has named the
family. Paths are checked again, against the
directory itself, by `export.bundle`.
"""

from __future__ import annotations

from typing import Any

from zoo.schemas import DRAFT, MODEL_NAME, SHA256, STRINGS

#: A relative path inside a bundle: `/`-separated names of letters, digits,
#: `.`, `_` and `-`; none is `.` or `..` (checked in `export.bundle`).
_PART = r"(?!\.\.?(/|$))[A-Za-z0-9._-]+"
RELATIVE_PATH = {
    "type": "string",
    "pattern": f"^{_PART}(/{_PART})*$",
    "maxLength": 255,
    "description": "a relative path inside the bundle (no leading '/', no '.' or '..')",
}
GRAPH_NAME = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,31}$"}
COUNT = {"type": "integer", "minimum": 0}

_INPUT = {
    "type": "object",
    "required": ["name", "shape", "dtype", "domain"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 100},
        "shape": {
            "type": "array",
            "minItems": 1,
            "maxItems": 8,
            "items": {"type": ["integer", "null"]},
        },
        "dtype": {"enum": ["float32", "float64", "int32", "int64", "bool"]},
        "domain": {
            "type": "object",
            "required": ["kind", "low", "high"],
            "additionalProperties": False,
            "properties": {
                "kind": {"enum": ["normal", "ids", "mask"]},
                "low": {"type": "integer"},
                "high": {"type": "integer"},
            },
        },
    },
}

_GRAPH = {
    "type": "object",
    "required": [
        "file",
        "sha256",
        "inputs",
        "outputs",
        "test_data_sets",
        "real_samples",
        "lstm_nodes",
        "loop_nodes",
    ],
    "properties": {
        "file": RELATIVE_PATH,
        "sha256": SHA256,
        "inputs": {"type": "array", "minItems": 1, "maxItems": 16, "items": _INPUT},
        "outputs": {**STRINGS, "minItems": 1, "maxItems": 16, "uniqueItems": True},
        "sizes": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}},
        "test_data_sets": {"type": "integer", "minimum": 0, "maximum": 16},
        "real_samples": {"type": "boolean"},
        "lstm_nodes": COUNT,
        "loop_nodes": COUNT,
        "fused_layers": STRINGS,
        "unfused_layers": {"type": "object"},
        "opset": {"type": "integer"},
    },
}


#: An int8 bundle's record of its quantization (`export.quantize`): the served
#: `model.onnx` of each graph is int8; its float original is kept for `verify`.
QUANTIZATION = {
    "type": "object",
    "required": ["dtype", "method", "weight_type", "op_types", "float_graphs"],
    "additionalProperties": False,
    "properties": {
        "dtype": {"enum": ["int8"]},
        "method": {"enum": ["onnxruntime.quantization.quantize_dynamic"]},
        "weight_type": {"enum": ["QInt8"]},
        "op_types": {**STRINGS, "maxItems": 16},
        "float_graphs": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": GRAPH_NAME,
            "additionalProperties": {
                "type": "object",
                "required": ["file", "sha256"],
                "additionalProperties": False,
                "properties": {"file": RELATIVE_PATH, "sha256": SHA256},
            },
        },
    },
}


#: `zoo_bundle.json`, written by `export.to_onnx`. Keys not named here are
#: allowed (and ignored); they are covered by the seal all the same.
MANIFEST: dict[str, Any] = {
    "$schema": DRAFT,
    "type": "object",
    "required": [
        "format",
        "format_version",
        "name",
        "task",
        "hparams",
        "preprocessing",
        "graphs",
        "streaming",
        "files",
        "seal",
    ],
    "properties": {
        "format": {"type": "string"},
        "format_version": {"type": "integer"},
        "name": MODEL_NAME,
        "class": {"type": "string", "maxLength": 300},
        "task": {"type": "string", "pattern": "^[a-z][a-z0-9_-]{0,49}$"},
        "hparams": {"type": "object"},
        "preprocessing": {"type": "object"},
        "graphs": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": GRAPH_NAME,
            "additionalProperties": _GRAPH,
        },
        "streaming": {"type": "boolean"},
        "files": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": RELATIVE_PATH,
            "additionalProperties": {
                "type": "object",
                "required": ["sha256", "size"],
                "properties": {"sha256": SHA256, "size": COUNT},
            },
        },
        "seal": SHA256,
        "source_model": {
            "type": ["object", "null"],
            "required": ["directory", "sha256"],
            "properties": {
                "directory": {"type": "string", "pattern": "^[^/\\\\]{1,255}$"},
                "sha256": SHA256,
            },
        },
        "created": {"type": "string"},
        "quantization": QUANTIZATION,
        "versions": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
