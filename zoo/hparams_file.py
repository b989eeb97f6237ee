"""Reading a hyperparameters file (`lstm-zoo train MODEL --hparams FILE`).

The file is JSON: a `best_hparams.json` a search wrote (its `hparams` are the best trial's,
the model in `best_model/`, and its `fixed` the ones held fixed in the search), or one
written by hand with the same fields. Nothing in it is trusted: it is read bounded
(`zoo.jsonfile`), validated against `HPARAMS_FILE_SCHEMA`, each name must be a
hyperparameter of the model and each value must pass the model's own checks
(`hparam_specs`). Every problem is one line naming the file and the field.
"""

from __future__ import annotations

import difflib
import os
from typing import Any

from zoo.hparams import HyperparameterError

_VALUE = {
    "anyOf": [
        {"type": ["string", "number", "boolean", "null"]},
        {"type": "array", "items": {"type": ["string", "number", "boolean"]}, "maxItems": 1024},
    ]
}
HPARAMS_FILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["hparams"],
    "properties": {
        "model": {"type": ["string", "null"], "maxLength": 100},
        "hparams": {"type": "object", "additionalProperties": _VALUE, "maxProperties": 256},
        "fixed": {"type": "object", "additionalProperties": _VALUE, "maxProperties": 256},
    },
}
#: The most a hyperparameters file may hold.
MAX_BYTES = 1024 * 1024


class HparamsFileError(ValueError):
    """A hyperparameters file that cannot be used (the message names file and field)."""


def read_hparams_file(path: str | os.PathLike[str], model: str) -> dict[str, Any]:
    """The hyperparameters of `model` in the file `path`: its `fixed` values, then its
    `hparams` over them (Hyperband's "tuner/..." entries are bookkeeping, skipped).

    Raises:
        HparamsFileError: unreadable, not JSON, not the schema, an unknown name, a value
            out of the model's range, or a file written for another model.
        FileNotFoundError: no such file.
    """
    import jsonschema

    from zoo.jsonfile import read_json_object
    from zoo.registry import model_card, model_class

    data = read_json_object(path, HparamsFileError, limit=MAX_BYTES)
    try:
        jsonschema.validate(data, HPARAMS_FILE_SCHEMA)
    except jsonschema.ValidationError as error:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise HparamsFileError(f"{path}: field {where}: {error.message}") from None
    written_for = data.get("model")
    known = model_card(model)["hyperparameters"]
    if written_for and written_for != model:
        raise HparamsFileError(
            f"{path}: field model: written for {written_for!r}, not {model!r}; "
            f"train {written_for} with it, or remove the field to apply it to {model}"
        )
    specs = model_class(model).hparam_specs
    values: dict[str, Any] = {}
    for section in ("fixed", "hparams"):
        for key, value in (data.get(section) or {}).items():
            if key.startswith("tuner/"):
                continue
            field = f"{section}/{key}"
            if key not in known:
                close = difflib.get_close_matches(key, list(known), n=3, cutoff=0.5)
                hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
                raise HparamsFileError(
                    f"{path}: field {field}: {model} has no hyperparameter {key!r}.{hint}"
                )
            spec = specs.get(key)
            if spec is not None:
                try:
                    value = spec.check(key, value)
                except HyperparameterError:
                    raise HparamsFileError(
                        f"{path}: field {field}: must be {spec.describe()}; found {value!r}"
                    ) from None
            values[key] = value
    return values
