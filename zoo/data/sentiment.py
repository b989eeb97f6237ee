"""Sentiment data: GLUE SST-2, generic text/label tables, and Keras' IMDB reviews.

All loaders return a :class:`TextDataset`. Problems in a file raise
:class:`zoo.data.errors.DataError` with the file, row (1-based editor line), column and value.
The generated corpus lives in :mod:`zoo.data.sentiment_corpus`; IMDB in
:mod:`zoo.data.imdb`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from zoo.data.errors import DataError, format_value
from zoo.data.paths import resolve_data_path
from zoo.data.tables import find_column, read_records

__all__ = ["SST2_LABEL_NAMES", "TextDataset", "load_sst2", "load_text_table"]

SST2_LABEL_NAMES = ["negative", "positive"]
_SST2_FILES = {"train": "train.tsv", "dev": "dev.tsv", "validation": "dev.tsv", "test": "test.tsv"}
_TEXT_NAMES = ("text", "sentence", "review", "content", "document", "tweet", "comment")
_LABEL_NAMES = ("label", "labels", "sentiment", "class", "polarity", "target", "y")
_MAX_LABEL_VALUES = 50  # more distinct values than this in a column: not a label column
_STRAY_MIN_ROWS = 20  # from this many rows on, a class seen once is refused as a stray


@dataclass
class TextDataset:
    """Texts with integer class labels.

    Attributes:
        texts: The raw texts (surrounding whitespace stripped).
        labels: ``int64`` array ``[N]`` of class indices into ``label_names``; ``-1`` marks
            an unlabelled example (e.g. the SST-2 test split).
        label_names: Class names, index ``i`` naming label ``i``.
        source: Where the data came from.
    """

    texts: list[str]
    labels: np.ndarray
    label_names: list[str]
    source: str

    def __post_init__(self) -> None:
        self.texts = list(self.texts)
        self.labels = np.asarray(self.labels, dtype=np.int64).reshape(-1)
        if len(self.labels) != len(self.texts):
            raise ValueError(f"{len(self.texts)} texts but {len(self.labels)} labels")
        if self.labels.size and self.labels.max() >= len(self.label_names):
            raise ValueError(
                f"label {int(self.labels.max())} has no name in label_names={self.label_names}"
            )

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def num_classes(self) -> int:
        """Number of classes (``len(label_names)``)."""
        return len(self.label_names)

    @property
    def is_labelled(self) -> bool:
        """True when every example has a label (no ``-1``)."""
        return bool((self.labels >= 0).all())

    def subset(self, indices: Sequence[int] | np.ndarray | slice) -> TextDataset:
        """A new dataset with the examples at ``indices`` (a slice, indices or a mask)."""
        picked = np.arange(len(self))[indices]
        return TextDataset(
            [self.texts[i] for i in picked],
            self.labels[picked].copy(),
            list(self.label_names),
            self.source,
        )


def load_sst2(
    path_or_dir: str | os.PathLike[str] | None = None, split: str = "train"
) -> TextDataset:
    """Load a GLUE SST-2 split.

    The GLUE files are tab-separated with a header, ``sentence\\tlabel`` for ``train.tsv``
    and ``dev.tsv`` (label ``0`` negative, ``1`` positive). Each sentence carries a trailing
    space in the original files; it is stripped. ``test.tsv`` is unlabelled
    (``index\\tsentence``): its ``labels`` are all ``-1`` and ``is_labelled`` is false.

    Args:
        path_or_dir: A ``.tsv`` file, the ``SST-2`` folder, a datasets folder holding
            ``SST-2/``, or ``None`` to look under ``$LSTM_ZOO_DATA_DIR``.
        split: ``"train"``, ``"dev"`` (alias ``"validation"``) or ``"test"``; used only when
            a directory is given.

    Raises:
        DataError: Unexpected header, wrong delimiter, bad field count or a label other than
            0/1, naming the row.
    """
    if split not in _SST2_FILES:
        raise ValueError(f"split must be one of {sorted(_SST2_FILES)}, got {split!r}")
    path = resolve_data_path(path_or_dir, f"SST-2/{_SST2_FILES[split]}")
    records = read_records(path, "\t", min_columns=2)
    header = [h.strip().lower() for h in records.rows[0]]
    body, lines = records.rows[1:], records.lines[1:]
    source = f"SST-2/{path.name}"
    if header == ["index", "sentence"]:
        texts = _texts([row[1] for row in body], lines, path=path, column="sentence")
        return TextDataset(texts, np.full(len(texts), -1), list(SST2_LABEL_NAMES), source)
    if header != ["sentence", "label"]:
        raise DataError(
            "unexpected SST-2 header; expected 'sentence<TAB>label' (train/dev) or "
            f"'index<TAB>sentence' (test), found {format_value(chr(9).join(records.rows[0]))}",
            file=path,
            row=1,
        )
    labels = np.empty(len(body), dtype=np.int64)
    for i, (row, line) in enumerate(zip(body, lines, strict=True)):
        value = row[1].strip()
        if value not in ("0", "1"):
            raise DataError(
                f"label {format_value(row[1])} is not one of the known classes "
                "0 (negative), 1 (positive)",
                file=path,
                row=line,
                column="label",
                value=row[1],
            )
        labels[i] = int(value)
    texts = _texts([row[0] for row in body], lines, path=path, column="sentence")
    return TextDataset(texts, labels, list(SST2_LABEL_NAMES), source)


def _texts(
    values: Sequence[str], lines: Sequence[int], *, path: str | os.PathLike[str], column: str | int
) -> list[str]:
    """Stripped texts; an empty (or whitespace-only) text raises naming its row."""
    texts = [value.strip() for value in values]
    for text, line in zip(texts, lines, strict=True):
        if not text:
            raise DataError(
                "empty text (nothing to learn from); fill it in or drop the row",
                file=path,
                row=line,
                column=column,
            )
    return texts


def _check_label_names(label_names: Sequence[str]) -> list[str]:
    if isinstance(label_names, str) or not isinstance(label_names, Sequence):
        raise TypeError(f"label_names must be a list of class names, got {label_names!r}")
    names = [str(n) for n in label_names]
    if len(names) < 2:
        raise ValueError(f"label_names must name at least 2 classes, got {names}")
    if len(set(names)) != len(names) or any(not n.strip() for n in names):
        raise ValueError(f"label_names must be distinct, non-empty names, got {names}")
    return names


def _looks_like_labels(distinct: int, rows: int) -> bool:
    """Whether a column with ``distinct`` values in ``rows`` rows can be a guessed label."""
    return distinct <= _MAX_LABEL_VALUES and not (rows >= 4 and distinct > rows / 2)


def _check_classes(
    labels: np.ndarray,
    classes: Sequence[str],
    lines: Sequence[int],
    *,
    path: str | os.PathLike[str],
    column: str | int,
) -> None:
    """Refuse label columns that would train a silently wrong classifier.

    Called when the classes are inferred from the file (no ``label_names``): one class
    only; nearly as many classes as rows (an id, author or text column, not a label);
    or a stray class (seen once in a file of ``_STRAY_MIN_ROWS`` rows or more, or fewer
    than 3 times and in under 1% of the rows, e.g. a typo), named with its first row.
    """
    rows = len(labels)
    counts = np.bincount(labels, minlength=len(classes))
    if len(classes) < 2:
        raise DataError(
            f"the label column holds a single class {format_value(classes[0])} in all {rows} "
            "rows; a classifier needs at least 2 classes (is this the label column?)",
            file=path,
            column=column,
        )
    if rows >= _STRAY_MIN_ROWS and len(classes) > rows / 2:
        raise DataError(
            f"the label column has {len(classes)} distinct values in {rows} rows, nearly one "
            "per row: it does not hold class labels (an id, author or text column?); name "
            "the label column 'label' in the header (or pass label_column=)",
            file=path,
            column=column,
        )
    for k in np.argsort(counts, kind="stable"):
        count = int(counts[k])
        if (count == 1 and rows >= _STRAY_MIN_ROWS) or (count < 3 and count < rows / 100):
            first = lines[int(np.flatnonzero(labels == k)[0])]
            raise DataError(
                f"class {format_value(classes[k])} occurs only {count} time"
                f"{'s' if count > 1 else ''} in {rows} rows (a stray label?); fix or drop "
                "the row, or pass label_names= to declare the classes",
                file=path,
                row=first,
                column=column,
                value=classes[k],
            )


def _guess_label_column(rows: Sequence[Sequence[str]], exclude: int | None) -> int:
    """The column with the fewest distinct values (ties: shortest values, then rightmost)."""
    scores = []
    for j in range(len(rows[0])):
        if j == exclude:
            continue
        cells = [row[j].strip() for row in rows]
        scores.append((len(set(cells)), float(np.mean([len(c) for c in cells])), -j))
    return -min(scores)[2]


def _guess_text_column(rows: Sequence[Sequence[str]], exclude: int) -> int:
    """The column with the longest mean length, other than ``exclude``."""
    lengths = [
        (np.mean([len(row[j]) for row in rows]), -j) for j in range(len(rows[0])) if j != exclude
    ]
    return -max(lengths)[1]


def _detect_header(
    rows: Sequence[Sequence[str]],
    text_column: str | int | None,
    label_column: str | int | None,
    label_names: Sequence[str] | None,
) -> bool:
    """Heuristic header detection for :func:`load_text_table` (see its docstring)."""
    if isinstance(text_column, str) or isinstance(label_column, str):
        return True
    first = [cell.strip().lower() for cell in rows[0]]
    if any(cell in _TEXT_NAMES or cell in _LABEL_NAMES for cell in first):
        return True
    body = rows[1:201]
    if not body:
        return False
    if isinstance(label_column, int):
        j = label_column
    else:
        j = _guess_label_column(body, exclude=text_column if isinstance(text_column, int) else None)
    values = {row[j].strip() for row in body}
    if label_names is not None:
        known = set(label_names) | {str(i) for i in range(len(label_names))}
        return rows[0][j].strip() not in known and values <= known
    return len(values) <= _MAX_LABEL_VALUES and rows[0][j].strip() not in values


def _encode_labels(
    values: Sequence[str],
    lines: Sequence[int],
    label_names: Sequence[str] | None,
    *,
    path: str | os.PathLike[str],
    column: str | int,
) -> tuple[np.ndarray, list[str]]:
    """Map label strings to class indices; see :func:`load_text_table`."""
    stripped = [v.strip() for v in values]
    for value, line in zip(stripped, lines, strict=True):
        if not value:
            raise DataError("empty label", file=path, row=line, column=column, value=value)
    if label_names is None:
        distinct = set(stripped)
        if all(v.lstrip("-").isdigit() for v in distinct):
            ints = sorted({int(v) for v in distinct})  # 0..K-1 stay as they are
            rank = {value: k for k, value in enumerate(ints)}
            return np.array([rank[int(v)] for v in stripped], dtype=np.int64), [
                str(i) for i in ints
            ]
        names = sorted(distinct)
        rank_of = {name: k for k, name in enumerate(names)}
        return np.array([rank_of[v] for v in stripped], dtype=np.int64), names
    names = _check_label_names(label_names)
    index = {name: i for i, name in enumerate(names)}
    labels = np.empty(len(stripped), dtype=np.int64)
    for i, (value, line) in enumerate(zip(stripped, lines, strict=True)):
        if value in index:
            labels[i] = index[value]
        elif value.isdigit() and int(value) < len(names):
            labels[i] = int(value)
        else:
            raise DataError(
                f"label {format_value(values[i])} is not one of the known classes "
                f"{', '.join(map(repr, names))} (or their indices 0..{len(names) - 1})",
                file=path,
                row=line,
                column=column,
                value=values[i],
            )
    return labels, names


def load_text_table(
    path: str | os.PathLike[str],
    text_column: str | int | None = None,
    label_column: str | int | None = None,
    delimiter: str | None = None,
    header: bool | None = None,
    label_names: Sequence[str] | None = None,
) -> TextDataset:
    """Load texts and labels from a CSV/TSV file, with or without a header.

    Args:
        path: The file (UTF-8).
        text_column: Header name or 0-based index of the text column. ``None``: a column
            named text/sentence/review/content/..., else the column with the longest values.
        label_column: Header name or 0-based index of the label column. ``None``: a column
            named label/sentiment/class/polarity/target, else the column with the fewest
            distinct values (ties: the shortest values), provided it looks like a label
            column: at most 50 distinct values, and (from 4 rows on) at most one per two
            rows. A text+author file, say, is refused rather than trained on authors.
        delimiter: ``None`` infers it from the extension (``.csv`` comma, ``.tsv`` tab) or
            sniffs it. Tab-separated files are read without quote processing.
        header: ``None`` auto-detects: a header is assumed when a column is given by name,
            when a first-row cell is a usual column name (``text``, ``label``, ...), or when
            the first row's label cell is not among the label values below it. Without a
            header, columns are addressed by 0-based index.
        label_names: Known classes. A label matches a name exactly, or is an integer index
            into the list; anything else raises :class:`DataError` with its row. Without
            it, integer labels ``0..K-1`` are kept as they are, other integers are mapped in
            sorted order, and string labels are sorted alphabetically to form the classes.
            Classes inferred this way are checked: a single class, nearly one class per
            row (from 20 rows on, more classes than half the rows), or a stray class (seen
            once in 20 or more rows, or fewer than 3 times and in under 1% of the rows) is
            refused, the stray one with its first row.

    Raises:
        DataError: Empty file, wrong delimiter, missing column, unknown or empty label,
            empty text, no plausible label column, or the class problems above.
    """
    records = read_records(path, delimiter, min_columns=2)
    rows, lines = records.rows, records.lines
    has_header = (
        _detect_header(rows, text_column, label_column, label_names) if header is None else header
    )
    names = [c.strip() for c in rows[0]] if has_header else None
    body, body_lines = (rows[1:], lines[1:]) if has_header else (rows, lines)
    if not body:
        raise DataError("the file has a header but no data rows", file=path, row=2)
    width = len(rows[0])

    def locate(column: str | int | None, candidates: tuple[str, ...], role: str) -> int | None:
        if column is not None:
            return find_column(names, column, path=path, width=width, role=role)
        if names is not None:
            for name in candidates:
                if name in (n.lower() for n in names):
                    return [n.lower() for n in names].index(name)
        return None

    label_idx = locate(label_column, _LABEL_NAMES, "label column")
    text_idx = locate(text_column, _TEXT_NAMES, "text column")
    sample = body[:200]
    guessed = label_idx is None
    if label_idx is None:
        label_idx = _guess_label_column(sample, exclude=text_idx)
    if text_idx is None:
        text_idx = _guess_text_column(sample, exclude=label_idx)
    if text_idx == label_idx:
        raise ValueError(f"text and label columns are the same column ({text_idx})")
    column_name: str | int = names[label_idx] if names is not None else label_idx
    if guessed and label_names is None:
        distinct = len({row[label_idx].strip() for row in body})
        if not _looks_like_labels(distinct, len(body)):
            raise DataError(
                f"no label column: none is named {'/'.join(_LABEL_NAMES)}, and the column "
                f"with the fewest distinct values has {distinct} in {len(body)} rows, which "
                "are not class labels; name the label column 'label' in the header "
                "(or pass label_column=)",
                file=path,
                column=column_name,
            )
    labels, classes = _encode_labels(
        [row[label_idx] for row in body], body_lines, label_names, path=path, column=column_name
    )
    if label_names is None:
        _check_classes(labels, classes, body_lines, path=path, column=column_name)
    text_name: str | int = names[text_idx] if names is not None else text_idx
    texts = _texts([row[text_idx] for row in body], body_lines, path=path, column=text_name)
    return TextDataset(texts, labels, classes, str(path))


def __getattr__(name: str) -> object:
    # Keep ``from zoo.data.sentiment import load_imdb, generate_sentiment_corpus`` working
    # without importing those modules (and Keras) eagerly.
    if name == "load_imdb":
        from zoo.data.imdb import load_imdb

        return load_imdb
    if name == "generate_sentiment_corpus":
        from zoo.data.sentiment_corpus import generate_sentiment_corpus

        return generate_sentiment_corpus
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
