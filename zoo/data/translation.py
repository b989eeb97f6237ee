"""Sentence pairs for translation: the Tatoeba/ManyThings loader and a held-out split.

The ManyThings (manythings.org/anki, built from Tatoeba) files hold one pair per line::

    English sentence<TAB>translation[<TAB>attribution]

The optional third column (the CC-BY attribution in releases after 2019) is ignored. The
embedded corpus that needs no download is :func:`zoo.data.translation_corpus.generate_translation_corpus`.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from zoo.data.errors import DataError, format_value
from zoo.data.reading import iter_lines

__all__ = ["SentencePairs", "load_sentence_pairs", "split_pairs"]


@dataclass(frozen=True)
class SentencePairs:
    """Parallel sentences: ``targets[i]`` is the translation of ``sources[i]``.

    Attributes:
        sources: Sentences in the source language.
        targets: Their translations, same length as ``sources``.
        source: Where the pairs came from (a file path, or a description of a generator).
    """

    sources: list[str]
    targets: list[str]
    source: str = ""

    def __post_init__(self) -> None:
        if len(self.sources) != len(self.targets):
            raise ValueError(
                f"sources and targets differ in length: {len(self.sources)} != {len(self.targets)}"
            )

    def __len__(self) -> int:
        return len(self.sources)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(zip(self.sources, self.targets, strict=True))

    def subset(self, indices: Sequence[int] | np.ndarray) -> SentencePairs:
        """The pairs at ``indices``, in that order, with the same ``source``."""
        idx = [int(i) for i in indices]
        return SentencePairs(
            [self.sources[i] for i in idx], [self.targets[i] for i in idx], self.source
        )


def load_sentence_pairs(
    path: str | os.PathLike[str], max_pairs: int | None = None, reverse: bool = False
) -> SentencePairs:
    """Read a Tatoeba/ManyThings file (``english<TAB>other[<TAB>attribution]``, UTF-8).

    Blank lines are skipped; a byte-order mark and Windows line endings are accepted;
    surrounding spaces of each sentence are stripped.

    Args:
        path: The text file, e.g. ``spa-eng/spa.txt``.
        max_pairs: Stop after this many pairs (lines after them are not read or checked).
        reverse: Translate *into* English: ``sources`` are the second column and ``targets``
            the English one.

    Returns:
        The pairs in file order; ``source`` is the path as given.

    Raises:
        MissingDataError: ``path`` does not exist.
        DataError: ``path`` is a directory, a device or too large; a line that is too long,
            not valid UTF-8 (see :mod:`zoo.data.reading`), has no tab, has more than three columns or
            an empty sentence (``row`` is the 1-based line number, ``value`` the line); or the
            file holds no pair at all.
    """
    if max_pairs is not None and (
        isinstance(max_pairs, bool) or not isinstance(max_pairs, int | np.integer) or max_pairs < 1
    ):
        raise ValueError(f"max_pairs must be a positive integer or None, got {max_pairs!r}")
    english: list[str] = []
    other: list[str] = []
    with contextlib.closing(iter_lines(path, what="sentence-pair file")) as lines:
        for row, line in lines:
            if max_pairs is not None and len(english) >= max_pairs:
                break
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            fields = line.split("\t")
            if not 2 <= len(fields) <= 3:
                problem = "has no tab" if len(fields) == 1 else f"has {len(fields)} columns"
                raise DataError(
                    f"expected 'english<TAB>translation[<TAB>attribution]' but the line "
                    f"{problem}: {format_value(line)}",
                    file=path,
                    row=row,
                    value=line,
                )
            first, second = fields[0].strip(), fields[1].strip()
            for column, text in enumerate((first, second)):
                if not text:
                    raise DataError(
                        f"empty sentence in line {format_value(line)}",
                        file=path,
                        row=row,
                        column=column,
                        value=line,
                    )
            english.append(first)
            other.append(second)
    if not english:
        raise DataError("the file holds no sentence pairs (it is empty or blank)", file=path)
    if reverse:
        return SentencePairs(other, english, os.fspath(path))
    return SentencePairs(english, other, os.fspath(path))


def _source_key(sentence: str) -> str:
    """Sentences that differ only in case or spacing count as the same source."""
    return " ".join(sentence.casefold().split())


def _test_count(test_size: int | float, total: int) -> int:
    if isinstance(test_size, bool):
        raise TypeError("test_size must be an int or a float, not a bool")
    if isinstance(test_size, float):
        if not 0.0 < test_size < 1.0:
            raise ValueError(f"a fractional test_size must be in (0, 1), got {test_size}")
        count = math.ceil(test_size * total)
    elif isinstance(test_size, int | np.integer):
        count = int(test_size)
    else:
        raise TypeError(f"test_size must be an int or a float, got {type(test_size).__name__}")
    if not 1 <= count < total:
        raise ValueError(
            f"test_size={test_size} gives {count} test pairs out of {total}; need 1..{total - 1}"
        )
    return count


def split_pairs(
    pairs: SentencePairs,
    test_size: int | float,
    seed: int,
    dedupe_sources: bool = True,
) -> tuple[SentencePairs, SentencePairs]:
    """Split pairs into a training and a held-out test set, deterministically from ``seed``.

    Args:
        pairs: The pairs to split.
        test_size: Number of test pairs (``int``) or fraction of all pairs (``float`` in
            (0, 1), rounded up).
        seed: Seed of the NumPy generator that picks the test pairs; the same inputs and seed
            always give the same split.
        dedupe_sources: On by default. Pairs are grouped by source sentence (ignoring case and
            spacing) and whole groups go to one side, so no test source sentence also occurs
            in training (Tatoeba lists many sentences with several translations, e.g.
            ``Go.`` -> ``Ve.``/``Vete.``/``Vaya.``). The test set then holds at least
            ``test_size`` pairs and fewer than ``test_size`` plus the largest group. With
            ``False`` pairs are drawn one by one and the size is exact.

    Returns:
        ``(train, test)``, each in the original order of ``pairs``.
    """
    total = len(pairs)
    if total < 2:
        raise ValueError(f"need at least 2 pairs to split, got {total}")
    count = _test_count(test_size, total)
    rng = np.random.default_rng(seed)
    if not dedupe_sources:
        test_idx = np.sort(rng.permutation(total)[:count])
    else:
        groups: dict[str, list[int]] = {}
        for i, sentence in enumerate(pairs.sources):
            groups.setdefault(_source_key(sentence), []).append(i)
        if len(groups) < 2:
            raise ValueError("all pairs share one source sentence; cannot split without overlap")
        members = list(groups.values())
        chosen: list[int] = []
        for g in rng.permutation(len(members)):
            if len(chosen) >= count:
                break
            chosen.extend(members[g])
        if len(chosen) >= total:
            raise ValueError(
                f"test_size={test_size} would leave no training pairs after deduplication"
            )
        test_idx = np.sort(np.asarray(chosen, dtype=np.int64))
    is_test = np.zeros(total, dtype=bool)
    is_test[test_idx] = True
    return pairs.subset(np.flatnonzero(~is_test)), pairs.subset(test_idx)
