"""The JSON schema of the autotune cache (`zoo.layers.autotune`)."""

from __future__ import annotations

FORMAT = "lstm-zoo-backends/1"

#: Largest cache file read, in bytes.
MAX_BYTES = 1 << 20

_PATH = {"enum": ["xla", "ops", "keras_rnn", "xla_loop", "cudnn"]}
_NAME = "^[A-Za-z0-9_.+-]{1,200}$"

_ENTRY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["choice", "timings_ms", "shape", "measured_at"],
    "properties": {
        "choice": _PATH,
        "timings_ms": {
            "type": "object",
            "minProperties": 1,
            "maxProperties": 5,
            "propertyNames": _PATH,
            "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1e7},
        },
        "shape": {
            "type": "array",
            "items": {"type": "integer", "minimum": 1, "maximum": 1 << 20},
            "minItems": 3,
            "maxItems": 3,
        },
        "measured_at": {"type": "string", "maxLength": 40},
    },
}

_MACHINE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["machine", "entries"],
    "properties": {
        "machine": {
            "type": "object",
            "additionalProperties": False,
            "required": ["cpu", "cores", "tensorflow", "keras", "device"],
            "properties": {
                "cpu": {"type": "string", "maxLength": 200},
                "cores": {"type": "integer", "minimum": 0},
                "tensorflow": {"type": "string", "maxLength": 40},
                "keras": {"type": "string", "maxLength": 40},
                "device": {"type": "string", "maxLength": 200},
            },
        },
        "entries": {
            "type": "object",
            "maxProperties": 2000,
            "propertyNames": {"pattern": _NAME},
            "additionalProperties": _ENTRY,
        },
    },
}

CACHE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["format", "machines"],
    "properties": {
        "format": {"const": FORMAT},
        "machines": {
            "type": "object",
            "maxProperties": 64,
            "propertyNames": {"pattern": "^[0-9a-f]{16}$"},
            "additionalProperties": _MACHINE,
        },
    },
}
