"""Word tokenisation and vocabularies in plain Python + NumPy (no TensorFlow).

Splitting rules (:func:`tokenize`), applied after lowercasing and mapping typographic
apostrophes (’ ‘) to ``'``:

* the negation clitic is split off Penn-Treebank style, as in SST-2: ``"didn't"`` ->
  ``["did", "n't"]``, ``"can't"`` -> ``["ca", "n't"]``, ``"won't"`` -> ``["wo", "n't"]``, so
  every negation shares the token ``n't``; SST-2's pre-split ``"does n't"`` gives the same;
* other clitics become tokens of their own: ``"it's"`` -> ``["it", "'s"]`` (also ``'re``,
  ``'ve``, ``'ll``, ``'d``, ``'m``);
* words are runs of letters/digits, keeping inner hyphens (``"well-made"``) and decimal
  points (``"7.5"``);
* every other non-space character is a token, with repeats kept together (``"..."``,
  ``"!!"``, ``"--"``);
* the reserved tokens ``<pad>`` and ``<unk>`` written in a text stay single tokens, so
  decoded text (e.g. Keras IMDB reviews with ``<unk>``) round-trips.

Ids: ``<pad>`` = 0, ``<unk>`` = 1, then the vocabulary by decreasing count (ties in
alphabetical order, so fitting is deterministic).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

_MAX_FILE_BYTES = 64 * 2**20  # a saved tokenizer: a vocabulary of a few MiB at most

__all__ = ["PAD", "PAD_ID", "UNK", "UNK_ID", "Tokenizer", "Vocabulary", "tokenize"]

PAD, UNK = "<pad>", "<unk>"
PAD_ID, UNK_ID = 0, 1
_TOKEN_RE = re.compile(
    r"<pad>|<unk>"  # reserved tokens
    r"|[^\W_]+(?=n't\b)"  # "did" in "didn't"
    r"|n't\b"  # the negation clitic
    r"|'(?:s|re|ve|ll|d|m)\b"  # other clitics
    r"|[^\W_]+(?:[-.][^\W_]+)*"  # words, "well-made", "7.5"
    r"|([^\w\s]|_)\1*"  # punctuation runs: "...", "!!", "__"
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


def tokenize(text: str, lowercase: bool = True) -> list[str]:
    """Split ``text`` into tokens (see the module docstring for the rules)."""
    text = text.translate(_APOSTROPHES)
    if lowercase:
        text = text.lower()
    return [match.group(0) for match in _TOKEN_RE.finditer(text)]


class Vocabulary:
    """A token <-> id mapping with ``<pad>`` = 0 and ``<unk>`` = 1.

    Args:
        tokens: The vocabulary in id order, starting with ``<pad>``, ``<unk>``; if they are
            missing they are prepended.
    """

    def __init__(self, tokens: Sequence[str] = ()) -> None:
        tokens = list(tokens)
        if tokens[:2] != [PAD, UNK]:
            tokens = [PAD, UNK] + [t for t in tokens if t not in (PAD, UNK)]
        if len(set(tokens)) != len(tokens):
            raise ValueError("vocabulary tokens must be unique")
        self._tokens = tokens
        self._ids = {token: i for i, token in enumerate(tokens)}

    @classmethod
    def from_counts(
        cls, counts: Counter[str], max_tokens: int | None = None, min_count: int = 1
    ) -> Vocabulary:
        """Build from token counts: most frequent first, ties alphabetical.

        Args:
            counts: Token frequencies.
            max_tokens: Total size including ``<pad>`` and ``<unk>`` (as in Keras'
                ``TextVectorization``); ``None`` for no limit. Must be >= 2.
            min_count: Drop tokens seen fewer times.
        """
        if max_tokens is not None and max_tokens < 2:
            raise ValueError(f"max_tokens must be >= 2 (pad and unk), got {max_tokens}")
        if min_count < 1:
            raise ValueError(f"min_count must be >= 1, got {min_count}")
        ranked = sorted(
            (t for t, c in counts.items() if c >= min_count and t not in (PAD, UNK)),
            key=lambda t: (-counts[t], t),
        )
        if max_tokens is not None:
            ranked = ranked[: max_tokens - 2]
        return cls([PAD, UNK, *ranked])

    def __len__(self) -> int:
        return len(self._tokens)

    def __contains__(self, token: object) -> bool:
        return token in self._ids

    @property
    def tokens(self) -> list[str]:
        """All tokens in id order (a copy)."""
        return list(self._tokens)

    def id(self, token: str) -> int:
        """Id of ``token``, or ``UNK_ID``."""
        return self._ids.get(token, UNK_ID)

    def token(self, index: int) -> str:
        """Token with id ``index`` (``<unk>`` for ids out of range)."""
        return self._tokens[index] if 0 <= index < len(self._tokens) else UNK


class Tokenizer:
    """Text -> fixed-length id matrices, and back; JSON-serialisable.

    Example::

        tok = Tokenizer().fit(train_texts, max_tokens=20000)
        x = tok.encode(train_texts, max_length=64)  # int32 [N, 64]
        tok.save("tokenizer.json"); tok = Tokenizer.load("tokenizer.json")

    Args:
        lowercase: Lowercase before splitting.
        vocabulary: An existing vocabulary; otherwise call :meth:`fit`.
    """

    def __init__(self, lowercase: bool = True, vocabulary: Vocabulary | None = None) -> None:
        self.lowercase = lowercase
        self.vocabulary = vocabulary

    @property
    def vocab_size(self) -> int:
        """Number of ids, reserved tokens included (the embedding's input dimension)."""
        return len(self._require_vocabulary())

    def tokenize(self, text: str) -> list[str]:
        """Tokens of one text, with this tokenizer's lowercasing."""
        return tokenize(text, self.lowercase)

    def fit(
        self, texts: Iterable[str], max_tokens: int | None = None, min_count: int = 1
    ) -> Tokenizer:
        """Build the vocabulary from ``texts`` (see :meth:`Vocabulary.from_counts`).

        Returns ``self``.
        """
        counts: Counter[str] = Counter()
        for text in _as_texts(texts):
            counts.update(self.tokenize(text))
        self.vocabulary = Vocabulary.from_counts(counts, max_tokens, min_count)
        return self

    def encode(self, texts: str | Iterable[str], max_length: int) -> np.ndarray:
        """Encode texts as ``int32 [N, max_length]``.

        Sequences are post-padded with ``<pad>`` (0) and truncated to their first
        ``max_length`` tokens; unknown words become ``<unk>`` (1); an empty text is all pads.
        A single string is treated as one text (``N = 1``).
        """
        if max_length < 1:
            raise ValueError(f"max_length must be >= 1, got {max_length}")
        vocabulary = self._require_vocabulary()
        texts = _as_texts(texts)
        out = np.full((len(texts), max_length), PAD_ID, dtype=np.int32)
        for row, text in enumerate(texts):
            ids = [vocabulary.id(t) for t in self.tokenize(text)[:max_length]]
            out[row, : len(ids)] = ids
        return out

    def decode(self, ids: Sequence[int] | np.ndarray) -> str | list[str]:
        """Ids back to space-joined tokens, padding dropped.

        A 1-D input gives one string, a 2-D input a list of strings.
        """
        vocabulary = self._require_vocabulary()
        array = np.asarray(ids)
        if array.ndim == 1:
            return " ".join(vocabulary.token(int(i)) for i in array if int(i) != PAD_ID)
        if array.ndim == 2:
            return [str(self.decode(row)) for row in array]
        raise ValueError(f"decode expects 1-D or 2-D ids, got shape {array.shape}")

    def to_config(self) -> dict[str, Any]:
        """A JSON-serialisable description (``from_config`` rebuilds the tokenizer)."""
        return {
            "class_name": "Tokenizer",
            "version": 1,
            "lowercase": self.lowercase,
            "tokens": self._require_vocabulary().tokens,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Tokenizer:
        """Rebuild a tokenizer from :meth:`to_config` output."""
        if config.get("class_name") != "Tokenizer":
            raise ValueError(f"not a Tokenizer config: class_name={config.get('class_name')!r}")
        return cls(bool(config["lowercase"]), Vocabulary(config["tokens"]))

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_config` as UTF-8 JSON; returns the path."""
        path = Path(path)
        path.write_text(json.dumps(self.to_config(), ensure_ascii=False), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Tokenizer:
        """Read a tokenizer written by :meth:`save` (a regular file of at most 64 MiB)."""
        from zoo.data.reading import check_data_file

        checked = check_data_file(path, max_bytes=_MAX_FILE_BYTES, what="tokenizer file")
        return cls.from_config(json.loads(checked.read_text(encoding="utf-8")))

    def _require_vocabulary(self) -> Vocabulary:
        if self.vocabulary is None:
            raise RuntimeError("the tokenizer has no vocabulary yet: call fit() first")
        return self.vocabulary


def _as_texts(texts: str | Iterable[str]) -> list[str]:
    if isinstance(texts, str):
        return [texts]
    texts = list(texts)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"texts[{i}] is {type(text).__name__}, expected str")
    return texts
