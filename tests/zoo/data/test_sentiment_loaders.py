"""SST-2 and generic text-table loaders."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from zoo.data import DataError, TextDataset, load_sst2, load_text_table

DATASETS = Path(
    os.environ.get("LSTM_ZOO_DATA_DIR") or Path(__file__).parents[4] / "shared" / "datasets"
)
SST2 = DATASETS / "SST-2"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sst2_small_file_strips_trailing_space(tmp_path: Path) -> None:
    path = _write(tmp_path, "train.tsv", 'sentence\tlabel\nit \'s "fine" , really \t1\nawful \t0\n')
    data = load_sst2(path)
    assert data.texts == ['it \'s "fine" , really', "awful"]
    assert data.labels.tolist() == [1, 0] and data.labels.dtype == np.int64
    assert data.label_names == ["negative", "positive"] and data.is_labelled
    assert load_sst2(tmp_path, split="train").texts == data.texts  # directory + split


def test_sst2_test_split_is_unlabelled(tmp_path: Path) -> None:
    path = _write(tmp_path, "test.tsv", "index\tsentence\n0\tuneasy mishmash .\n1\tfine .\n")
    data = load_sst2(path)
    assert data.texts == ["uneasy mishmash .", "fine ."]
    assert data.labels.tolist() == [-1, -1] and not data.is_labelled


def test_sst2_label_outside_known_classes(tmp_path: Path) -> None:
    path = _write(tmp_path, "dev.tsv", "sentence\tlabel\ngood \t1\nbad \t2\n")
    with pytest.raises(DataError) as info:
        load_sst2(path)
    assert str(info.value) == (
        "dev.tsv: row 3, column 'label': label '2' is not one of the known classes "
        "0 (negative), 1 (positive)"
    )


def test_sst2_bad_header_and_split(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="unexpected SST-2 header"):
        load_sst2(_write(tmp_path, "x.tsv", "text\tpolarity\nok\t1\n"))
    with pytest.raises(ValueError, match="split must be one of"):
        load_sst2(tmp_path, split="valid")


def test_text_table_with_header_and_string_labels(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "reviews.csv",
        'id,review,sentiment\n1,"great, really great",pos\n2,dull,neg\n3,fine,pos\n',
    )
    data = load_text_table(path)
    assert data.texts == ["great, really great", "dull", "fine"]
    assert data.label_names == ["neg", "pos"] and data.labels.tolist() == [1, 0, 1]
    named = load_text_table(path, label_names=["pos", "neg"])
    assert named.labels.tolist() == [0, 1, 0]


def test_text_table_without_header_uses_indices(tmp_path: Path) -> None:
    path = _write(tmp_path, "plain.tsv", "1\ta lovely film\n0\ta dreadful film\n1\tsolid\n")
    data = load_text_table(path)  # header auto-detected as absent, columns guessed
    assert data.texts == ["a lovely film", "a dreadful film", "solid"]
    assert data.labels.tolist() == [1, 0, 1] and data.label_names == ["0", "1"]
    explicit = load_text_table(path, text_column=1, label_column=0, header=False)
    assert explicit.texts == data.texts
    with pytest.raises(DataError, match="no header; address columns by 0-based index"):
        load_text_table(path, text_column="text", header=False)


def test_text_table_header_detected_from_values(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.csv", "words,y_true\nnice,1\nbad,0\nok,1\n")
    data = load_text_table(path)
    assert data.texts == ["nice", "bad", "ok"] and data.labels.tolist() == [1, 0, 1]


def test_text_table_non_contiguous_int_labels(tmp_path: Path) -> None:
    path = _write(tmp_path, "stars.csv", "text,label\nmeh,2\ngreat,5\nawful,1\n")
    data = load_text_table(path)
    assert data.label_names == ["1", "2", "5"] and data.labels.tolist() == [1, 2, 0]


def test_text_table_unknown_label_names_row(tmp_path: Path) -> None:
    path = _write(tmp_path, "r.csv", "text,label\ngood,positive\nbad,negative\nhm,mixed\n")
    with pytest.raises(DataError) as info:
        load_text_table(path, label_names=["negative", "positive"])
    assert info.value.row == 4 and info.value.column == "label" and info.value.value == "mixed"
    assert "'mixed' is not one of the known classes 'negative', 'positive'" in str(info.value)


def test_text_table_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="the file is empty"):
        load_text_table(_write(tmp_path, "e.csv", "\n\n"))
    with pytest.raises(
        DataError, match="label column 'stars' not found; the columns are: 'text', 'label'"
    ):
        load_text_table(_write(tmp_path, "m.csv", "text,label\na,1\n"), label_column="stars")
    tsv_as_csv = _write(tmp_path, "w.csv", "text\tlabel\ngood\t1\n")
    with pytest.raises(DataError, match="tab-delimited: pass --delimiter tab \\(delimiter='\\\\t'"):
        load_text_table(tsv_as_csv)
    with pytest.raises(DataError, match="row 3.*empty label"):
        load_text_table(_write(tmp_path, "n.csv", "text,label\na,1\nb,\n"))


def test_text_dataset_subset() -> None:
    data = TextDataset(["a", "b", "c"], [0, 1, 0], ["neg", "pos"], "x")
    part = data.subset([2, 0])
    assert part.texts == ["c", "a"] and part.labels.tolist() == [0, 0] and len(part) == 2
    with pytest.raises(ValueError, match="3 texts but 2 labels"):
        TextDataset(["a", "b", "c"], [0, 1], ["neg", "pos"], "x")


@pytest.mark.datasets
@pytest.mark.skipif(not (SST2 / "train.tsv").is_file(), reason="shared SST-2 not present")
def test_sst2_real_counts() -> None:
    train = load_sst2(DATASETS, "train")
    dev = load_sst2(SST2, "dev")
    test = load_sst2(SST2, "test")
    assert len(train) == 67349 and int(train.labels.sum()) == 37569
    assert len(dev) == 872 and int(dev.labels.sum()) == 444
    assert len(test) == 1821 and not test.is_labelled
    assert not any(t.endswith(" ") for t in dev.texts)
