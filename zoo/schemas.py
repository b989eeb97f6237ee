"""JSON Schemas of the files lstm-zoo reads back, and `check`, which names the field.

Why `jsonschema`: it is the reference Python implementation of the JSON
Schema standard (draft 2020-12 here), so the schemas below are plain data
that any JSON Schema tool in any language can apply to the same files, and
each error it finds carries the path of the offending value, which goes into
our one-line message (`zoo_model.json: field 'hparams': expected an object,
found an array`). pydantic would tie the file formats to Python classes.

`MODEL_STATE` describes `zoo_model.json`; `PREPROCESSING[task]` the
`preprocessing` object of each family (shared with the bundle manifest,
`export.schema`). Ranges of hyperparameters are the model classes' business;
here `hparams` must be an object.
"""

from __future__ import annotations

import os
from typing import Any

from zoo.jsonfile import MetadataError, json_type

DRAFT = "https://json-schema.org/draft/2020-12/schema"

STRINGS = {"type": "array", "items": {"type": "string"}}
NUMBERS = {"type": "array", "items": {"type": "number"}}
POSITIVE = {"type": "integer", "minimum": 1}
SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
#: A registry name: what `register_model` accepts in practice, and short.
MODEL_NAME = {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"}

_TEXT_TOKENIZER = {
    "type": "object",
    "required": ["class_name", "lowercase", "tokens"],
    "properties": {
        "class_name": {"const": "Tokenizer"},
        "version": {"type": "integer"},
        "lowercase": {"type": "boolean"},
        "tokens": {**STRINGS, "minItems": 2, "uniqueItems": True},
    },
}

_TRANSLATION_TOKENIZER = {
    "type": "object",
    "required": ["version", "lowercase", "french_spacing", "vocabulary"],
    "properties": {
        "version": {"type": "integer"},
        "lowercase": {"type": "boolean"},
        "french_spacing": {"type": "boolean"},
        "vocabulary": {**STRINGS, "minItems": 1, "uniqueItems": True},
    },
}

_SCALER = {
    "type": "object",
    "required": ["mean", "scale"],
    "properties": {
        "class_name": {"const": "StandardScaler"},
        "min_scale": {"type": "number"},
        "mean": {**NUMBERS, "minItems": 1},
        "scale": {**NUMBERS, "minItems": 1, "items": {"type": "number", "exclusiveMinimum": 0}},
    },
}

#: The `preprocessing` object of each of the project's families (each family's
#: registration names its own: `Family.preprocessing_schema`).
PREPROCESSING: dict[str, dict[str, Any]] = {
    "sentiment": {
        "type": "object",
        "required": ["tokenizer", "label_names", "max_length"],
        "properties": {
            "tokenizer": _TEXT_TOKENIZER,
            "label_names": {**STRINGS, "minItems": 1, "uniqueItems": True},
            "max_length": POSITIVE,
        },
    },
    "translation": {
        "type": "object",
        "required": ["source_tokenizer", "target_tokenizer"],
        "properties": {
            "source_tokenizer": _TRANSLATION_TOKENIZER,
            "target_tokenizer": _TRANSLATION_TOKENIZER,
        },
    },
    "forecasting": {
        "type": "object",
        "required": [
            "columns",
            "targets",
            "target_index",
            "scaler",
            "calendar_features",
            "freq",
            "step_seconds",
            "season",
            "mase_scale",
            "input_width",
            "horizon",
        ],
        "properties": {
            "columns": {**STRINGS, "minItems": 1, "uniqueItems": True},
            "targets": {**STRINGS, "minItems": 1, "uniqueItems": True},
            "target_index": {
                "type": "array",
                "minItems": 1,
                "items": {"type": "integer", "minimum": 0},
            },
            "scaler": _SCALER,
            "calendar_features": STRINGS,
            "freq": {"type": ["string", "null"]},
            "step_seconds": {"type": "number", "exclusiveMinimum": 0},
            "season": POSITIVE,
            "mase_scale": NUMBERS,
            "input_width": POSITIVE,
            "horizon": POSITIVE,
            "conformal": {"type": "array", "maxItems": 100000, "items": NUMBERS},
            "conformal_scores": {
                "type": "array",
                "maxItems": 256,
                "items": {"type": "array", "maxItems": 100000, "items": NUMBERS},
            },
            "conformal_count": POSITIVE,
            "reference": {
                "type": "object",
                "required": ["dates", "values"],
                "properties": {
                    "dates": {
                        "type": "array",
                        "maxItems": 100000,
                        "items": {"type": "string", "maxLength": 40},
                    },
                    "values": {"type": "array", "maxItems": 100000, "items": NUMBERS},
                },
            },
        },
    },
}

SENTIMENT_PREPROCESSING = PREPROCESSING["sentiment"]
TRANSLATION_PREPROCESSING = PREPROCESSING["translation"]
FORECASTING_PREPROCESSING = PREPROCESSING["forecasting"]

#: `zoo_model.json`, written by `ZooModel.save`. Keys not named here are
#: allowed (and ignored), so that later versions may add information.
MODEL_STATE: dict[str, Any] = {
    "$schema": DRAFT,
    "type": "object",
    "required": ["format_version", "name", "task", "hparams", "preprocessing"],
    "properties": {
        "format_version": {"type": "integer"},
        "name": MODEL_NAME,
        "class": {"type": "string", "maxLength": 300},
        "task": {"type": "string"},
        "hparams": {"type": "object"},
        "preprocessing": {"type": "object"},
        "history": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": ["number", "null"]}},
        },
    },
}

_VALIDATORS: dict[int, Any] = {}


def _validator(schema: dict[str, Any]):
    import jsonschema

    key = id(schema)
    if key not in _VALIDATORS:
        jsonschema.Draft202012Validator.check_schema(schema)
        _VALIDATORS[key] = jsonschema.Draft202012Validator(schema)
    return _VALIDATORS[key]


def field_name(path: list[Any] | tuple[Any, ...]) -> str:
    """`["graphs", "network", "inputs", 0]` -> `graphs.network.inputs[0]`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _short(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _problem(error) -> tuple[list[Any], str]:
    """The field path and a short description of one jsonschema error."""
    path, kind, expected = list(error.absolute_path), error.validator, error.validator_value
    value = error.instance
    if kind == "required":
        missing = next((k for k in expected if k not in value), expected[0])
        return [*path, missing], "is missing"
    if kind == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join("an " + n if n[0] in "aeiou" else "a " + n for n in names)
        return path, f"expected {wanted}, found {json_type(value)}"
    if kind == "const":
        return path, f"expected {expected!r}, found {_short(value)}"
    if kind == "enum":
        return path, f"expected one of {', '.join(map(repr, expected))}, found {_short(value)}"
    if kind == "pattern":
        wanted = error.schema.get("description", "of the expected form")
        return path, f"{_short(value)} is not {wanted}"
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        sign = {"minimum": ">=", "exclusiveMinimum": ">", "maximum": "<=", "exclusiveMaximum": "<"}
        return path, f"{_short(value)} is out of range (must be {sign[kind]} {expected})"
    if kind in ("minItems", "maxItems", "minProperties", "maxProperties"):
        return path, f"{'at least' if kind.startswith('min') else 'at most'} {expected} expected"
    if kind == "uniqueItems":
        return path, "holds duplicate entries"
    if kind in ("minLength", "maxLength"):
        return path, f"{'too short' if kind == 'minLength' else 'too long'} (limit {expected})"
    if kind == "propertyNames":
        return path, "holds a name that is not allowed"
    return path, " ".join(error.message.split())[:160]


def check(
    instance: Any,
    schema: dict[str, Any],
    file: str | os.PathLike[str],
    error: type[ValueError] = MetadataError,
    prefix: tuple[Any, ...] = (),
) -> None:
    """Validates `instance` against `schema`; the first problem raises `error`
    as `FILE: field 'a.b[0]': what is wrong` (`prefix` is prepended to the
    field path, for a part of a file checked on its own)."""
    # The first problem in the schema's order (the type, then required fields, then each
    # field in document order), rather than jsonschema's `best_match`, which prefers the
    # last of equally deep errors.
    found = next(iter(_validator(schema).iter_errors(instance)), None)
    if found is None:
        return
    path, problem = _problem(found)
    separator = " " if problem.startswith("is ") else ": "
    raise error(f"{file}: field '{field_name([*prefix, *path])}'{separator}{problem}")


def describe_field(file: str | os.PathLike[str], path: list[Any], problem: str) -> str:
    """The one-line message `FILE: field 'path': problem`."""
    return f"{file}: field '{field_name(path)}': {problem}"
