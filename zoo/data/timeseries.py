"""Time-series loaders: generic date + value CSV files, ETT, and series shipped in a package.

Every loader returns a :class:`TimeSeries` (dates as ``datetime64[s]``, values as
``float32 [T, F]``). Problems in the file (missing column, non-numeric value, empty cell or
NaN gap, unparseable or out-of-order date, wrong delimiter) raise
:class:`zoo.data.errors.DataError` naming the file, row, column and value.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from zoo.data.errors import DataError, format_value
from zoo.data.paths import resolve_data_path
from zoo.data.tables import find_column, parse_float_column, read_records

__all__ = [
    "TimeSeries",
    "infer_freq",
    "load_ett",
    "load_series_csv",
    "parse_dates",
]

# Formats tried, in order, for dates that NumPy's ISO 8601 parser does not accept.
_DATE_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%b %d %Y",
    "%B %d %Y",
    "%d %b %Y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
)
_SECONDS = {"min": 60, "h": 3600, "D": 86400, "W": 7 * 86400}


@dataclass
class TimeSeries:
    """A regularly sampled multivariate series.

    Attributes:
        dates: ``datetime64[s]`` array of shape ``[T]``, strictly increasing.
        values: ``float32`` array of shape ``[T, F]``.
        columns: The ``F`` column names.
        source: Where the data came from (a path or a dataset name).
        freq: The modal sampling step as a pandas-style alias (``"h"``, ``"D"``, ``"W"``,
            ``"MS"``, ``"min"``, or e.g. ``"900s"``), or ``None`` if it cannot be inferred.
    """

    dates: np.ndarray
    values: np.ndarray
    columns: list[str]
    source: str
    freq: str | None = field(default=None)

    def __post_init__(self) -> None:
        self.dates = np.asarray(self.dates, dtype="datetime64[s]")
        values = np.asarray(self.values, dtype=np.float32)
        self.values = values.reshape(-1, 1) if values.ndim == 1 else values
        if self.values.ndim != 2 or len(self.values) != len(self.dates):
            raise ValueError(
                f"values must be [T, F] with T={len(self.dates)} dates, got {self.values.shape}"
            )
        if len(self.columns) != self.values.shape[1]:
            raise ValueError(
                f"{len(self.columns)} column names for {self.values.shape[1]} value columns"
            )

    def __len__(self) -> int:
        return len(self.dates)

    @property
    def num_features(self) -> int:
        """Number of value columns ``F``."""
        return int(self.values.shape[1])

    def column_index(self, name: str) -> int:
        """0-based index of column ``name`` (``KeyError`` listing the columns if absent)."""
        if name not in self.columns:
            raise KeyError(f"no column {name!r}; the columns are {self.columns}")
        return self.columns.index(name)

    def select(self, columns: Sequence[str]) -> TimeSeries:
        """A copy restricted to ``columns``, in that order."""
        indices = [self.column_index(c) for c in columns]
        return TimeSeries(
            self.dates.copy(), self.values[:, indices].copy(), list(columns), self.source, self.freq
        )


def _parse_one(text: str, formats: list[str]) -> datetime | None:
    """Parse with the first matching format, moving it to the front of ``formats``."""
    for k, fmt in enumerate(formats):
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if k:
            formats.insert(0, formats.pop(k))
        return parsed
    return None


def parse_dates(
    values: Sequence[str],
    lines: Sequence[int],
    *,
    path: str | os.PathLike[str],
    column: str | int,
) -> np.ndarray:
    """Parse date strings into a strictly increasing ``datetime64[s]`` array.

    ISO 8601 (``2016-07-01 00:00:00``) is parsed by NumPy; ``2010/01/01 00:00``,
    ``Jan 1 2000``, ``01/31/2000`` and a few similar formats are parsed with
    :func:`datetime.strptime`.

    Raises:
        DataError: At the first empty, unparseable, repeated or out-of-order date.
    """
    texts = [v.strip() for v in values]
    try:
        dates = np.array(texts, dtype="datetime64[s]")
    except ValueError:
        dates = np.empty(len(texts), dtype="datetime64[s]")
        formats = list(_DATE_FORMATS)
        for i, text in enumerate(texts):
            parsed = _parse_one(text, formats) if text else None
            if parsed is None:
                try:
                    dates[i] = np.datetime64(text, "s") if text else np.datetime64("NaT")
                except ValueError:
                    raise DataError(
                        f"value {format_value(values[i])} is not a date",
                        file=path,
                        row=lines[i],
                        column=column,
                        value=values[i],
                    ) from None
            else:
                dates[i] = np.datetime64(parsed, "s")
    missing = np.flatnonzero(np.isnat(dates))
    if missing.size:
        i = int(missing[0])
        raise DataError(
            "empty date (a gap in the series)",
            file=path,
            row=lines[i],
            column=column,
            value=values[i],
        )
    steps = np.diff(dates).astype(np.int64)
    bad = np.flatnonzero(steps <= 0)
    if bad.size:
        i = int(bad[0]) + 1
        what = "repeats" if steps[i - 1] == 0 else "is earlier than"
        raise DataError(
            f"date {format_value(values[i])} {what} the previous date "
            f"{format_value(values[i - 1])}; rows must be in strictly increasing time order",
            file=path,
            row=lines[i],
            column=column,
            value=values[i],
        )
    return dates


def infer_freq(dates: np.ndarray) -> str | None:
    """The modal step between consecutive dates as a pandas-style alias, or ``None``.

    Monthly data (steps of 28-31 days) gives ``"MS"`` when every date is the first of the
    month, else ``"M"``; yearly data gives ``"YS"``/``"Y"`` the same way.
    """
    dates = np.asarray(dates, dtype="datetime64[s]")
    if len(dates) < 2:
        return None
    steps, counts = np.unique(np.diff(dates).astype(np.int64), return_counts=True)
    step = int(steps[np.argmax(counts)])
    for alias, seconds in _SECONDS.items():
        if step == seconds:
            return alias
    days = step / 86400
    first_of_month = bool((dates.astype("datetime64[D]") == dates.astype("datetime64[M]")).all())
    if 28 <= days <= 31:
        return "MS" if first_of_month else "M"
    if 365 <= days <= 366:
        return "YS" if first_of_month else "Y"
    return f"{step}s"


def load_series_csv(
    path: str | os.PathLike[str],
    date_column: str | int = "date",
    value_columns: Sequence[str | int] | None = None,
    delimiter: str | None = None,
    *,
    source: str | None = None,
) -> TimeSeries:
    """Load a date column and numeric value columns from a CSV/TSV file with a header.

    ETT files (``date,HUFL,...,OT``) are in this format.

    Args:
        path: The file.
        date_column: Name (or 0-based index) of the date column.
        value_columns: Names or indices of the value columns; ``None`` takes every other
            column, so all of them must be numeric.
        delimiter: ``None`` infers it from the extension, or sniffs it.
        source: Recorded in :attr:`TimeSeries.source`; defaults to the path.

    Raises:
        DataError: Empty file, wrong delimiter, missing column (naming those that exist),
            non-numeric value, empty cell / NaN gap, or bad/out-of-order date, with the row.
    """
    records = read_records(path, delimiter, min_columns=2)
    header = [name.strip() for name in records.rows[0]]
    body, lines = records.rows[1:], records.lines[1:]
    if not body:
        raise DataError("the file has a header but no data rows", file=path, row=2)
    width = len(header)
    date_idx = find_column(header, date_column, path=path, width=width, role="date column")
    if value_columns is None:
        value_idx = [i for i in range(width) if i != date_idx]
    else:
        if not value_columns:
            raise ValueError("value_columns must name at least one column")
        value_idx = [
            find_column(header, c, path=path, width=width, role="value column")
            for c in value_columns
        ]
    dates = parse_dates([r[date_idx] for r in body], lines, path=path, column=header[date_idx])
    values = np.empty((len(body), len(value_idx)), dtype=np.float32)
    for j, idx in enumerate(value_idx):
        values[:, j] = parse_float_column(
            [r[idx] for r in body], lines, path=path, column=header[idx]
        )
    return TimeSeries(
        dates=dates,
        values=values,
        columns=[header[i] for i in value_idx],
        source=source or str(path),
        freq=infer_freq(dates),
    )


def load_ett(path_or_dir: str | os.PathLike[str] | None = None, name: str = "ETTh1") -> TimeSeries:
    """Load an ETT file (``ETTh1``, ``ETTh2``, ``ETTm1``, ``ETTm2``), all 7 columns.

    Args:
        path_or_dir: The CSV itself, a directory holding ``ETT/<name>.csv`` or
            ``<name>.csv``, or ``None`` to look under ``$LSTM_ZOO_DATA_DIR``.
        name: Which file; the target column is ``"OT"`` (oil temperature).
    """
    path: Path = resolve_data_path(path_or_dir, f"ETT/{name}.csv")
    return load_series_csv(path, date_column="date", source=f"ETT/{path.name}")


def __getattr__(name: str) -> object:
    # ``load_embedded_series``/``list_embedded_series`` live in ``zoo.data.embedded`` (which
    # imports this module); expose them here lazily as well.
    if name in ("load_embedded_series", "list_embedded_series"):
        from zoo.data import embedded

        return getattr(embedded, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
