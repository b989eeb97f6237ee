"""Time-series loaders: generic CSV, ETT, the vega_datasets series, and their errors."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from zoo.data import DataError, TimeSeries, load_ett, load_series_csv
from zoo.data.embedded import list_embedded_series, load_embedded_series
from zoo.data.timeseries import infer_freq

DATASETS = Path(
    os.environ.get("LSTM_ZOO_DATA_DIR") or Path(__file__).parents[4] / "shared" / "datasets"
)
ETTH1 = DATASETS / "ETT" / "ETTh1.csv"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_series_csv_reads_dates_and_values(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "s.csv",
        "date,a,b\n2020-01-01 00:00:00,1,10\n2020-01-01 01:00:00,2,20\n2020-01-01 02:00:00,3,30\n",
    )
    series = load_series_csv(path)
    assert isinstance(series, TimeSeries)
    assert series.columns == ["a", "b"] and series.freq == "h" and len(series) == 3
    assert series.values.dtype == np.float32 and series.values.shape == (3, 2)
    assert series.dates[1] == np.datetime64("2020-01-01T01:00:00")
    only_b = load_series_csv(path, value_columns=["b"])
    np.testing.assert_array_equal(only_b.values[:, 0], [10, 20, 30])


def test_other_date_formats_and_monthly_freq(tmp_path: Path) -> None:
    path = _write(tmp_path, "m.csv", "month;price\nJan 1 2000;1.5\nFeb 1 2000;2\nMar 1 2000;3\n")
    with pytest.raises(
        DataError, match="semicolon-delimited: pass --delimiter ';' \\(delimiter=';' in Python\\)"
    ):
        load_series_csv(path, date_column="month")  # .csv means comma unless told otherwise
    series = load_series_csv(path, date_column="month", delimiter=";")
    assert series.freq == "MS" and series.values[:, 0].tolist() == [1.5, 2.0, 3.0]


def test_missing_column_names_the_existing_ones(tmp_path: Path) -> None:
    path = _write(tmp_path, "ETTh1.csv", "date,HUFL,OT\n2020-01-01,1,2\n2020-01-02,1,2\n")
    with pytest.raises(
        DataError, match=r"column 'LOAD' not found; the columns are: 'date', 'HUFL', 'OT'"
    ):
        load_series_csv(path, value_columns=["LOAD"])
    with pytest.raises(DataError, match="date column 'time' not found"):
        load_series_csv(path, date_column="time")


def test_non_numeric_value_reports_editor_row(tmp_path: Path) -> None:
    rows = "".join(f"2020-01-{d:02d},{d}\n" for d in range(1, 11)) + "2020-01-11,abc\n"
    path = _write(tmp_path, "ETTh1.csv", "date,OT\n" + rows)
    with pytest.raises(DataError) as info:
        load_series_csv(path)
    assert str(info.value) == "ETTh1.csv: row 12, column 'OT': value 'abc' is not a number"
    assert (info.value.row, info.value.column, info.value.value) == (12, "OT", "abc")


@pytest.mark.parametrize("cell", ["", "NaN", "nan"])
def test_gaps_are_reported(tmp_path: Path, cell: str) -> None:
    path = _write(tmp_path, "g.csv", f"date,OT\n2020-01-01,1\n2020-01-02,{cell}\n2020-01-03,3\n")
    with pytest.raises(DataError, match="gap in the series") as info:
        load_series_csv(path)
    assert info.value.row == 3 and info.value.column == "OT"


def test_empty_file_and_header_only(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="e.csv: the file is empty"):
        load_series_csv(_write(tmp_path, "e.csv", ""))
    with pytest.raises(DataError, match="no data rows"):
        load_series_csv(_write(tmp_path, "h.csv", "date,OT\n"))


def test_tsv_read_as_csv_suggests_the_delimiter(tmp_path: Path) -> None:
    path = _write(tmp_path, "tabbed.csv", "date\tOT\n2020-01-01\t1\n2020-01-02\t2\n")
    with pytest.raises(
        DataError,
        match=r"single column 'date\\tOT'; it looks tab-delimited: pass --delimiter tab \(delimiter='\\t'",
    ):
        load_series_csv(path)
    assert load_series_csv(path, delimiter="\t").values[:, 0].tolist() == [1.0, 2.0]


def test_bad_and_out_of_order_dates(tmp_path: Path) -> None:
    path = _write(tmp_path, "d.csv", "date,OT\n2020-01-01,1\nyesterday,2\n")
    with pytest.raises(DataError, match="row 3, column 'date': value 'yesterday' is not a date"):
        load_series_csv(path)
    path = _write(tmp_path, "o.csv", "date,OT\n2020-01-02,1\n2020-01-01,2\n")
    with pytest.raises(DataError, match="row 3.*earlier than the previous date"):
        load_series_csv(path)


def test_ragged_row(tmp_path: Path) -> None:
    path = _write(tmp_path, "r.csv", "date,a,b\n2020-01-01,1,2\n2020-01-02,1\n")
    with pytest.raises(DataError, match="row 3: has 2 fields but the first row has 3"):
        load_series_csv(path)


def test_infer_freq() -> None:
    hours = np.arange("2020-01-01T00", "2020-01-02T00", dtype="datetime64[h]")
    assert infer_freq(hours) == "h"
    assert infer_freq(np.arange("2020-01-01", "2020-02-01", dtype="datetime64[D]")) == "D"
    assert infer_freq(hours[:1]) is None


def test_embedded_series_are_local_and_real() -> None:
    pytest.importorskip("vega_datasets")
    names = list_embedded_series()
    assert {"seattle-temps", "stocks:AAPL"} <= set(names)
    temps = load_embedded_series("seattle-temps")
    assert len(temps) == 8759 and temps.freq == "h" and temps.columns == ["temp"]
    assert temps.dates[0] == np.datetime64("2010-01-01T00:00:00")
    aapl = load_embedded_series("stocks", symbol="AAPL")
    assert aapl.freq == "MS" and len(aapl) == 123 and aapl.source.endswith("AAPL")
    assert load_embedded_series("stocks:GOOG").values.shape == (68, 1)
    with pytest.raises(KeyError, match="seattle-temps"):
        load_embedded_series("no-such-series")
    with pytest.raises(DataError, match="symbol 'XYZ'"):
        load_embedded_series("stocks:XYZ")


@pytest.mark.datasets
@pytest.mark.skipif(not ETTH1.is_file(), reason="shared ETT dataset not present")
def test_load_ett_real_file() -> None:
    series = load_ett(DATASETS, "ETTh1")
    assert len(series) == 17420 and series.freq == "h"
    assert series.columns == ["HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT"]
    assert series.dates[-1] == np.datetime64("2018-06-26T19:00:00")
