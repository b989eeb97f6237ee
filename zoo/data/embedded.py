"""Real time series shipped inside the ``vega_datasets`` package (read locally, no network).

``vega_datasets`` bundles a few small CSV files in its wheel (``data.<name>.is_local`` is
true for them). They make a dependable, offline source of real data for examples and tests:

========================  ========  ===========  =======================================
name                      freq      length       columns
========================  ========  ===========  =======================================
``seattle-temps``         hourly    8759         ``temp`` (°F), 2010
``sf-temps``              hourly    8759         ``temp`` (°F), 2010
``seattle-weather``       daily     1461         precipitation, temp_max, temp_min, wind
``stocks:<SYMBOL>``       monthly   68-123       ``price`` (USD) for AAPL, AMZN, GOOG,
                                                 IBM, MSFT, 2000-2010
========================  ========  ===========  =======================================

The two hourly temperature files skip one hour at the spring daylight-saving change
(2010-03-14 02:00), so they have 8759 rows rather than 8760; by default the series are
returned as stored (``spacing="keep"``), with ``freq="h"`` (the modal step): this one known
gap is accepted on purpose. User files are checked strictly (see
:func:`zoo.data.load_series_csv`).
"""

from __future__ import annotations

from pathlib import Path

from zoo.data.errors import DataError, MissingDataError
from zoo.data.tables import find_column, parse_float_column, read_records
from zoo.data.timeseries import TimeSeries, infer_freq, load_series_csv, parse_dates

__all__ = ["list_embedded_series", "load_embedded_series"]

# name -> (vega_datasets name, value columns or None for all numeric)
_SERIES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "seattle-temps": ("seattle-temps", ("temp",)),
    "sf-temps": ("sf-temps", ("temp",)),
    "seattle-weather": ("seattle-weather", ("precipitation", "temp_max", "temp_min", "wind")),
}
_STOCKS = "stocks"
_DEFAULT_SYMBOL = "AAPL"


def _local_file(vega_name: str) -> Path:
    """Path of a dataset file bundled in ``vega_datasets`` (never downloads)."""
    try:
        from vega_datasets import data
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDataError(
            f"embedded series {vega_name!r} needs the 'vega_datasets' package "
            "(pip install vega_datasets)"
        ) from exc
    dataset = getattr(data, vega_name.replace("-", "_"))
    if not dataset.is_local:  # pragma: no cover - these names are all bundled
        raise MissingDataError(f"vega_datasets does not bundle {vega_name!r} locally")
    path = Path(dataset.filepath)
    if not path.is_file():  # pragma: no cover - broken installation
        raise MissingDataError(f"vega_datasets file for {vega_name!r} not found at {path}")
    return path


def _stock_symbols(path: Path) -> list[str]:
    records = read_records(path, ",", min_columns=3)
    return sorted({row[0] for row in records.rows[1:]})


def list_embedded_series() -> list[str]:
    """Names accepted by :func:`load_embedded_series`, stocks listed as ``stocks:<SYMBOL>``."""
    names = list(_SERIES)
    names += [f"{_STOCKS}:{s}" for s in _stock_symbols(_local_file(_STOCKS))]
    return names


def _load_stock(symbol: str) -> TimeSeries:
    path = _local_file(_STOCKS)
    records = read_records(path, ",", min_columns=3)
    header = [h.strip() for h in records.rows[0]]
    width = len(header)
    sym_idx = find_column(header, "symbol", path=path, width=width)
    date_idx = find_column(header, "date", path=path, width=width)
    price_idx = find_column(header, "price", path=path, width=width)
    picked = [
        (row, line)
        for row, line in zip(records.rows[1:], records.lines[1:], strict=True)
        if row[sym_idx].strip().upper() == symbol.upper()
    ]
    if not picked:
        known = ", ".join(_stock_symbols(path))
        raise DataError(
            f"no rows for symbol {symbol!r}; the symbols are: {known}",
            file=path,
            column="symbol",
            value=symbol,
        )
    rows = [row for row, _ in picked]
    lines = [line for _, line in picked]
    dates = parse_dates([r[date_idx] for r in rows], lines, path=path, column="date")
    prices = parse_float_column([r[price_idx] for r in rows], lines, path=path, column="price")
    return TimeSeries(
        dates=dates,
        values=prices.reshape(-1, 1),
        columns=["price"],
        source=f"vega_datasets:{_STOCKS}:{symbol.upper()}",
        freq=infer_freq(dates),
    )


def load_embedded_series(
    name: str = "seattle-temps", symbol: str | None = None, spacing: str = "keep"
) -> TimeSeries:
    """Load a real series bundled with ``vega_datasets`` (see the module docstring).

    Args:
        name: ``"seattle-temps"``, ``"sf-temps"``, ``"seattle-weather"``, ``"stocks"`` or
            ``"stocks:<SYMBOL>"``.
        symbol: Stock symbol for ``name="stocks"`` (default ``"AAPL"``).
        spacing: As in :func:`zoo.data.load_series_csv`. The default ``"keep"`` returns the
            rows as stored, with the one-hour daylight-saving gap of the two hourly
            temperature files (see the module docstring); ``"interpolate"`` fills it in,
            ``"strict"`` raises on it.

    Raises:
        KeyError: Unknown name (the message lists :func:`list_embedded_series`).
        DataError: Unknown stock symbol.
        MissingDataError: ``vega_datasets`` is not installed.
    """
    base, _, suffix = name.partition(":")
    if base == _STOCKS:
        if suffix and symbol and suffix.upper() != symbol.upper():
            raise ValueError(f"conflicting symbols {suffix!r} (in name) and {symbol!r}")
        return _load_stock(suffix or symbol or _DEFAULT_SYMBOL)
    if name not in _SERIES:
        raise KeyError(
            f"unknown embedded series {name!r}; choose one of: {', '.join(list_embedded_series())}"
        )
    if symbol is not None:
        raise ValueError(f"symbol= only applies to 'stocks', not {name!r}")
    vega_name, columns = _SERIES[name]
    return load_series_csv(
        _local_file(vega_name),
        date_column="date",
        value_columns=list(columns) if columns else None,
        source=f"vega_datasets:{name}",
        spacing=spacing,
    )
