"""DataError formatting and data-path resolution."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from zoo.data.errors import DataError, MissingDataError
from zoo.data.paths import DATA_DIR_ENV, resolve_data_path


def test_data_error_message_is_one_line_with_location() -> None:
    err = DataError(
        "value 'abc' is not a number", file="/data/ETT/ETTh1.csv", row=12, column="OT", value="abc"
    )
    assert str(err) == "ETTh1.csv: row 12, column 'OT': value 'abc' is not a number"
    assert isinstance(err, ValueError)
    assert (err.file, err.row, err.column, err.value) == ("/data/ETT/ETTh1.csv", 12, "OT", "abc")


def test_data_error_without_location_and_newlines_collapsed() -> None:
    err = DataError("the file\nis empty", file="x.csv")
    assert str(err) == "x.csv: the file is empty"
    assert "\n" not in str(DataError("a\nb"))
    assert str(DataError("too short", row=3)) == "row 3: too short"


def test_data_error_survives_pickling() -> None:
    err = DataError("bad", file="a.csv", row=2, column=0, value="v")
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err) and again.column == 0 and again.value == "v"


def test_resolve_explicit_file_and_directory(tmp_path: Path) -> None:
    (tmp_path / "SST-2").mkdir()
    target = tmp_path / "SST-2" / "train.tsv"
    target.write_text("sentence\tlabel\n")
    assert resolve_data_path(target, "SST-2/train.tsv") == target
    assert resolve_data_path(tmp_path, "SST-2/train.tsv") == target  # datasets root
    assert resolve_data_path(tmp_path / "SST-2", "SST-2/train.tsv") == target  # dataset folder


def test_resolve_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ETT").mkdir()
    (tmp_path / "ETT" / "ETTh1.csv").write_text("date,OT\n")
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    assert resolve_data_path(None, "ETT/ETTh1.csv") == tmp_path / "ETT" / "ETTh1.csv"
    with pytest.raises(MissingDataError, match="looked for .*ETTh2.csv") as info:
        resolve_data_path(None, "ETT/ETTh2.csv")
    assert DATA_DIR_ENV in str(info.value) and "\n" not in str(info.value)


def test_resolve_errors_name_what_was_looked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    with pytest.raises(MissingDataError, match=f"no path was given and {DATA_DIR_ENV} is not set"):
        resolve_data_path(None, "SST-2/train.tsv")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        resolve_data_path(tmp_path / "nope.tsv", "SST-2/train.tsv")
    with pytest.raises(MissingDataError, match="dev.tsv"):
        resolve_data_path(tmp_path, "SST-2/dev.tsv")
