"""Word-level tokenizer for the translation models (plain Python and NumPy, no TensorFlow).

It is saved with a trained model (``to_config``/``save``) and reloaded at deployment. Text
goes through :func:`normalize_text` and is split into words and punctuation:

* punctuation is split off words (``"world!"`` -> ``world``, ``!``); Spanish ``¿``/``¡`` are
  tokens of their own;
* words keep inner hyphens and apostrophes (``twenty-one``, ``aujourd'hui``, ``don't``),
  except French elided clitics, which become tokens ending in ``'`` (``l'homme`` -> ``l'``,
  ``homme``; ``c'est`` -> ``c'``, ``est``; ``jusqu'à`` -> ``jusqu'``, ``à``);
* numbers keep inner ``. , :`` (``3.5``, ``1,000``, ``8:30``); letters with accents are letters.

:meth:`~TranslationTokenizer.detokenize` glues punctuation back (``"hello , world !"`` ->
``"hello, world!"``, ``"¿ qué ?"`` -> ``"¿qué?"``, ``"l ' homme"`` -> ``"l'homme"``). With
``french_spacing=True`` it keeps French typography, a plain space before ``! ? ; : »`` and
after ``«``. For ordinary text, ``detokenize(tokenize(s)) == normalize_text(s)``.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

_MAX_FILE_BYTES = 64 * 2**20  # a saved tokenizer: a vocabulary of a few MiB at most

__all__ = [
    "END_ID",
    "PAD_ID",
    "RESERVED_TOKENS",
    "START_ID",
    "UNK_ID",
    "TranslationTokenizer",
    "normalize_text",
]

PAD, START, END, UNK = "<pad>", "<start>", "<end>", "<unk>"
RESERVED_TOKENS: tuple[str, ...] = (PAD, START, END, UNK)
PAD_ID, START_ID, END_ID, UNK_ID = 0, 1, 2, 3
_CONFIG_VERSION = 1

_TOKEN_RE = re.compile(
    r"<(?:pad|start|end|unk)>"  # reserved tokens stay whole, so decoded text re-encodes
    r"|\d+(?:[.,:]\d+)+"  # numbers with separators: 3.5, 1,000, 8:30
    r"|(?:[^\W\d_]\.){2,}"  # abbreviations: p.m., L.A., U.S.
    r"|[^\W_]+(?:['-][^\W_]+)*"  # words with inner apostrophes or hyphens
    r"|\.{3}"  # an ellipsis written as three dots
    r"|\S"  # any other visible character
)
_WORD_RE = re.compile(r"[^\W_]")
# French clitics that elide before a vowel: l'homme, c'est, qu'il, jusqu'à, lorsqu'on...
_ELISIONS = frozenset(
    {"c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"}
)
# English contraction endings a lone apostrophe is glued to: "don ' t" -> "don't".
_CONTRACTIONS = frozenset(["s", "t", "d", "m", "ll", "re", "ve"])
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'"})
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_NO_SPACE_BEFORE = frozenset(
    {".", ",", "!", "?", ";", ":", ")", "]", "}", "%", "…", "...", "/", "»", "”", "’"}
)
_NO_SPACE_AFTER = frozenset(["(", "[", "{", "¿", "¡", "«", "“", "‘", "/"])
_CURRENCIES = frozenset(["$", "€", "£", "¥"])  # glued to a following number: $100, €30
_FRENCH_SPACED = frozenset(["!", "?", ";", ":", "»", "«"])


def normalize_text(text: str, *, lowercase: bool = False) -> str:
    """Canonical form of ``text`` used before tokenization and as the round-trip reference.

    Applies Unicode NFC (so accented letters are single code points), maps typographic
    apostrophes (``’ ‘ ʼ ´``) to ``'``, removes zero-width characters and soft hyphens, turns
    every kind of space (including the non-breaking spaces of French typography) into one
    plain space, strips both ends and optionally lowercases.
    """
    text = unicodedata.normalize("NFC", text).translate(_APOSTROPHES).translate(_INVISIBLE)
    text = " ".join(text.split())
    return text.lower() if lowercase else text


def _is_word(token: str) -> bool:
    return bool(_WORD_RE.match(token))


def _split_elisions(token: str) -> list[str]:
    pieces: list[str] = []
    while "'" in token:
        head, tail = token.split("'", 1)
        if head.lower() not in _ELISIONS or not tail:
            break
        pieces.append(head + "'")
        token = tail
    pieces.append(token)
    return pieces


class TranslationTokenizer:
    """Word-level tokenizer with reserved ids ``<pad>``=0, ``<start>``=1, ``<end>``=2, ``<unk>``=3.

    The ids are also class attributes (``TranslationTokenizer.START_ID``...). The reserved
    tokens written in a text (as :meth:`decode` writes ``<unk>``) are read back as themselves.

    Args:
        lowercase: Lowercase text before splitting it (the default).
        french_spacing: Make :meth:`detokenize` write French typography (a space before
            ``! ? ; : »`` and after ``«``). Use it for a French target side.
    """

    PAD_ID, START_ID, END_ID, UNK_ID = PAD_ID, START_ID, END_ID, UNK_ID

    def __init__(self, *, lowercase: bool = True, french_spacing: bool = False) -> None:
        self.lowercase = lowercase
        self.french_spacing = french_spacing
        self._vocab: list[str] = list(RESERVED_TOKENS)
        self._index: dict[str, int] = {tok: i for i, tok in enumerate(self._vocab)}
        self._fitted = False

    @property
    def vocabulary(self) -> list[str]:
        """All tokens in id order, the four reserved tokens first."""
        return list(self._vocab)

    @property
    def vocab_size(self) -> int:
        """Number of ids, reserved tokens included (the size of an embedding table)."""
        return len(self._vocab)

    def token_to_id(self, token: str) -> int:
        """The id of ``token``, or ``UNK_ID`` when it is not in the vocabulary."""
        return self._index.get(token, UNK_ID)

    def id_to_token(self, token_id: int) -> str:
        """The token of ``token_id``; raises ``IndexError`` outside the vocabulary."""
        if not 0 <= token_id < len(self._vocab):
            raise IndexError(
                f"token id {token_id} is outside the vocabulary (size {self.vocab_size})"
            )
        return self._vocab[token_id]

    def fit(
        self, texts: Iterable[str], max_tokens: int | None = None, min_count: int = 1
    ) -> TranslationTokenizer:
        """Build the vocabulary from ``texts``, replacing any previous one.

        Tokens are ordered by decreasing frequency, ties alphabetically, so fitting is
        deterministic. ``max_tokens`` caps the vocabulary size *including* the four reserved
        tokens; tokens seen fewer than ``min_count`` times are left out (they encode as
        ``<unk>``). Returns ``self``.
        """
        if max_tokens is not None and max_tokens <= len(RESERVED_TOKENS):
            raise ValueError(
                f"max_tokens must be greater than {len(RESERVED_TOKENS)}, got {max_tokens}"
            )
        if min_count < 1:
            raise ValueError(f"min_count must be at least 1, got {min_count}")
        if isinstance(texts, str):
            raise TypeError("fit() expects a sequence of texts, not a single string")
        counts = Counter(tok for text in texts for tok in self.tokenize(text))
        for reserved in RESERVED_TOKENS:
            counts.pop(reserved, None)
        words = sorted(
            (t for t, c in counts.items() if c >= min_count), key=lambda t: (-counts[t], t)
        )
        if max_tokens is not None:
            words = words[: max_tokens - len(RESERVED_TOKENS)]
        self._set_vocabulary([*RESERVED_TOKENS, *words])
        return self

    def _set_vocabulary(self, vocab: Sequence[str]) -> None:
        if tuple(vocab[: len(RESERVED_TOKENS)]) != RESERVED_TOKENS:
            raise ValueError(f"a vocabulary must start with the reserved tokens {RESERVED_TOKENS}")
        if len(set(vocab)) != len(vocab):
            raise ValueError("the vocabulary contains duplicate tokens")
        self._vocab = list(vocab)
        self._index = {tok: i for i, tok in enumerate(self._vocab)}
        self._fitted = True

    def tokenize(self, text: str) -> list[str]:
        """Split one text into word and punctuation tokens (see the module docstring)."""
        text = normalize_text(text, lowercase=self.lowercase)
        return [piece for tok in _TOKEN_RE.findall(text) for piece in _split_elisions(tok)]

    def detokenize(self, tokens: str | Sequence[str]) -> str:
        """Join tokens (a list, or one string separated by spaces) into readable text.

        No space goes before ``. , ! ? ; : ) ] } % … »`` nor after ``( [ { ¿ ¡ «``, an elided
        clitic (``l'``) or a currency sign followed by a number (``$100``). Straight quotes
        alternate between opening and closing; a lone ``'`` is glued between a clitic or a
        contraction and a word (``l ' homme``, ``don ' t``) and after a plural possessive
        (``parents ' house``). ``french_spacing`` puts a space before ``! ? ; : »`` and after
        ``«`` instead.
        """
        toks = tokens.split() if isinstance(tokens, str) else [t for t in tokens if t]
        out: list[str] = []
        glue_next = False  # the previous token asked for no space after it
        quote_open = {'"': False, "'": False}
        for i, tok in enumerate(toks):
            prev = toks[i - 1] if i > 0 else ""
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            space = bool(out) and not glue_next
            glue_next = False
            if (
                tok == "'"
                and _is_word(prev)
                and _is_word(nxt)
                and (prev.lower() in _ELISIONS or nxt.lower() in _CONTRACTIONS)
            ):
                space, glue_next = False, True  # l ' homme -> l'homme, don ' t -> don't
            elif tok == "'" and not quote_open[tok] and prev.endswith("s") and _is_word(nxt):
                space = False  # possessive plural: parents ' house -> parents' house
            elif tok in quote_open:
                closing = quote_open[tok]
                quote_open[tok] = not closing
                space, glue_next = (False, False) if closing else (space, True)
            elif not (self.french_spacing and tok in _FRENCH_SPACED):
                if tok in _NO_SPACE_BEFORE:
                    space = False
                if tok in _CURRENCIES and nxt[:1].isdigit():
                    glue_next = True
                if tok in _NO_SPACE_AFTER or (len(tok) > 1 and tok.endswith("'") and _is_word(tok)):
                    glue_next = True
            out.append((" " if space else "") + tok)
        return "".join(out)

    def encode(
        self,
        texts: Sequence[str],
        max_length: int,
        add_start: bool = False,
        add_end: bool = False,
    ) -> np.ndarray:
        """Encode texts as an ``int32`` array of shape ``[len(texts), max_length]``.

        Rows are padded at the end with ``<pad>`` (0). Unknown words become ``<unk>`` (3).
        ``add_start``/``add_end`` wrap each sentence in ``<start>``/``<end>``. A sentence that
        does not fit is cut at the end of its words (the ``<end>`` token, when requested, is
        kept as the last id) and one ``UserWarning`` says how many sentences were cut.
        """
        if isinstance(texts, str):
            raise TypeError("encode() expects a sequence of texts, not a single string")
        if not self._fitted:
            raise RuntimeError("the tokenizer has no vocabulary yet: call fit() or load() first")
        budget = max_length - int(add_start) - int(add_end)
        if budget < 1:
            raise ValueError(f"max_length={max_length} leaves no room for words")
        out = np.full((len(texts), max_length), PAD_ID, dtype=np.int32)
        truncated = 0
        for row, text in enumerate(texts):
            ids = [self._index.get(tok, UNK_ID) for tok in self.tokenize(text)]
            if len(ids) > budget:
                truncated += 1
                ids = ids[:budget]
            ids = [START_ID] * add_start + ids + [END_ID] * add_end
            out[row, : len(ids)] = ids
        if truncated:
            warnings.warn(
                f"{truncated} of {len(texts)} sentences were longer than max_length="
                f"{max_length} tokens and were truncated",
                UserWarning,
                stacklevel=2,
            )
        return out

    def decode(self, ids: Any, skip_special: bool = True) -> list[str]:
        """Turn id sequences (a 2-D array or list of lists; 1-D means one) back into texts.

        Each sequence stops at its first ``<end>``. With ``skip_special`` the ``<pad>``,
        ``<start>`` and ``<end>`` tokens are left out; ``<unk>`` is always kept so a reader
        can see that a word was not known.
        """
        rows = np.asarray(ids)
        if rows.ndim == 1:
            rows = rows[None, :]
        if rows.ndim != 2:
            raise ValueError(f"expected a 1-D or 2-D array of ids, got shape {rows.shape}")
        texts: list[str] = []
        for row in rows.tolist():
            tokens: list[str] = []
            for token_id in row:
                tok = self.id_to_token(int(token_id))
                if token_id == END_ID:
                    if not skip_special:
                        tokens.append(tok)
                    break
                if not (skip_special and token_id in (PAD_ID, START_ID)):
                    tokens.append(tok)
            texts.append(self.detokenize(tokens))
        return texts

    def to_config(self) -> dict[str, Any]:
        """A JSON-serialisable dict holding the options and the whole vocabulary."""
        return {
            "version": _CONFIG_VERSION,
            "lowercase": self.lowercase,
            "french_spacing": self.french_spacing,
            "vocabulary": list(self._vocab),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> TranslationTokenizer:
        """Rebuild a tokenizer from :meth:`to_config` output."""
        if config.get("version") != _CONFIG_VERSION:
            raise ValueError(f"unsupported tokenizer config version {config.get('version')!r}")
        tok = cls(
            lowercase=bool(config["lowercase"]), french_spacing=bool(config["french_spacing"])
        )
        tok._set_vocabulary([str(t) for t in config["vocabulary"]])
        return tok

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the config as UTF-8 JSON to ``path``; returns the path."""
        target = Path(path)
        with open(target, "w", encoding="utf-8") as fh:
            json.dump(self.to_config(), fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        return target

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> TranslationTokenizer:
        """Read a tokenizer written by :meth:`save` (a regular file of at most 64 MiB)."""
        from zoo.data.reading import check_data_file

        checked = check_data_file(path, max_bytes=_MAX_FILE_BYTES, what="tokenizer file")
        with open(checked, encoding="utf-8") as fh:
            return cls.from_config(json.load(fh))

    def __repr__(self) -> str:
        return (
            f"TranslationTokenizer(vocab_size={self.vocab_size}, lowercase={self.lowercase}, "
            f"french_spacing={self.french_spacing})"
        )
