"""Keras' IMDB reviews from a local ``imdb.npz``, decoded back to text.

Keras' own loader (``keras.datasets.imdb.load_data``) always goes through
``keras.utils.get_file``, which looks in ``~/.keras/datasets`` and downloads (then checks a
SHA-256) when the file is missing or its hash differs. :func:`load_imdb` runs *that same
loader code* (shuffling with seed 113, ``start_char=1``, ``oov_char=2``, ``index_from=3``,
the ``num_words`` cut, its restricted unpickler) on a local file: for the duration of the
call, the ``get_file`` name inside ``keras.src.datasets.imdb`` is swapped for a function that
returns the local path, under a lock, and restored afterwards. Nothing is downloaded and no
hash is checked, so small files written in Keras' layout (e.g. in tests) load as well.

The ``.npz`` layout (as Keras documents and writes it): four arrays ``x_train``,
``y_train``, ``x_test``, ``y_test``; ``x_*`` are 1-D ``object`` arrays of Python ``int``
lists holding word ranks (1 = most frequent word, i.e. the values of
``imdb_word_index.json``); ``y_*`` are integer arrays of 0 (negative) / 1 (positive).

Keras is imported only when :func:`load_imdb` is called.
"""

from __future__ import annotations

import importlib
import json
import os
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from zoo.data.errors import DataError, MissingDataError, format_value
from zoo.data.paths import DATA_DIR_ENV, resolve_data_path
from zoo.data.reading import MAX_FILE_BYTES_ENV, check_data_file, max_file_bytes
from zoo.data.sentiment import SST2_LABEL_NAMES, TextDataset

__all__ = ["IMDB_INDEX_FROM", "IMDB_OOV_CHAR", "IMDB_START_CHAR", "decode_imdb", "load_imdb"]

IMDB_START_CHAR = 1
IMDB_OOV_CHAR = 2
IMDB_INDEX_FROM = 3
OOV_TOKEN = "<unk>"  # matches zoo.preprocessing.text's reserved unknown token
_KEYS = ("x_train", "y_train", "x_test", "y_test")
_NPZ_NAME = "imdb.npz"
_INDEX_NAME = "imdb_word_index.json"
_PATCH_LOCK = threading.Lock()


@contextmanager
def _keras_imdb_with_local_files(files: dict[str, Path]) -> Iterator[Any]:
    """Yield ``keras.src.datasets.imdb`` with ``get_file`` returning local paths.

    ``files`` maps the ``fname`` Keras asks for (``imdb.npz``, ``imdb_word_index.json``)
    to a local path; any other request is an error rather than a download.
    """
    module = importlib.import_module("keras.src.datasets.imdb")
    original: Callable[..., str] = module.get_file

    def local_get_file(fname: str | None = None, origin: str | None = None, **_: Any) -> str:
        if fname not in files:
            raise MissingDataError(f"no local file for {fname!r} (refusing to download {origin})")
        return str(files[fname])

    with _PATCH_LOCK:
        module.get_file = local_get_file
        try:
            yield module
        finally:
            module.get_file = original


def _check_npz(path: Path) -> None:
    """Fail early, with the keys found, on an ``.npz`` not in Keras' IMDB layout.

    The archive must be a regular file within the size limit, and its members must not
    unpack to more than that limit either (no zip bomb reaches NumPy).
    """
    check_data_file(path, what="IMDB archive")
    limit = max_file_bytes()
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise DataError("not an .npz (zip) archive", file=path) from None
    unpacked = sum(member.file_size for member in members)
    if unpacked > limit:
        raise DataError(
            f"the archive unpacks to {unpacked} bytes, over the limit of {limit}; "
            f"set {MAX_FILE_BYTES_ENV} (bytes) to raise it",
            file=path,
        )
    keys = sorted(member.filename.removesuffix(".npy") for member in members)
    missing = [k for k in _KEYS if k not in keys]
    if missing:
        raise DataError(
            f"not a Keras IMDB archive: missing arrays {missing}; it holds {keys}",
            file=path,
        )


def _check_word_index(word_index: Any, path: Path) -> dict[str, int]:
    """The word index must map words (strings) to integer ranks >= 1."""
    if not isinstance(word_index, dict):
        raise DataError(
            f"the word index must be a JSON object of word -> rank, found a "
            f"{type(word_index).__name__}",
            file=path,
        )
    for word, rank in word_index.items():
        if isinstance(rank, bool) or not isinstance(rank, int) or rank < 1:
            raise DataError(
                f"the rank of word {format_value(word)} must be an integer >= 1, "
                f"found {format_value(rank)}",
                file=path,
                column=word if len(word) <= 40 else None,
            )
    return word_index


def _find_word_index(npz: Path, word_index_path: str | os.PathLike[str] | None) -> Path:
    if word_index_path is not None:
        found = resolve_data_path(word_index_path, f"imdb/{_INDEX_NAME}")
        return check_data_file(found, what="word index")
    beside = npz.with_name(_INDEX_NAME)
    if beside.is_file():
        return check_data_file(beside, what="word index")
    try:
        return check_data_file(resolve_data_path(None, f"imdb/{_INDEX_NAME}"), what="word index")
    except MissingDataError:
        raise MissingDataError(
            f"word index {_INDEX_NAME!r} not found: pass word_index_path=, put it beside "
            f"{str(npz)!r}, or under ${DATA_DIR_ENV}/imdb/"
        ) from None


def decode_imdb(sequence: Any, inverted_index: dict[int, str]) -> str:
    """Turn one Keras IMDB id sequence back into text.

    Ids follow Keras' convention: 0 padding and 1 start (both dropped), 2 out-of-vocabulary
    (written ``<unk>``), and word rank ``r`` stored as ``r + 3``. ``inverted_index`` maps the
    shifted id to its word (see :func:`load_imdb`).
    """
    words = []
    for token in sequence:
        token = int(token)
        if token in (0, IMDB_START_CHAR):
            continue
        words.append(inverted_index.get(token, OOV_TOKEN))
    return " ".join(words)


def load_imdb(
    path: str | os.PathLike[str] | None = None,
    word_index_path: str | os.PathLike[str] | None = None,
    num_words: int | None = None,
    split: str = "train",
) -> TextDataset:
    """Load Keras' IMDB reviews from a local ``imdb.npz`` and decode them to text.

    Uses ``keras.datasets.imdb.load_data`` and ``get_word_index`` themselves, pointed at
    local files (see the module docstring), so the result is what Keras would return,
    decoded: the order is Keras' shuffle (seed 113), and words outside the ``num_words``
    most frequent become ``<unk>``.

    Args:
        path: ``imdb.npz``, a directory holding it (or ``imdb/imdb.npz``), or ``None`` for
            ``$LSTM_ZOO_DATA_DIR``.
        word_index_path: ``imdb_word_index.json`` or its directory; ``None`` looks beside
            the ``.npz``, then under ``$LSTM_ZOO_DATA_DIR/imdb/``.
        num_words: Keep only the most frequent ``num_words - 1`` word ids (Keras semantics:
            ids ``>= num_words`` become out-of-vocabulary); ``None`` keeps all.
        split: ``"train"`` or ``"test"``.

    Raises:
        MissingDataError: A file is missing.
        DataError: A file is a directory, a device or over the size limit (also unpacked,
            see :mod:`zoo.data.reading`); the ``.npz`` is not in Keras' IMDB layout; the word
            index is not a UTF-8 JSON object of word -> integer rank.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    if num_words is not None and (
        isinstance(num_words, bool) or not isinstance(num_words, int | np.integer) or num_words < 1
    ):
        raise ValueError(f"num_words must be a positive integer or None, got {num_words!r}")
    npz = resolve_data_path(path, f"imdb/{_NPZ_NAME}")
    _check_npz(npz)
    index_path = _find_word_index(npz, word_index_path)
    with _keras_imdb_with_local_files({_NPZ_NAME: npz, _INDEX_NAME: index_path}) as imdb:
        (x_train, y_train), (x_test, y_test) = imdb.load_data(
            num_words=num_words,
            start_char=IMDB_START_CHAR,
            oov_char=IMDB_OOV_CHAR,
            index_from=IMDB_INDEX_FROM,
        )
        try:
            word_index = _check_word_index(imdb.get_word_index(), index_path)
        except UnicodeDecodeError as exc:
            raise DataError(
                f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); "
                "save it as UTF-8",
                file=index_path,
            ) from None
        except json.JSONDecodeError as exc:
            raise DataError(
                f"not valid JSON ({exc.msg} at column {exc.colno})", file=index_path, row=exc.lineno
            ) from None
    inverted = {int(rank) + IMDB_INDEX_FROM: word for word, rank in word_index.items()}
    x, y = (x_train, y_train) if split == "train" else (x_test, y_test)
    texts = [decode_imdb(seq, inverted) for seq in x]
    return TextDataset(
        texts, np.asarray(y, dtype=np.int64), list(SST2_LABEL_NAMES), f"imdb:{split}"
    )
