"""Time-series loaders: generic date + value CSV files, ETT, and series shipped in a package.

Every loader returns a :class:`TimeSeries` (dates as ``datetime64[s]``, values as
``float32 [T, F]``). Problems in the file (missing column, non-numeric value, empty cell or
NaN gap, unparseable, repeated or out-of-order date, unevenly spaced dates, wrong delimiter)
raise :class:`zoo.data.errors.DataError` naming the file, row, column and value. Files are
read through :mod:`zoo.data.reading` (regular files only, bounded size and line length,
UTF-8).
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
    "SPACING_OPTIONS",
    "TimeSeries",
    "check_spacing",
    "describe_freq",
    "infer_freq",
    "load_ett",
    "load_series_csv",
    "parse_dates",
    "same_freq",
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
_NAMES = {"min": "minutely", "h": "hourly", "D": "daily", "B": "trading-daily", "W": "weekly"}
_CALENDAR = {"MS": "M", "M": "M", "YS": "Y", "Y": "Y"}  # alias -> NumPy calendar unit
#: The values of ``spacing`` in :func:`load_series_csv`.
SPACING_OPTIONS = ("strict", "interpolate", "keep")
#: At most this share of a resampled series may be filled in by ``spacing="interpolate"``.
_MAX_FILLED_SHARE = 0.5


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
    if step == 86400 and _trading_days(dates):
        return "B"
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


def _trading_days(dates: np.ndarray) -> bool:
    """Whether daily ``dates`` are trading days: no weekend, and weekend gaps present."""
    days = dates.astype("datetime64[D]")
    if len(days) < 5 or not np.is_busday(days).all():
        return False
    return bool((np.diff(days).astype(np.int64) > 1).any())


def describe_freq(freq: str | None) -> str:
    """``"hourly ('h')"``, ``"monthly ('MS')"``, ``"every 900 s ('900s')"``..."""
    if freq is None:
        return "of unknown frequency"
    if freq in _NAMES:
        return f"{_NAMES[freq]} ({freq!r})"
    if freq in _CALENDAR:
        return f"{'monthly' if _CALENDAR[freq] == 'M' else 'yearly'} ({freq!r})"
    return f"every {freq.removesuffix('s')} s ({freq!r})"


def same_freq(a: str | None, b: str | None) -> bool:
    """Whether two frequency aliases mean the same sampling step (``"MS"`` == ``"M"``)."""
    return _CALENDAR.get(a or "", a) == _CALENDAR.get(b or "", b)


def _step_text(seconds: int) -> str:
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds % size == 0 and abs(seconds) >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def _irregular(dates: np.ndarray, freq: str) -> tuple[int, str] | None:
    """``(index, what)`` of the first date off the regular grid of ``freq``, or ``None``."""
    if freq in _CALENDAR:
        unit = _CALENDAR[freq]
        periods = dates.astype(f"datetime64[{unit}]").astype(np.int64)
        bad = np.flatnonzero(np.diff(periods) != 1)
        name = "month" if unit == "M" else "year"
        if bad.size:
            i = int(bad[0]) + 1
            missing = int(periods[i] - periods[i - 1]) - 1
            return i, f"{missing} {name}{'s' if missing != 1 else ''} missing before it"
        return None
    if freq == "B":  # trading days: weekends and market holidays are not gaps
        days = np.diff(dates.astype("datetime64[D]")).astype(np.int64)
        bad = np.flatnonzero((days < 1) | (days > 5))
        return (int(bad[0]) + 1, "more than 5 days missing before it") if bad.size else None
    step = _SECONDS.get(freq) or int(freq.removesuffix("s"))
    steps = np.diff(dates).astype(np.int64)
    bad = np.flatnonzero(steps != step)
    if not bad.size:
        return None
    i = int(bad[0]) + 1
    gap = int(steps[i - 1])
    if gap % step == 0:
        missing = gap // step - 1
        return i, f"{missing} step{'s' if missing != 1 else ''} missing before it"
    return i, f"an irregular step of {_step_text(gap)}"


def check_spacing(
    dates: np.ndarray,
    lines: Sequence[int],
    *,
    path: str | os.PathLike[str],
    column: str | int,
    values: Sequence[str] | None = None,
) -> str | None:
    """Check that strictly increasing ``dates`` are evenly spaced; return their frequency.

    The step is the modal one (:func:`infer_freq`); monthly and yearly series must have
    exactly one date per calendar month (year), whatever the number of days between them.

    Raises:
        DataError: At the first date that is not one step after the previous one (a gap:
            missing rows, or an irregular timestamp), naming its row and both dates.
    """
    freq = infer_freq(dates)
    if freq is None:
        return None
    found = _irregular(np.asarray(dates, dtype="datetime64[s]"), freq)
    if found is None:
        return freq
    i, what = found
    shown = values if values is not None else [str(d) for d in dates]
    raise DataError(
        f"date {format_value(shown[i])} follows {format_value(shown[i - 1])} with {what}, "
        f"but the series is {describe_freq(freq)}: dates must be evenly spaced; fill in "
        "the missing rows (or load with spacing='interpolate' to resample)",
        file=path,
        row=lines[i],
        column=column,
        value=shown[i],
    )


def _regular_grid(dates: np.ndarray, freq: str) -> np.ndarray:
    """The dates of the regular grid of ``freq`` from the first to the last date."""
    if freq in _CALENDAR:
        unit = _CALENDAR[freq]
        periods = dates.astype(f"datetime64[{unit}]")
        grid = np.arange(periods[0], periods[-1] + 1)
        if freq in ("MS", "YS"):
            offset = dates[0] - periods[0].astype("datetime64[s]")
            return grid.astype("datetime64[s]") + offset
        ends = (grid + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
        return ends.astype("datetime64[s]") + (dates[0] - dates[0].astype("datetime64[D]"))
    step = _SECONDS.get(freq) or int(freq.removesuffix("s"))
    count = int((dates[-1] - dates[0]).astype(np.int64)) // step + 1
    return dates[0] + (np.arange(count) * step).astype("timedelta64[s]")


def _interpolate(
    dates: np.ndarray, values: np.ndarray, *, path: str | os.PathLike[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Resample onto the regular grid of the modal step, linearly in time."""
    freq = infer_freq(dates)
    if freq is None or freq == "B" or _irregular(dates, freq) is None:
        return dates, values
    if freq in _CALENDAR:
        periods = dates[[0, -1]].astype(f"datetime64[{_CALENDAR[freq]}]").astype(np.int64)
        size = int(periods[1] - periods[0]) + 1
    else:
        step = _SECONDS.get(freq) or int(freq.removesuffix("s"))
        size = int((dates[-1] - dates[0]).astype(np.int64)) // step + 1
    if size > len(dates) / (1 - _MAX_FILLED_SHARE):
        raise DataError(
            f"resampling {len(dates)} rows to a regular {describe_freq(freq)} grid would make "
            f"{size} rows, more than half of them filled in; the dates are too irregular to "
            "interpolate",
            file=path,
        )
    grid = _regular_grid(dates, freq)
    x, at = dates.astype(np.int64), grid.astype(np.int64)
    columns = [np.interp(at, x, values[:, j]) for j in range(values.shape[1])]
    return grid, np.stack(columns, axis=1).astype(values.dtype)


def load_series_csv(
    path: str | os.PathLike[str],
    date_column: str | int | None = "date",
    value_columns: Sequence[str | int] | None = None,
    delimiter: str | None = None,
    *,
    source: str | None = None,
    spacing: str = "strict",
) -> TimeSeries:
    """Load a date column and numeric value columns from a CSV/TSV file with a header.

    ETT files (``date,HUFL,...,OT``) are in this format. The dates must be strictly
    increasing (a repeated or earlier date raises, naming its row) and, by default, evenly
    spaced.

    Args:
        path: The file.
        date_column: Name (or 0-based index) of the date column; ``None``: the column named
            ``date`` (any case), else the first column.
        value_columns: Names or indices of the value columns; ``None`` takes every other
            column, so all of them must be numeric.
        delimiter: ``None`` infers it from the extension, or sniffs it.
        source: Recorded in :attr:`TimeSeries.source`; defaults to the path.
        spacing: What to do when the dates are not evenly spaced at the modal step (missing
            rows, or timestamps off the grid): ``"strict"`` (default) raises naming the row;
            ``"interpolate"`` resamples every column onto the regular grid from the first to
            the last date by linear interpolation in time (refused when more than half of
            the result would be filled in); ``"keep"`` returns the rows as they are
            (irregular steps are then seen by a model as regular ones).

    Raises:
        DataError: Empty file, wrong delimiter, missing column (naming those that exist),
            non-numeric value, empty cell / NaN gap, bad, repeated or out-of-order date, or
            (``spacing="strict"``) unevenly spaced dates, with the row.
    """
    if spacing not in SPACING_OPTIONS:
        raise ValueError(f"spacing must be one of {SPACING_OPTIONS}, got {spacing!r}")
    records = read_records(path, delimiter, min_columns=2)
    header = [name.strip() for name in records.rows[0]]
    body, lines = records.rows[1:], records.lines[1:]
    if not body:
        raise DataError("the file has a header but no data rows", file=path, row=2)
    width = len(header)
    if date_column is None:
        lowered = [name.lower() for name in header]
        date_column = lowered.index("date") if "date" in lowered else 0
    date_idx = find_column(header, date_column, path=path, width=width, role="date column")
    if value_columns is None:
        value_idx = [i for i in range(width) if i != date_idx]
    else:
        if isinstance(value_columns, str) or not value_columns:
            raise ValueError(
                f"value_columns must be a non-empty list of column names, got {value_columns!r}"
            )
        value_idx = [
            find_column(header, c, path=path, width=width, role="value column")
            for c in value_columns
        ]
    raw_dates = [r[date_idx] for r in body]
    dates = parse_dates(raw_dates, lines, path=path, column=header[date_idx])
    values = np.empty((len(body), len(value_idx)), dtype=np.float32)
    for j, idx in enumerate(value_idx):
        values[:, j] = parse_float_column(
            [r[idx] for r in body], lines, path=path, column=header[idx]
        )
    if spacing == "strict":
        check_spacing(dates, lines, path=path, column=header[date_idx], values=raw_dates)
    elif spacing == "interpolate":
        dates, values = _interpolate(dates, values, path=path)
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
