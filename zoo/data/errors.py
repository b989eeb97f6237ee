"""Errors raised by the data loaders and preprocessing.

Every problem found in a user's data file is reported as a :class:`DataError`: a
``ValueError`` whose ``str()`` is a single line naming the file, the row (1-based, as an
editor shows it, counting the header line), the column and the offending value, e.g.::

    ETTh1.csv: row 12, column 'OT': value 'abc' is not a number

The same facts are available as attributes (``file``, ``row``, ``column``, ``value``) so
callers can react programmatically. A data file that cannot be found is reported as a
:class:`MissingDataError` (a ``FileNotFoundError``).
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["DataError", "MissingDataError", "format_value"]

_MAX_VALUE_CHARS = 60


def format_value(value: Any) -> str:
    """Return a short, single-line ``repr`` of ``value`` for error messages."""
    text = repr(value)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 4] + "...'"
    return text


class DataError(ValueError):
    """A problem in the contents of a data file (or of an in-memory series).

    Args:
        reason: What is wrong, e.g. ``"value 'abc' is not a number"``.
        file: Path of the file the problem was found in, if any.
        row: 1-based line number as shown in an editor (the header is line 1).
        column: Column name, or 0-based column index for files without a header.
        value: The offending value, if there is one.

    Attributes:
        file: The full path as given (``str``) or ``None``; ``str()`` shows its basename.
        row: See above, or ``None`` when the problem concerns the whole file.
        column: See above, or ``None``.
        value: See above, or ``None``.
        reason: The reason text without the location prefix.
    """

    def __init__(
        self,
        reason: str,
        *,
        file: str | os.PathLike[str] | None = None,
        row: int | None = None,
        column: str | int | None = None,
        value: Any = None,
    ) -> None:
        self.reason = " ".join(str(reason).split())
        self.file = None if file is None else os.fspath(file)
        self.row = row
        self.column = column
        self.value = value
        super().__init__(self._message())

    def _message(self) -> str:
        where: list[str] = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        prefix = os.path.basename(self.file) if self.file else ""
        if where:
            prefix = f"{prefix}: {', '.join(where)}" if prefix else ", ".join(where)
        return f"{prefix}: {self.reason}" if prefix else self.reason

    def __str__(self) -> str:
        return self._message()

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments need explicit support to survive pickling
        # (e.g. when raised inside a multiprocessing worker).
        return (
            _rebuild_data_error,
            (self.reason, self.file, self.row, self.column, self.value),
        )


def _rebuild_data_error(
    reason: str, file: str | None, row: int | None, column: str | int | None, value: Any
) -> DataError:
    return DataError(reason, file=file, row=row, column=column, value=value)


class MissingDataError(FileNotFoundError):
    """A data file or directory could not be found; the message says where it was looked for."""
