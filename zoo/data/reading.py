"""Bounded, checked reading of users' data files: the one place every loader opens them.

Every data file goes through :func:`check_data_file` (and text files through
:func:`iter_lines`) before a byte of it is parsed:

* it must be an existing **regular file**: a directory, a character device (``/dev/zero``),
  a FIFO or a socket is refused before it is opened, so reading can neither block nor run
  forever;
* its size must be at most :func:`max_file_bytes` (1 GiB by default; raise it with the
  environment variable ``LSTM_ZOO_MAX_DATA_BYTES``);
* text is read line by line with ``readline(limit)``, so no line longer than
  :func:`max_line_bytes` (1 MiB by default; ``LSTM_ZOO_MAX_LINE_BYTES``) is ever held in
  memory, and the byte count is checked again while reading (a file that grows is stopped);
* text must be **UTF-8** (a UTF-8 byte-order mark is accepted and dropped). A line that is
  not UTF-8 is reported with its line number, the first bad byte and its column. UTF-16
  and UTF-32 files (with a byte-order mark, or without one: their text holds NUL bytes) and
  binary files are refused with the advice to save the file as UTF-8: every loader reports
  problems by line, which needs an ASCII-compatible encoding read line by line.

All problems are raised as :class:`zoo.data.errors.DataError` (a ``ValueError`` with a
one-line message naming the file and line), a missing file as
:class:`zoo.data.errors.MissingDataError`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from zoo.data.errors import DataError, MissingDataError

__all__ = [
    "DEFAULT_MAX_FILE_BYTES",
    "DEFAULT_MAX_LINE_BYTES",
    "MAX_FILE_BYTES_ENV",
    "MAX_LINE_BYTES_ENV",
    "check_data_file",
    "iter_lines",
    "max_file_bytes",
    "max_line_bytes",
    "read_lines",
]

MAX_FILE_BYTES_ENV = "LSTM_ZOO_MAX_DATA_BYTES"
MAX_LINE_BYTES_ENV = "LSTM_ZOO_MAX_LINE_BYTES"
DEFAULT_MAX_FILE_BYTES = 2**30
DEFAULT_MAX_LINE_BYTES = 2**20

_UTF8_BOM = b"\xef\xbb\xbf"
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
_KINDS = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
)


def _limit(env: str, default: int) -> int:
    raw = os.environ.get(env, "").strip()
    if not raw:
        return default
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f"{env}={raw!r}: expected a positive number of bytes")
    return value


def max_file_bytes() -> int:
    """The largest data file accepted, in bytes (``$LSTM_ZOO_MAX_DATA_BYTES``, else 1 GiB)."""
    return _limit(MAX_FILE_BYTES_ENV, DEFAULT_MAX_FILE_BYTES)


def max_line_bytes() -> int:
    """The longest line accepted, in bytes (``$LSTM_ZOO_MAX_LINE_BYTES``, else 1 MiB)."""
    return _limit(MAX_LINE_BYTES_ENV, DEFAULT_MAX_LINE_BYTES)


def _size(count: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if count >= scale:
            return f"{count / scale:.3g} {unit}"
    return f"{count} bytes"


def _kind(mode: int) -> str | None:
    for test, name in _KINDS:
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


def check_data_file(
    path: str | os.PathLike[str], *, max_bytes: int | None = None, what: str = "data file"
) -> Path:
    """Check that ``path`` is a regular file within the size limit, without opening it.

    Args:
        path: The file.
        max_bytes: Size limit; ``None`` uses :func:`max_file_bytes`.
        what: How the file is called in messages (``"data file"``, ``"word index"``...).

    Returns:
        ``path`` as a :class:`~pathlib.Path`.

    Raises:
        MissingDataError: ``path`` does not exist.
        DataError: ``path`` is a directory, a device, a FIFO or a socket, cannot be read,
            or is larger than the limit (the message says how to raise it).
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise MissingDataError(f"{what} not found: {str(path)!r} does not exist") from None
    except OSError as exc:
        raise DataError(f"cannot read the {what}: {exc.strerror or exc}", file=path) from None
    if stat.S_ISDIR(info.st_mode):
        raise DataError(f"is a directory; expected a {what} (a file)", file=path)
    kind = _kind(info.st_mode)
    if kind is not None:
        raise DataError(
            f"is {kind} ({str(path)!r}), not a regular file; expected a {what}", file=path
        )
    limit = max_file_bytes() if max_bytes is None else max_bytes
    if info.st_size > limit:
        raise DataError(
            f"the file is {_size(info.st_size)}, over the limit of {_size(limit)} for a {what}; "
            f"set {MAX_FILE_BYTES_ENV} (bytes) to raise it",
            file=path,
        )
    if not os.access(path, os.R_OK):
        raise DataError(f"cannot read the {what}: permission denied", file=path)
    return path


def _column(raw: bytes, offset: int) -> int:
    """1-based character column of byte ``offset`` in the line ``raw``."""
    return len(raw[:offset].decode("utf-8", errors="replace")) + 1


def _decode(raw: bytes, row: int, path: Path) -> str:
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise DataError(
            f"not text: a NUL byte at column {_column(raw, nul)} (binary data, or UTF-16/UTF-32 "
            "text without a byte-order mark); save it as UTF-8 text",
            file=path,
            row=row,
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {_column(raw, exc.start)}); "
            "save it as UTF-8",
            file=path,
            row=row,
        ) from None


def iter_lines(
    path: str | os.PathLike[str],
    *,
    max_bytes: int | None = None,
    max_line: int | None = None,
    what: str = "data file",
) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, text)`` for each line of a UTF-8 text file, bounded.

    Line numbers are 1-based, as an editor shows them; each text keeps its line ending
    (``\\n`` or ``\\r\\n``; the last line may have none), so the result can feed
    :func:`csv.reader`. A UTF-8 byte-order mark at the start is dropped. The file is checked
    by :func:`check_data_file` before it is opened.

    Args:
        path: The file.
        max_bytes: File size limit; ``None`` uses :func:`max_file_bytes`.
        max_line: Line length limit in bytes (ending excluded); ``None`` uses
            :func:`max_line_bytes`.
        what: How the file is called in messages.

    Raises:
        MissingDataError: The file does not exist.
        DataError: See :func:`check_data_file`; or, naming the line, a line longer than the
            limit, a NUL byte, a byte that is not UTF-8, or a UTF-16/UTF-32 byte-order mark.
    """
    path = check_data_file(path, max_bytes=max_bytes, what=what)
    size_limit = max_file_bytes() if max_bytes is None else max_bytes
    line_limit = max_line_bytes() if max_line is None else max_line
    with open(path, "rb") as handle:
        kind = _kind(os.fstat(handle.fileno()).st_mode)
        if kind is not None:  # replaced between the check and the open
            raise DataError(
                f"is {kind} ({str(path)!r}), not a regular file; expected a {what}", file=path
            )
        head = handle.read(4)
        for bom, encoding in _WIDE_BOMS:
            if head.startswith(bom):
                raise DataError(
                    f"the file is {encoding} text (byte-order mark "
                    f"{' '.join(f'0x{b:02x}' for b in bom)}); save it as UTF-8",
                    file=path,
                    row=1,
                )
        handle.seek(len(_UTF8_BOM) if head.startswith(_UTF8_BOM) else 0)
        total = 0
        row = 0
        while True:
            raw = handle.readline(line_limit + 2)
            if not raw:
                return
            row += 1
            total += len(raw)
            content = len(raw) - (2 if raw.endswith(b"\r\n") else 1 if raw.endswith(b"\n") else 0)
            if content > line_limit:
                raise DataError(
                    f"the line is longer than the limit of {_size(line_limit)}; "
                    f"set {MAX_LINE_BYTES_ENV} (bytes) to raise it",
                    file=path,
                    row=row,
                )
            if total > size_limit:
                raise DataError(
                    f"the file grew past the limit of {_size(size_limit)} while it was read; "
                    f"set {MAX_FILE_BYTES_ENV} (bytes) to raise it",
                    file=path,
                    row=row,
                )
            yield row, _decode(raw, row, path)


def read_lines(
    path: str | os.PathLike[str],
    *,
    max_bytes: int | None = None,
    max_line: int | None = None,
    what: str = "text file",
) -> list[tuple[int, str]]:
    """The non-blank lines of a UTF-8 text file as ``(line number, text)``, ends stripped.

    Same checks and errors as :func:`iter_lines`; e.g. for a file of texts to predict, one
    per line.
    """
    lines = []
    for row, text in iter_lines(path, max_bytes=max_bytes, max_line=max_line, what=what):
        text = text.rstrip("\r\n")
        if text.strip():
            lines.append((row, text))
    return lines
