"""Reading back the small JSON files lstm-zoo writes, without trusting them.

`zoo_model.json` and `zoo_bundle.json` may have been edited, truncated,
replaced by a binary file or by a symbolic link. `read_bounded` opens a file
without following a final symbolic link, refuses anything that is not a
regular file and reads at most `limit` bytes; `read_json_object` decodes the
bytes as UTF-8 and parses one JSON object. Every problem is one line naming
the file (and the line and column where that is known), raised as the
caller's error class (a `ValueError`).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

#: The most a metadata file may hold; a real one is a few MiB at most
#: (the largest part is a vocabulary).
MAX_JSON_BYTES = 64 * 1024 * 1024


class MetadataError(ValueError):
    """A metadata file (`zoo_model.json`, `zoo_bundle.json`) that cannot be used;
    the message names the file and, where it applies, the field."""


def _size(count: int) -> str:
    return f"{count / 2**20:.0f} MiB" if count >= 2**20 else f"{count} bytes"


def read_bounded(
    path: str | os.PathLike[str],
    limit: int,
    error: type[ValueError] = MetadataError,
    what: str = "file",
) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them.

    A symbolic link, a directory, a device or a FIFO is refused without being
    read, as is a file longer than `limit`.

    Raises:
        FileNotFoundError: `path` does not exist.
        error: naming `path`, for anything else that is wrong.
    """
    path = Path(path)
    if path.is_symlink():
        raise error(f"{path}: is a symbolic link; a {what} must be a regular file")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such {what}") from None
    except OSError as problem:
        raise error(f"{path}: cannot be read ({problem.strerror})") from None
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise error(f"{path}: is {kind}; expected a {what}")
    with os.fdopen(descriptor, "rb") as handle:
        if info.st_size > limit:
            raise error(
                f"{path}: {_size(info.st_size)}, more than the {_size(limit)} a {what} may hold"
            )
        data = handle.read(limit + 1)
    if len(data) > limit:  # the file grew while it was read
        raise error(f"{path}: more than the {_size(limit)} a {what} may hold")
    return data


def decode_utf8(data: bytes, path: str | os.PathLike[str], error: type[ValueError]) -> str:
    """`data` as text; invalid UTF-8 raises `error` naming the line and byte column."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as problem:
        line = data.count(b"\n", 0, problem.start) + 1
        column = problem.start - (data.rfind(b"\n", 0, problem.start) + 1) + 1
        raise error(
            f"{path}: line {line}, column {column}: not UTF-8 text "
            f"(byte 0x{data[problem.start]:02x}); expected a UTF-8 JSON file"
        ) from None


def parse_json_object(
    text: str, path: str | os.PathLike[str], error: type[ValueError] = MetadataError
) -> dict[str, Any]:
    """The JSON object `text` holds; anything else raises `error` naming `path`."""
    if text.startswith("\ufeff"):
        raise error(
            f"{path}: line 1, column 1: starts with a byte order mark; expected plain UTF-8 JSON"
        )
    try:
        value = json.loads(text)
    except json.JSONDecodeError as problem:
        raise error(
            f"{path}: line {problem.lineno}, column {problem.colno}: not valid JSON ({problem.msg})"
        ) from None
    except RecursionError:
        raise error(f"{path}: not usable JSON (nested too deeply)") from None
    except ValueError as problem:  # e.g. an integer of more than 4300 digits
        raise error(f"{path}: not usable JSON ({' '.join(str(problem).split())})") from None
    if not isinstance(value, dict):
        raise error(f"{path}: expected a JSON object at the top level, found {json_type(value)}")
    return value


def read_json_object(
    path: str | os.PathLike[str],
    error: type[ValueError] = MetadataError,
    limit: int = MAX_JSON_BYTES,
) -> dict[str, Any]:
    """The JSON object in `path` (see the module docstring for what is refused)."""
    data = read_bounded(path, limit, error, what="JSON file")
    return parse_json_object(decode_utf8(data, path, error), path, error)


def check_format_version(
    document: dict[str, Any],
    file: str | os.PathLike[str],
    supported: int,
    error: type[ValueError],
    remedy: str,
) -> None:
    """`document["format_version"]` is the integer `supported`, else `error`
    naming `file` (`remedy` says what to do about another version)."""
    if "format_version" not in document:
        raise error(f"{file}: field 'format_version' is missing")
    version = document["format_version"]
    if not isinstance(version, int) or isinstance(version, bool):
        raise error(
            f"{file}: field 'format_version': expected an integer, found {json_type(version)}"
        )
    if version != supported:
        raise error(
            f"{file}: field 'format_version': format version {version}, but this lstm-zoo "
            f"reads version {supported}; " + remedy
        )


def json_type(value: Any) -> str:
    """The JSON name of `value`'s type, with an article ("an object", "a string")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
