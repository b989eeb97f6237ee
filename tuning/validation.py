"""Checks on a search's arguments, made before anything is imported or written.

Every check raises `SearchInputError` (a `ValueError`, so `lstm-zoo tune` prints it as one
`error: ...` line and exits with status 2) naming the argument and its value. Nothing
here imports TensorFlow or keras-tuner. The checks of the search's folders (never the
working directory, never a folder lstm-zoo did not create) and of a resume (same data,
same options) are in `tuning.projects`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

#: The tuners `search(tuner=...)` and `lstm-zoo tune --tuner` take.
TUNERS = ("random", "bayesian", "hyperband", "grid")
#: The roles of a distributed search.
ROLES = ("chief", "worker")
#: The `tf.distribute` strategies a trial may train under (None: none).
TRIAL_STRATEGIES = (None, "mirrored")
#: The file naming what a project directory holds.
MANIFEST = "search.json"


class SearchInputError(ValueError):
    """A search argument that cannot work (the message names it and its value)."""


class OracleUnreachableError(SearchInputError):
    """A worker found no oracle at the address it was given, or lost it."""


def parse_address(address: str | None) -> tuple[str, int]:
    """`"HOST:PORT"` -> `("HOST", PORT)`; IPv6 hosts go in brackets ("[::1]:8000")."""
    host, sep, port = str(address or "").rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise SearchInputError(
            f"--oracle expects HOST:PORT (e.g. 127.0.0.1:8000); received {address!r}."
        )
    return host, int(port)


def read_manifest(project_dir: str | os.PathLike[str]) -> dict[str, Any] | None:
    path = Path(project_dir) / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise SearchInputError(f"{path} is not valid JSON ({error}); pass --overwrite.") from None
