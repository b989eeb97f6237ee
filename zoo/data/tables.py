"""Reading delimited text files (CSV/TSV) with precise, one-line error reports.

This is the shared layer under the sentiment and time-series loaders. It only uses the
standard library's :mod:`csv` module and NumPy, and it keeps the editor line number of every
record so a bad value can be reported as ``file: row N, column 'c': ...``.
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zoo.data.errors import DataError, format_value
from zoo.data.reading import iter_lines

__all__ = [
    "CANDIDATE_DELIMITERS",
    "Records",
    "delimiter_for",
    "find_column",
    "parse_float_column",
    "read_records",
]

CANDIDATE_DELIMITERS: tuple[str, ...] = (",", "\t", ";", "|")
_EXTENSION_DELIMITERS = {".csv": ",", ".tsv": "\t", ".tab": "\t"}
_SNIFF_LINES = 20


@dataclass
class Records:
    """The records of a delimited file.

    Attributes:
        path: The file that was read.
        delimiter: The delimiter used.
        rows: Every non-blank record, header included, as lists of strings.
        lines: For each record, the 1-based editor line on which it ends.
    """

    path: Path
    delimiter: str
    rows: list[list[str]]
    lines: list[int]


def _describe(delimiter: str) -> str:
    return {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(
        delimiter, repr(delimiter)
    )


def _option_value(delimiter: str) -> str:
    """How a delimiter is written after `--delimiter` in a shell."""
    return "tab" if delimiter == "\t" else f"'{delimiter}'"


def _count(columns: int) -> str:
    return "a single column" if columns == 1 else f"{columns} columns"


def _sniff(lines: Sequence[str]) -> str | None:
    """Pick the candidate delimiter that splits every sample line into the same (>1) count."""
    best: tuple[int, str] | None = None
    for delimiter in CANDIDATE_DELIMITERS:
        counts = {line.count(delimiter) for line in lines if line.strip()}
        if len(counts) == 1 and (n := counts.pop()) > 0 and (best is None or n > best[0]):
            best = (n, delimiter)
    return None if best is None else best[1]


def delimiter_for(path: str | os.PathLike[str], sample: Sequence[str] = ()) -> str:
    """The delimiter implied by the extension (``.csv`` comma, ``.tsv``/``.tab`` tab).

    Other extensions are sniffed from ``sample`` (the first lines of the file) among
    comma, tab, semicolon and pipe, falling back to a comma.
    """
    suffix = Path(path).suffix.lower()
    if suffix in _EXTENSION_DELIMITERS:
        return _EXTENSION_DELIMITERS[suffix]
    return _sniff(sample) or ","


def _check_delimiter(delimiter: object) -> None:
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '\r\n"':
        raise ValueError(f"delimiter must be one character (not a quote or newline): {delimiter!r}")


def read_records(
    path: str | os.PathLike[str],
    delimiter: str | None = None,
    *,
    min_columns: int = 1,
) -> Records:
    """Read all records of a delimited text file (UTF-8, optional BOM).

    The file is read through :func:`zoo.data.reading.iter_lines`: a regular file within the
    size limit, line by line with a bounded line length, decoded with errors naming the line.
    Blank lines are skipped. Tab-delimited files are read without quote processing (as
    GLUE/TSV files are written); other delimiters follow the usual CSV quoting rules.

    Args:
        path: The file.
        delimiter: Field delimiter; ``None`` infers it (see :func:`delimiter_for`).
        min_columns: How many columns the caller needs. When the first record has a single
            column and another delimiter would split it, the error says so.

    Raises:
        MissingDataError: The file does not exist.
        DataError: The file is not a regular file, too large, has a line too long or not
            UTF-8 (see :mod:`zoo.data.reading`), is empty, a record has a different
            number of fields than the first one, or the file has fewer than ``min_columns`` columns (naming the
            delimiter that was probably meant).
    """
    path = Path(path)
    if delimiter is not None:
        _check_delimiter(delimiter)
    with contextlib.closing(iter_lines(path)) as lines_in:
        sample = [text for _, (_, text) in zip(range(_SNIFF_LINES), lines_in, strict=False)]
        if not any(line.strip() for line in sample):
            raise DataError("the file is empty", file=path)
        chosen = delimiter if delimiter is not None else delimiter_for(path, sample)
        quoting = csv.QUOTE_NONE if chosen == "\t" else csv.QUOTE_MINIMAL
        reader = csv.reader(
            itertools.chain(sample, (text for _, text in lines_in)),
            delimiter=chosen,
            quoting=quoting,
            strict=False,
        )
        rows: list[list[str]] = []
        lines: list[int] = []
        try:
            for record in reader:
                if not record or (len(record) == 1 and not record[0].strip()):
                    continue
                rows.append(record)
                lines.append(reader.line_num)
        except csv.Error as exc:
            raise DataError(f"malformed record: {exc}", file=path, row=reader.line_num) from None
    if not rows:
        raise DataError("the file is empty", file=path)
    width = len(rows[0])
    if width < min_columns:
        _raise_too_few_columns(path, rows[0], chosen, min_columns, explicit=delimiter is not None)
    for record, line in zip(rows, lines, strict=True):
        if len(record) != width:
            hint = _sniff(sample)
            advice = (
                f"; the file looks {_describe(hint)}-delimited: pass --delimiter "
                f"{_option_value(hint)} (delimiter={hint!r} in Python)"
                if hint is not None and hint != chosen
                else ""
            )
            raise DataError(
                f"has {len(record)} fields but the first row has {width} "
                f"({_describe(chosen)}-delimited){advice}",
                file=path,
                row=line,
                value=chosen.join(record),
            )
    return Records(path=path, delimiter=chosen, rows=rows, lines=lines)


def _raise_too_few_columns(
    path: Path, first: list[str], delimiter: str, min_columns: int, *, explicit: bool
) -> None:
    joined = delimiter.join(first)
    how = "given" if explicit else "inferred"
    for alternative in CANDIDATE_DELIMITERS:
        if alternative != delimiter and len(joined.split(alternative)) >= min_columns:
            raise DataError(
                f"read with the {how} {_describe(delimiter)} delimiter the file has "
                f"{_count(len(first))} {format_value(joined)}; it looks "
                f"{_describe(alternative)}-delimited: pass --delimiter "
                f"{_option_value(alternative)} (delimiter={alternative!r} in Python)",
                file=path,
                row=1,
                value=joined,
            )
    raise DataError(
        f"has {_count(len(first))} but at least {min_columns} are needed "
        f"({_describe(delimiter)}-delimited)",
        file=path,
        row=1,
        value=joined,
    )


def find_column(
    header: Sequence[str] | None,
    column: str | int,
    *,
    path: str | os.PathLike[str],
    width: int,
    role: str = "column",
) -> int:
    """Return the 0-based index of ``column`` (a header name or a 0-based index).

    Raises:
        DataError: The column does not exist; the message lists the columns that do.
    """
    if isinstance(column, bool):
        raise TypeError(f"{role} must be a column name or a 0-based index, not {column!r}")
    if isinstance(column, int | np.integer):
        index = int(column)
        if -width <= index < width:
            return index % width
        raise DataError(
            f"{role} index {index} is out of range: the file has {width} columns "
            f"(indices 0..{width - 1})",
            file=path,
            column=index,
        )
    if header is None:
        raise DataError(
            f"{role} {column!r} given by name but the file has no header; "
            f"address columns by 0-based index (0..{width - 1})",
            file=path,
            column=column,
        )
    names = [name.strip() for name in header]
    if column in names:
        return names.index(column)
    lowered = [name.lower() for name in names]
    if column.lower() in lowered:
        return lowered.index(column.lower())
    raise DataError(
        f"{role} {column!r} not found; the columns are: {', '.join(map(repr, names))}",
        file=path,
        row=1,
        column=column,
    )


def parse_float_column(
    values: Sequence[str],
    lines: Sequence[int],
    *,
    path: str | os.PathLike[str],
    column: str | int,
) -> np.ndarray:
    """Parse one column of numbers into ``float64``.

    Raises:
        DataError: At the first empty cell or NaN (``"a gap in the series"``), infinite
            value, or value that is not a number, naming its row.
    """
    try:
        array = np.array(values, dtype=np.float64)
    except ValueError:
        array = None
    if array is not None and np.isfinite(array).all():
        return array
    for value, line in zip(values, lines, strict=True):
        text = value.strip()
        if not text:
            raise DataError(
                "empty value (a gap in the series); fill or drop gaps before loading",
                file=path,
                row=line,
                column=column,
                value=value,
            )
        try:
            number = float(text)
        except ValueError:
            raise DataError(
                f"value {format_value(value)} is not a number",
                file=path,
                row=line,
                column=column,
                value=value,
            ) from None
        if np.isnan(number):
            raise DataError(
                f"value {format_value(value)} is NaN (a gap in the series); "
                "fill or drop gaps before loading",
                file=path,
                row=line,
                column=column,
                value=value,
            )
        if not np.isfinite(number):
            raise DataError(
                f"value {format_value(value)} is not finite",
                file=path,
                row=line,
                column=column,
                value=value,
            )
    raise AssertionError("unreachable: a non-finite value was not located")  # pragma: no cover
