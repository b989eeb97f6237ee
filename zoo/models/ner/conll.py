"""CoNLL files: tokens and entity tags, with IOB1 / IOB2 / BIOES detected and converted.

The format: one token per line, columns separated by spaces or tabs, the tag in the last
column; blank lines (or lines holding only whitespace, such as a single tab) between
sentences; `-DOCSTART-` lines skipped. A byte-order mark at the start of the file, or a
stray `\\ufeff` inside a line, is dropped. Files are read through `zoo.data.reading`
(bounded, UTF-8), and every problem is a one-line `DataError` naming the file and line.

Tags are returned in IOB2 (every entity starts with `B-`), whatever the file used:

* BIOES (a tag starting `E-` or `S-` anywhere): `S-X` -> `B-X`, `E-X` -> `I-X`;
* IOB1 (an `I-X` that starts an entity: after `O`, another type or the sentence start,
  as in the original CoNLL-2003 files): that `I-X` -> `B-X`;
* IOB2 otherwise (unchanged).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zoo.data.errors import DataError, MissingDataError
from zoo.data.reading import iter_lines

__all__ = ["NERDataset", "detect_scheme", "load_conll", "read_conll", "to_iob2"]

_TAG = re.compile(r"^(O|[BIES]-\S+)$")
#: File names of a CoNLL directory's splits, tried in order.
SPLITS = {
    "train": ("train.txt", "train.conll", "eng.train", "train"),
    "valid": ("valid.txt", "dev.txt", "valid.conll", "dev.conll", "eng.testa", "valid", "dev"),
    "test": ("test.txt", "test.conll", "eng.testb", "test"),
}


@dataclass
class NERDataset:
    """Sentences (lists of tokens) and their IOB2 tags; `validation`: a held-out set
    that training selects on, when the data came with one (CoNLL `valid`)."""

    sentences: list[list[str]]
    tags: list[list[str]]
    source: str = ""
    scheme: str = "IOB2"
    validation: NERDataset | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.sentences)

    def subset(self, indices: Sequence[int]) -> NERDataset:
        return NERDataset(
            [self.sentences[i] for i in indices],
            [self.tags[i] for i in indices],
            self.source,
            self.scheme,
        )

    @property
    def entity_types(self) -> list[str]:
        return sorted({t[2:] for row in self.tags for t in row if t != "O"})


def _check_tag(tag: str, path: Path, row: int) -> None:
    if not _TAG.match(tag):
        raise DataError(
            f"tag {tag!r} is not in the IOB1, IOB2 or BIOES scheme "
            "(expected O, or B-, I-, E-, S- and a type)",
            file=path,
            row=row,
        )


def detect_scheme(tag_rows: Sequence[Sequence[str]]) -> str:
    """`"BIOES"`, `"IOB1"` or `"IOB2"` for rows of tags (see the module docstring)."""
    iob1 = False
    for row in tag_rows:
        previous = "O"
        for tag in row:
            if tag[:2] in ("E-", "S-"):
                return "BIOES"
            if tag.startswith("I-") and (previous == "O" or previous[2:] != tag[2:]):
                iob1 = True
            previous = tag
    return "IOB1" if iob1 else "IOB2"


def to_iob2(tags: Sequence[str], scheme: str) -> list[str]:
    """`tags` of `scheme` in IOB2."""
    out: list[str] = []
    for tag in tags:
        prefix, kind = tag[:1], tag[2:]
        if scheme == "BIOES":
            tag = {"S": f"B-{kind}", "E": f"I-{kind}"}.get(prefix, tag)
        elif scheme == "IOB1" and prefix == "I":
            previous = out[-1] if out else "O"
            if previous == "O" or previous[2:] != kind:
                tag = f"B-{kind}"
        out.append(tag)
    return out


def _check_bioes(tags: list[str], rows: list[int], path: Path) -> None:
    previous = "O"
    for tag, row in zip(tags, rows, strict=True):
        prefix, kind = tag[:1], tag[2:]
        inside = previous[:1] in ("B", "I") and previous[2:] == kind
        if prefix in ("I", "E") and not inside:
            raise DataError(
                f"tag {tag!r} does not continue an entity of type {kind} "
                f"(after {previous!r}) in a BIOES file",
                file=path,
                row=row,
            )
        if prefix in ("B", "S", "O") and previous[:1] in ("B", "I"):
            raise DataError(
                f"tag {tag!r} follows the unfinished entity {previous!r} in a BIOES file",
                file=path,
                row=row,
            )
        previous = tag


def read_conll(path: str | os.PathLike[str]) -> NERDataset:
    """The sentences and IOB2 tags of one CoNLL file.

    Raises:
        MissingDataError: no such file.
        DataError: (naming the file and line) a line with one column, a tag outside the
            schemes, a broken BIOES entity, or a file with no sentences.
    """
    path = Path(path)
    sentences: list[list[str]] = []
    tag_rows: list[list[str]] = []
    line_rows: list[list[int]] = []
    tokens: list[str] = []
    tags: list[str] = []
    rows: list[int] = []

    def close() -> None:
        if tokens:
            sentences.append(list(tokens))
            tag_rows.append(list(tags))
            line_rows.append(list(rows))
        tokens.clear(), tags.clear(), rows.clear()

    for row, text in iter_lines(path, what="CoNLL file"):
        columns = text.replace("\ufeff", "").split()
        if not columns:
            close()
            continue
        if columns[0] == "-DOCSTART-":
            close()
            continue
        if len(columns) < 2:
            raise DataError(
                f"one column ({columns[0]!r}); expected a token and its tag in the last column",
                file=path,
                row=row,
            )
        _check_tag(columns[-1], path, row)
        tokens.append(columns[0])
        tags.append(columns[-1])
        rows.append(row)
    close()
    if not sentences:
        raise DataError("no sentences (no token lines)", file=path)
    scheme = detect_scheme(tag_rows)
    if scheme == "BIOES":
        for t, r in zip(tag_rows, line_rows, strict=True):
            _check_bioes(t, r, path)
    converted = [to_iob2(t, scheme) for t in tag_rows]
    return NERDataset(sentences, converted, str(path), scheme)


def _find(directory: Path, split: str) -> Path | None:
    for name in SPLITS[split]:
        if (directory / name).is_file():
            return directory / name
    return None


def load_conll(path: str | os.PathLike[str], seed: int = 0) -> tuple[NERDataset, NERDataset]:
    """`(train, test)` from a CoNLL directory or file.

    A directory holds `train`, `test` and optionally `valid` files (`train.txt`,
    `valid.txt`/`dev.txt`, `test.txt`, or the `eng.*` names); `valid` becomes
    `train.validation`. A single file is split with a seeded shuffle: 80% train,
    10% validation, 10% test.

    Raises:
        MissingDataError: no such path, or a directory without train and test files.
        DataError: see `read_conll`.
    """
    path = Path(path)
    if path.is_dir():
        train_file, test_file = _find(path, "train"), _find(path, "test")
        if train_file is None or test_file is None:
            raise MissingDataError(
                f"{path}: a CoNLL directory needs a train file ({', '.join(SPLITS['train'])}) "
                f"and a test file ({', '.join(SPLITS['test'])})"
            )
        train, test = read_conll(train_file), read_conll(test_file)
        valid_file = _find(path, "valid")
        if valid_file is not None:
            train.validation = read_conll(valid_file)
        return train, test
    data = read_conll(path)
    if len(data) < 3:
        raise DataError(f"{len(data)} sentence(s): too few to split into train and test", file=path)
    order = np.random.default_rng(seed).permutation(len(data))
    n_test = max(1, int(round(0.1 * len(data))))
    test = data.subset(np.sort(order[:n_test]))
    valid = data.subset(np.sort(order[n_test : 2 * n_test]))
    train = data.subset(np.sort(order[2 * n_test :]))
    train.validation = valid if len(valid) else None
    return train, test
