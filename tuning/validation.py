"""Checks on a search's arguments, made before anything is imported or written.

Every check raises `SearchInputError` (a `ValueError`, so `lstm-zoo tune` prints it as one
`error: ...` line and exits with status 2) naming the argument and its value. Nothing
here imports TensorFlow or keras-tuner.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any

#: The tuners `search(tuner=...)` and `lstm-zoo tune --tuner` take.
TUNERS = ("random", "bayesian", "hyperband", "grid")
#: The roles of a distributed search.
ROLES = ("chief", "worker")
#: The file naming what a project directory holds.
MANIFEST = "search.json"


class SearchInputError(ValueError):
    """A search argument that cannot work (the message names it and its value)."""


class OracleUnreachableError(SearchInputError):
    """A worker found no oracle at the address it was given, or lost it."""


def check_tuner(tuner: str) -> str:
    if tuner not in TUNERS:
        close = difflib.get_close_matches(str(tuner), TUNERS, n=1, cutoff=0.5)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise SearchInputError(f"unknown tuner {tuner!r}; choose one of {', '.join(TUNERS)}.{hint}")
    return tuner


def check_positive(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SearchInputError(f"{name} must be a whole number of at least 1; received {value!r}.")
    return value


def parse_address(address: str | None) -> tuple[str, int]:
    """`"HOST:PORT"` -> `("HOST", PORT)`; IPv6 hosts go in brackets ("[::1]:8000")."""
    host, sep, port = str(address or "").rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise SearchInputError(
            f"--oracle expects HOST:PORT (e.g. 127.0.0.1:8000); received {address!r}."
        )
    return host, int(port)


def check_distributed(role: str | None, address: str | None, tuner_id: str | None) -> None:
    if role is None:
        if address is not None:
            raise SearchInputError(
                f"--oracle {address} needs --distributed chief or --distributed worker."
            )
        return
    if role not in ROLES:
        raise SearchInputError(f"--distributed must be 'chief' or 'worker'; received {role!r}.")
    if address is None:
        raise SearchInputError(f"--distributed {role} needs --oracle HOST:PORT.")
    parse_address(address)
    if role == "worker" and tuner_id and "chief" in tuner_id:
        raise SearchInputError(
            f"a worker's --tuner-id must not contain 'chief' (keras-tuner reads that as the "
            f"chief); received {tuner_id!r}."
        )


def read_manifest(project_dir: str | os.PathLike[str]) -> dict[str, Any] | None:
    path = Path(project_dir) / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise SearchInputError(f"{path} is not valid JSON ({error}); pass --overwrite.") from None


def check_project(project_dir: Path, model: str, tuner: str, overwrite: bool) -> None:
    """An existing project must be a search of the same model with the same tuner
    (it is then resumed), unless `overwrite`."""
    if overwrite or not project_dir.exists():
        return
    manifest = read_manifest(project_dir)
    if manifest is None:
        if (project_dir / "oracle.json").exists() or any(project_dir.glob("trial_*")):
            raise SearchInputError(
                f"{project_dir} holds a keras-tuner project that lstm-zoo did not start; "
                "choose another --directory/--project, or pass --overwrite."
            )
        return
    if manifest.get("model") != model:
        raise SearchInputError(
            f"{project_dir} holds a search of {manifest.get('model')!r}, not {model!r}; "
            "choose another --directory/--project, or pass --overwrite to replace it."
        )
    if manifest.get("tuner") != tuner:
        raise SearchInputError(
            f"{project_dir} holds a {manifest.get('tuner')} search of {model!r}; resume it with "
            f"--tuner {manifest.get('tuner')}, or pass --overwrite to start a {tuner} search."
        )
