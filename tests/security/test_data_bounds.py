"""Data files are read in bounded chunks: devices, FIFOs, directories, huge files and huge
lines are refused with a one-line error naming the file (and line) and the limit, fast and
with bounded memory, for every family's loader."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.trust_helpers import invoke, one_line_error
from zoo.data import DataError, MissingDataError
from zoo.data.reading import (
    MAX_FILE_BYTES_ENV,
    MAX_LINE_BYTES_ENV,
    check_data_file,
    iter_lines,
    read_lines,
)

ROOT = Path(__file__).resolve().parents[2]
FIVE_GB = 5 * 2**30
#: Address-space limit of the subprocess that reads the attack files (Python + NumPy need
#: a few hundred MB; reading a 5 GB "line" would need far more).
MEMORY_LIMIT = 2_500_000_000

#: Every loader that reads a user's data file: (name, call with the path substituted).
LOADERS = {
    "sentiment-table": "from zoo.data import load_text_table as f; f(PATH)",
    "sentiment-sst2": "from zoo.data import load_sst2 as f; f(PATH)",
    "sentiment-model": (
        "from zoo.models.sentiment import SentimentClassifier as M; M.load_data(PATH)"
    ),
    "forecasting-csv": "from zoo.data import load_series_csv as f; f(PATH)",
    "forecasting-ett": "from zoo.data import load_ett as f; f(PATH)",
    "forecasting-model": "from zoo.models.forecasting import LSTMForecaster as M; M.load_data(PATH)",
    "translation-pairs": "from zoo.data.translation import load_sentence_pairs as f; f(PATH)",
    "translation-model": (
        "from zoo.models.translation import Seq2SeqTranslator as M; M.load_data(PATH)"
    ),
    "imdb-archive": "from zoo.data import load_imdb as f; f(PATH)",
    "imdb-word-index": "from zoo.data import load_imdb as f; f(NPZ, word_index_path=PATH)",
    "text-lines": "from zoo.data.reading import read_lines as f; f(PATH)",
}

_RUNNER = textwrap.dedent(
    """
    import json, resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
    PATH, NPZ = sys.argv[1], sys.argv[2]
    start = time.perf_counter()
    try:
        {call}
    except Exception as error:
        out = {{"type": type(error).__name__, "message": str(error)}}
    else:
        out = {{"type": None, "message": ""}}
    out["seconds"] = time.perf_counter() - start
    print(json.dumps(out))
    """
)


def _run_loader(name: str, path: Path, npz: Path, env: dict[str, str] | None = None) -> dict:
    """Run one loader on `path` in a subprocess with a capped address space."""
    script = _RUNNER.format(limit=MEMORY_LIMIT, call=LOADERS[name])
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script, str(path), str(npz)],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
    )
    wall = time.perf_counter() - started
    assert done.returncode == 0, done.stderr[-2000:]  # no MemoryError kill, no crash
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


@pytest.fixture(scope="module")
def attack_files(tmp_path_factory) -> dict[str, Path]:
    """A sparse 5 GB file (one 5 GB "line" of NUL bytes, no disk used), per extension."""
    root = tmp_path_factory.mktemp("attack")
    files = {}
    for ext in ("csv", "tsv", "txt", "npz", "json"):
        path = root / f"huge.{ext}"
        with open(path, "wb") as handle:
            handle.truncate(FIVE_GB)
        files[ext] = path
    files["good_npz"] = _tiny_imdb(root / "imdb.npz")  # valid, so the word index is read
    return files


def _tiny_imdb(path: Path) -> Path:
    """An archive in Keras' IMDB layout (ragged object arrays of word ranks)."""
    import numpy as np

    ragged = np.empty(2, dtype=object)
    ragged[0], ragged[1] = [1, 2], [2, 1]
    labels = np.array([0, 1])
    np.savez(path, x_train=ragged, y_train=labels, x_test=ragged, y_test=labels)
    return path


def _file_for(name: str, files: dict[str, Path]) -> Path:
    if name == "sentiment-sst2":
        return files["tsv"]
    if name.startswith("translation") or name == "text-lines":
        return files["txt"]
    if name == "imdb-archive":
        return files["npz"]
    if name == "imdb-word-index":
        return files["json"]
    return files["csv"]


def _one_line(message: str) -> None:
    assert message and "\n" not in message, message
    assert "Traceback" not in message


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_dev_zero_is_refused_fast(name: str, attack_files) -> None:
    result = _run_loader(name, Path("/dev/zero"), attack_files["good_npz"])
    assert result["type"] == "DataError", result
    _one_line(result["message"])
    assert result["message"].startswith(
        "zero: is a character device ('/dev/zero'), not a regular file"
    )
    assert result["wall"] < 30 and result["seconds"] < 2, result


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_sparse_5gb_file_is_refused_by_the_size_limit(name: str, attack_files) -> None:
    path = _file_for(name, attack_files)
    result = _run_loader(name, path, attack_files["good_npz"])
    assert result["type"] == "DataError", result
    _one_line(result["message"])
    assert result["message"].startswith(f"{path.name}: the file is 5 GiB, over the limit")
    assert MAX_FILE_BYTES_ENV in result["message"]  # says how to raise the limit
    assert result["seconds"] < 2, result


@pytest.mark.parametrize(
    "name",
    ["sentiment-table", "forecasting-csv", "translation-pairs", "text-lines", "sentiment-model"],
)
def test_sparse_5gb_line_is_refused_by_the_line_limit(name: str, attack_files) -> None:
    # With the size limit raised past 5 GB, the one 5 GB "line" hits the line limit after
    # reading 1 MiB: memory stays bounded (the subprocess has a 2.5 GB address space).
    path = _file_for(name, attack_files)
    env = {MAX_FILE_BYTES_ENV: str(6 * 2**30)}
    result = _run_loader(name, path, attack_files["good_npz"], env)
    assert result["type"] == "DataError", result
    _one_line(result["message"])
    assert result["message"].startswith(
        f"{path.name}: row 1: the line is longer than the limit of 1 MiB"
    )
    assert MAX_LINE_BYTES_ENV in result["message"]
    assert result["seconds"] < 5, result


def test_limits_come_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "small.csv"
    path.write_text("text,label\n" + "x" * 200 + ",1\nshort,0\n")
    monkeypatch.setenv(MAX_LINE_BYTES_ENV, "100")
    with pytest.raises(DataError) as info:
        list(iter_lines(path))
    assert str(info.value) == (
        f"small.csv: row 2: the line is longer than the limit of 100 bytes; "
        f"set {MAX_LINE_BYTES_ENV} (bytes) to raise it"
    )
    monkeypatch.setenv(MAX_LINE_BYTES_ENV, "1000")
    monkeypatch.setenv(MAX_FILE_BYTES_ENV, "50")
    with pytest.raises(DataError, match=r"small.csv: the file is 22\d bytes, over the limit of 50"):
        list(iter_lines(path))
    monkeypatch.setenv(MAX_FILE_BYTES_ENV, "lots")
    with pytest.raises(ValueError, match=f"{MAX_FILE_BYTES_ENV}='lots': expected a positive"):
        check_data_file(path)
    monkeypatch.delenv(MAX_FILE_BYTES_ENV)
    assert [row for row, _ in iter_lines(path)] == [1, 2, 3]


def test_a_line_at_the_limit_is_accepted_and_one_byte_more_is_not(tmp_path: Path) -> None:
    path = tmp_path / "edge.txt"
    path.write_bytes(b"a" * 10 + b"\r\n" + b"b" * 11 + b"\n")
    lines = iter_lines(path, max_line=10)
    assert next(lines) == (1, "a" * 10 + "\r\n")
    with pytest.raises(DataError, match="edge.txt: row 2: the line is longer than the limit"):
        next(lines)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # opening it for reading would block until a writer comes
    start = time.perf_counter()
    with pytest.raises(DataError) as info:
        read_lines(fifo)
    assert str(info.value).startswith(f"pipe.csv: is a named pipe ('{fifo}'), not a regular")
    assert time.perf_counter() - start < 2


def test_directory_and_missing_file(tmp_path: Path) -> None:
    from zoo.data import load_series_csv, load_text_table
    from zoo.data.translation import load_sentence_pairs

    for loader in (load_series_csv, load_text_table, load_sentence_pairs, read_lines):
        with pytest.raises(DataError) as info:
            loader(tmp_path)
        assert str(info.value).startswith(f"{tmp_path.name}: is a directory; expected a")
        with pytest.raises(MissingDataError, match="does not exist"):
            loader(tmp_path / "nope.csv")


@pytest.mark.parametrize("model", ["forecast-lstm", "sentiment-lstm", "translation-attention-lstm"])
def test_cli_train_on_a_device_or_directory_is_a_one_line_error(model: str, tmp_path: Path):
    empty = tmp_path / "folder"
    empty.mkdir()
    result = invoke("train", model, "--data", "/dev/zero", "--out", tmp_path / "out")
    one_line_error(result, "zero: is a character device ('/dev/zero'), not a regular file")
    if model != "sentiment-lstm":  # a sentiment directory is an SST-2 folder (see below)
        result = invoke("train", model, "--data", empty, "--out", tmp_path / "out")
        one_line_error(result, "folder: is a directory; expected a")
    assert not (tmp_path / "out").exists()


def test_cli_sentiment_directory_without_sst2_files(tmp_path: Path) -> None:
    result = invoke("train", "sentiment-lstm", "--data", tmp_path, "--out", tmp_path / "out")
    one_line_error(result, "train.tsv", "not found")
