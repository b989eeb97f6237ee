"""IMDB loading through Keras' own loader from a tiny local .npz (no download)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from zoo.data import DataError, MissingDataError, load_imdb
from zoo.data.imdb import decode_imdb

WORDS = {"the": 1, "movie": 2, "was": 3, "great": 4, "awful": 5, "plot": 6}


def _ragged(rows: list[list[int]]) -> np.ndarray:
    array = np.empty(len(rows), dtype=object)
    for i, row in enumerate(rows):
        array[i] = list(row)  # Python ints, as in Keras' file
    return array


def _write_imdb(folder: Path) -> Path:
    """A tiny archive in Keras' imdb.npz layout: word ranks, before the +3 shift."""
    path = folder / "imdb.npz"
    np.savez(
        path,
        x_train=_ragged([[1, 2, 3, 4], [1, 6, 3, 5], [2, 3, 4]]),
        y_train=np.array([1, 0, 1]),
        x_test=_ragged([[1, 6, 3, 4], [1, 2, 3, 5, 9]]),
        y_test=np.array([1, 0]),
    )
    (folder / "imdb_word_index.json").write_text(json.dumps(WORDS))
    return path


def test_load_imdb_decodes_with_keras_conventions(tmp_path: Path) -> None:
    path = _write_imdb(tmp_path)
    train = load_imdb(path)
    assert train.label_names == ["negative", "positive"] and train.source == "imdb:train"
    pairs = set(zip(train.texts, train.labels.tolist(), strict=True))
    # Keras shuffles (seed 113), so compare as a set.
    assert pairs == {
        ("the movie was great", 1),
        ("the plot was awful", 0),
        ("movie was great", 1),
    }
    test = load_imdb(tmp_path, split="test")
    # Rank 9 is not in the word index (and, as the largest id, Keras makes it OOV anyway).
    assert set(test.texts) == {"the plot was great", "the movie was awful <unk>"}
    cut = load_imdb(tmp_path, split="test", num_words=8)  # ids >= 8 ("awful", "plot") -> OOV
    assert set(cut.texts) == {"the <unk> was great", "the movie was <unk> <unk>"}


def test_load_imdb_word_index_path_and_missing_files(tmp_path: Path) -> None:
    npz_dir = tmp_path / "npz"
    npz_dir.mkdir()
    _write_imdb(npz_dir)
    (npz_dir / "imdb_word_index.json").rename(tmp_path / "index.json")
    with pytest.raises(MissingDataError, match="word index 'imdb_word_index.json' not found"):
        load_imdb(npz_dir / "imdb.npz")
    data = load_imdb(npz_dir / "imdb.npz", word_index_path=tmp_path / "index.json")
    assert len(data) == 3
    with pytest.raises(MissingDataError):
        load_imdb(tmp_path / "missing.npz")


def test_load_imdb_rejects_other_layouts(tmp_path: Path) -> None:
    path = tmp_path / "imdb.npz"
    np.savez(path, arr_0=np.zeros(3))
    (tmp_path / "imdb_word_index.json").write_text("{}")
    with pytest.raises(DataError, match=r"missing arrays \['x_train'.*it holds \['arr_0'\]"):
        load_imdb(path)


def test_keras_get_file_is_restored(tmp_path: Path) -> None:
    import keras.src.datasets.imdb as keras_imdb

    original = keras_imdb.get_file
    load_imdb(_write_imdb(tmp_path))
    assert keras_imdb.get_file is original


def test_decode_imdb() -> None:
    inverted = {4: "the", 5: "movie"}
    assert decode_imdb([1, 4, 5, 2, 0, 0], inverted) == "the movie <unk>"
