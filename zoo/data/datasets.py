"""The catalogue of real series shipped inside installed packages (no download).

`lstm-zoo datasets` lists it, and `--data NAME` (train, tune) accepts any name in it as
well as a path:

* weather: ``seattle-weather`` (vega_datasets): daily observations at Seattle,
  2012-2015, precipitation (mm), maximum and minimum temperature (°C) and wind (m/s); its
  text ``weather`` column ("rain", "sun", ...) is not read.
* stocks: ``sp500`` and ``nasdaq`` (arch): daily OHLCV of the S&P 500 and NASDAQ
  composite indices, 1999-2018, one row per trading day (frequency ``"B"``).
* ``seattle-temps`` and ``sf-temps`` (vega_datasets): hourly temperatures of 2010 in °F
  (NOAA data, the package says), a smooth curve with little day-to-day weather in it, on
  which a seasonal naive forecast is nearly exact.

Each entry names the package, its licence, the frequency, span and columns, and the
column a forecaster predicts by default (`Dataset.target`).
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zoo.data.errors import DataError, MissingDataError
from zoo.data.tables import find_column, parse_float_column
from zoo.data.timeseries import TimeSeries, parse_dates

__all__ = ["DATASETS", "Dataset", "dataset_names", "is_dataset", "load_dataset"]

#: Decompressed size limit of a packaged gzip file (the S&P 500 file is ~300 kB).
_MAX_GZIP_BYTES = 16 * 2**20


@dataclass(frozen=True)
class Dataset:
    """One embedded series: where it comes from and what it holds."""

    name: str
    package: str
    licence: str
    freq: str
    span: str
    columns: tuple[str, ...]
    target: str
    kind: str
    description: str
    #: Hyperparameters that suit the series better than the frequency's defaults.
    hints: dict = field(default_factory=dict)


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            "seattle-weather",
            "vega_datasets",
            "MIT (package); NOAA observations, public domain (the package's notes)",
            "daily",
            "2012-01-01 .. 2015-12-31 (1461 days)",
            ("precipitation", "temp_max", "temp_min", "wind"),
            "temp_max",
            "weather",
            "Seattle daily weather (the text 'weather' column is not read)",
            {"season": 365, "skip": "last"},
        ),
        Dataset(
            "sp500",
            "arch",
            "NCSA (package); Yahoo Finance prices, no licence stated for the data",
            "trading days",
            "1999-01-04 .. 2018-12-31 (5031 days)",
            ("Open", "High", "Low", "Close", "Adj Close", "Volume"),
            "Close",
            "stocks",
            "S&P 500 index, daily OHLCV",
        ),
        Dataset(
            "nasdaq",
            "arch",
            "NCSA (package); Yahoo Finance prices, no licence stated for the data",
            "trading days",
            "1999-01-04 .. 2018-12-31 (5031 days)",
            ("Open", "High", "Low", "Close", "Adj Close", "Volume"),
            "Close",
            "stocks",
            "NASDAQ composite index, daily OHLCV",
        ),
        Dataset(
            "seattle-temps",
            "vega_datasets",
            "MIT (package); NOAA data, public domain (the package's notes)",
            "hourly",
            "2010-01-01 .. 2010-12-31 (8759 hours)",
            ("temp",),
            "temp",
            "weather",
            "Seattle hourly temperature (°F), 2010: a smooth curve, nearly exact for a "
            "seasonal naive forecast",
        ),
        Dataset(
            "sf-temps",
            "vega_datasets",
            "MIT (package); NOAA data, public domain (the package's notes)",
            "hourly",
            "2010-01-01 .. 2010-12-31 (8759 hours)",
            ("temp",),
            "temp",
            "weather",
            "San Francisco hourly temperature (°F), 2010, like seattle-temps",
        ),
    )
}


def dataset_names() -> list[str]:
    """The names `load_dataset` accepts."""
    return list(DATASETS)


def is_dataset(data: object) -> bool:
    """Whether `data` (a `--data` value) names an embedded dataset and no existing path."""
    return isinstance(data, (str, Path)) and str(data) in DATASETS and not Path(data).exists()


def _package_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise MissingDataError(
            f"this dataset needs the {package!r} package (pip install {package})"
        )
    path = Path(next(iter(spec.submodule_search_locations)), *parts)
    if not path.is_file():  # pragma: no cover - broken installation
        raise MissingDataError(f"{package} does not hold {'/'.join(parts)} (at {path})")
    return path


def _read_gzip_csv(path: Path) -> list[list[str]]:
    with gzip.open(path, "rb") as stream:
        raw = stream.read(_MAX_GZIP_BYTES + 1)
    if len(raw) > _MAX_GZIP_BYTES:
        raise DataError(f"decompresses to more than {_MAX_GZIP_BYTES} bytes", file=path)
    text = raw.decode("utf-8")
    return [row for row in csv.reader(io.StringIO(text)) if row]


def _load_arch(name: str) -> TimeSeries:
    path = _package_file("arch", "data", name, f"{name}.csv.gz")
    rows = _read_gzip_csv(path)
    header = [h.strip() for h in rows[0]]
    body, lines = rows[1:], list(range(2, len(rows) + 1))
    width = len(header)
    date_idx = find_column(header, "Date", path=path, width=width, role="date column")
    columns = list(DATASETS[name].columns)
    dates = parse_dates([r[date_idx] for r in body], lines, path=path, column="Date")
    values = np.empty((len(body), len(columns)), dtype=np.float64)
    for j, column in enumerate(columns):
        idx = find_column(header, column, path=path, width=width, role="value column")
        values[:, j] = parse_float_column([r[idx] for r in body], lines, path=path, column=column)
    return TimeSeries(dates, values, columns, f"arch:{name}", "B")


def load_dataset(name: str) -> TimeSeries:
    """The series `name` of the catalogue (see the module docstring).

    Raises:
        KeyError: an unknown name (the message lists the names).
        MissingDataError: the package that ships it is not installed.
    """
    if name not in DATASETS:
        raise KeyError(f"unknown dataset {name!r}; the datasets are: {', '.join(DATASETS)}")
    if DATASETS[name].package == "arch":
        return _load_arch(name)
    from zoo.data.embedded import load_embedded_series

    return load_embedded_series(name)
