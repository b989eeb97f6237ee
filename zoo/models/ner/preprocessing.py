"""`NERPreprocessor`: the tagger's preprocessing and decoding, free of TensorFlow.

Raw text -> tokens with character offsets (`tokenize_with_offsets`) -> arrays the
network reads: word ids (lowercased, digits as 0), character ids per word (case kept),
casing classes; emission scores -> tags (Viterbi over the saved transitions, or the
per-token argmax for the softmax head) -> entities with their spans. It is fitted on
training data, saved inside the model (`to_config`) and rebuilt by the runtime
(`from_config`), after validation against `PREPROCESSING_SCHEMA`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from zoo.models.ner.viterbi import allowed_transitions, split_tag, viterbi

__all__ = [
    "PREPROCESSING_SCHEMA",
    "NERPreprocessor",
    "casing_class",
    "entities",
    "tokenize",
    "tokenize_with_offsets",
]

_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|\w+(?:[-'’.&]\w+)*|[^\w\s]")
#: Sentence lengths are padded up to a multiple of this (few distinct shapes to trace).
LENGTH_STEP = 8
PAD, UNK, WORD_PAD = "<pad>", "<unk>", "<word-pad>"
#: Casing classes (0 is padding).
CASINGS = ("<pad>", "lower", "title", "upper", "mixed", "numeric", "other")

_STRINGS = {"type": "array", "items": {"type": "string"}}
_MATRIX = {"type": "array", "items": {"type": "array", "items": {"type": "number"}}}
#: JSON Schema of the saved state (`to_config`).
PREPROCESSING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["words", "chars", "tags", "max_chars", "casing", "decoder"],
    "additionalProperties": False,
    "properties": {
        "words": {**_STRINGS, "minItems": 2, "uniqueItems": True},
        "chars": {**_STRINGS, "minItems": 3, "uniqueItems": True},
        "tags": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": "string", "pattern": "^(O|[BI]-\\S+)$"},
        },
        "max_chars": {"type": "integer", "minimum": 1, "maximum": 256},
        "casing": {"type": "boolean"},
        "decoder": {
            "type": "object",
            "required": ["crf", "constrained"],
            "additionalProperties": False,
            "properties": {
                "crf": {"type": "boolean"},
                "constrained": {"type": "boolean"},
                "transitions": _MATRIX,
                "start": {"type": "array", "items": {"type": "number"}},
                "end": {"type": "array", "items": {"type": "number"}},
            },
        },
    },
}


def tokenize_with_offsets(text: str) -> list[tuple[str, int, int]]:
    """`(token, start, end)` character offsets: abbreviations ("U.S."), words with
    inner hyphens, apostrophes and dots, then single punctuation marks."""
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def tokenize(text: str) -> list[str]:
    return [t for t, _, _ in tokenize_with_offsets(text)]


def normalise_word(token: str) -> str:
    return re.sub(r"\d", "0", token.lower())


def casing_class(token: str) -> int:
    """The index in `CASINGS` of `token`'s casing."""
    if any(c.isdigit() for c in token):
        return CASINGS.index("numeric")
    letters = [c for c in token if c.isalpha()]
    if not letters:
        return CASINGS.index("other")
    if all(c.islower() for c in letters):
        return CASINGS.index("lower")
    if all(c.isupper() for c in letters):
        return CASINGS.index("upper")
    if letters[0].isupper() and all(c.islower() for c in letters[1:]):
        return CASINGS.index("title")
    return CASINGS.index("mixed")


def entities(tokens: Sequence[str], tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """`(type, first token, end token)` of each entity in IOB2 `tags` (an `I-X` that
    starts an entity counts as one, as conlleval does)."""
    found: list[tuple[str, int, int]] = []
    kind, begin = None, 0
    for index, tag in enumerate(list(tags) + ["O"]):
        prefix, this = split_tag(tag)
        if kind is not None and (prefix != "I" or this != kind):
            found.append((kind, begin, index))
            kind = None
        if prefix == "B" or (prefix == "I" and kind is None):
            kind, begin = this, index
    return found


class NERPreprocessor:
    """Vocabularies (words, characters, tags) and the decoder of a tagger.

    Args:
        max_chars: characters kept per word (the first ones).
        casing: whether the network reads casing classes.
        min_count: words seen fewer times in training map to `<unk>`.
    """

    def __init__(self, max_chars: int = 16, casing: bool = True, min_count: int = 1) -> None:
        self.max_chars = int(max_chars)
        self.casing = bool(casing)
        self.min_count = int(min_count)
        self.words: list[str] = []
        self.chars: list[str] = []
        self.tags: list[str] = []
        self.decoder: dict[str, Any] = {"crf": True, "constrained": True}
        self._word_ids: dict[str, int] = {}
        self._char_ids: dict[str, int] = {}

    @property
    def fitted(self) -> bool:
        return bool(self.words)

    @property
    def num_tags(self) -> int:
        return len(self.tags)

    def fit(self, data: Any) -> NERPreprocessor:
        """Vocabularies from a tagged `NERDataset`; returns `self`."""
        counts = Counter(normalise_word(t) for row in data.sentences for t in row)
        words = sorted(
            (w for w, c in counts.items() if c >= self.min_count), key=lambda w: (-counts[w], w)
        )
        chars = Counter(c for row in data.sentences for t in row for c in t)
        kinds = sorted({t.partition("-")[2] for row in data.tags for t in row if t != "O"})
        self.words = [PAD, UNK, *words]
        self.chars = [PAD, UNK, WORD_PAD, *sorted(chars, key=lambda c: (-chars[c], c))]
        self.tags = ["O"] + [f"{p}-{k}" for k in kinds for p in ("B", "I")]
        self._index()
        return self

    def _index(self) -> None:
        self._word_ids = {w: i for i, w in enumerate(self.words)}
        self._char_ids = {c: i for i, c in enumerate(self.chars)}
        self._tag_ids = {t: i for i, t in enumerate(self.tags)}

    def word_id(self, token: str) -> int:
        """The id of a token's normalised word (1, `<unk>`, when unknown)."""
        return self._word_ids.get(normalise_word(token), 1)

    # -- arrays --------------------------------------------------------------
    def padded_length(self, sentences: Sequence[Sequence[str]]) -> int:
        longest = max((len(s) for s in sentences), default=1)
        return max(LENGTH_STEP, -(-longest // LENGTH_STEP) * LENGTH_STEP)

    def transform(
        self, sentences: Sequence[Sequence[str]], length: int | None = None
    ) -> dict[str, np.ndarray]:
        """`{"words", "chars"[, "casing"]}` int32 arrays for tokenised sentences,
        padded to `length` (default: the longest, rounded up to `LENGTH_STEP`)."""
        if not self.fitted:
            raise RuntimeError("the preprocessor has no vocabulary yet: call fit() first")
        length = length or self.padded_length(sentences)
        n = len(sentences)
        words = np.zeros((n, length), np.int32)
        chars = np.zeros((n, length, self.max_chars), np.int32)
        chars[:, :, 0] = self._char_ids[WORD_PAD]
        casing = np.zeros((n, length), np.int32)
        for i, sentence in enumerate(sentences):
            for j, token in enumerate(sentence[:length]):
                words[i, j] = self._word_ids.get(normalise_word(token), 1)
                ids = [self._char_ids.get(c, 1) for c in token[: self.max_chars]] or [1]
                chars[i, j, :] = 0
                chars[i, j, : len(ids)] = ids
                casing[i, j] = casing_class(token)
        arrays = {"words": words, "chars": chars}
        if self.casing:
            arrays["casing"] = casing
        return arrays

    def input_names(self) -> list[str]:
        return ["words", "chars", "casing"] if self.casing else ["words", "chars"]

    def tag_ids(self, tag_rows: Sequence[Sequence[str]], length: int) -> np.ndarray:
        """Tag ids `(N, length)`, -1 on padding; an unknown tag raises `ValueError`."""
        out = np.full((len(tag_rows), length), -1, np.int32)
        for i, row in enumerate(tag_rows):
            for j, tag in enumerate(row[:length]):
                if tag not in self._tag_ids:
                    raise ValueError(f"tag {tag!r} was not seen in training ({self.tags})")
                out[i, j] = self._tag_ids[tag]
        return out

    # -- decoding ------------------------------------------------------------
    def set_decoder(self, crf: bool, constrained: bool, weights=None) -> None:
        """The decoder: `weights` = `(transitions, start, end)` of a CRF."""
        self.decoder = {"crf": bool(crf), "constrained": bool(constrained)}
        if weights is not None:
            transitions, start, end = (np.asarray(w, np.float32) for w in weights)
            self.decoder.update(
                transitions=transitions.tolist(), start=start.tolist(), end=end.tolist()
            )

    def decode(
        self, emissions: np.ndarray, lengths: Sequence[int], weights=None
    ) -> list[list[str]]:
        """Tags per sentence from emission scores `(N, T, K)`: Viterbi with the CRF
        `weights` (default: the saved ones), or the argmax for a softmax head; with
        `constrained`, `I-X` never follows `O` or another type."""
        emissions = np.asarray(emissions, np.float32)
        allowed, allowed_start = allowed_transitions(self.tags)
        if not self.decoder["constrained"]:
            allowed = allowed_start = None
        if self.decoder["crf"]:
            if weights is None:
                weights = (self.decoder["transitions"], self.decoder["start"], self.decoder["end"])
            paths = viterbi(emissions, lengths, *weights, allowed, allowed_start)
        elif allowed is not None:
            k = len(self.tags)
            paths = viterbi(
                emissions,
                lengths,
                np.zeros((k, k)),
                np.zeros(k),
                np.zeros(k),
                allowed,
                allowed_start,
            )
        else:
            paths = [
                np.argmax(row[: int(n)], axis=-1) for row, n in zip(emissions, lengths, strict=True)
            ]
        return [[self.tags[int(i)] for i in path] for path in paths]

    # -- state ---------------------------------------------------------------
    def to_config(self) -> dict[str, Any]:
        return {
            "words": list(self.words),
            "chars": list(self.chars),
            "tags": list(self.tags),
            "max_chars": self.max_chars,
            "casing": self.casing,
            "decoder": dict(self.decoder),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> NERPreprocessor:
        """Inverse of `to_config` (validate against `PREPROCESSING_SCHEMA` first)."""
        out = cls(int(config["max_chars"]), bool(config["casing"]))
        out.words, out.chars, out.tags = (
            list(config["words"]),
            list(config["chars"]),
            list(config["tags"]),
        )
        out.decoder = dict(config["decoder"])
        out._index()
        return out


def check_preprocessing(state: dict[str, Any], file: Any, error: type) -> None:
    """Checks beyond the schema: reserved entries first, and a CRF decoder's matrices
    shaped by the tag count."""
    if state["words"][:2] != [PAD, UNK] or state["chars"][:3] != [PAD, UNK, WORD_PAD]:
        raise error(f"{file}: field 'preprocessing.words'/'chars': reserved entries missing")
    if state["tags"][0] != "O":
        raise error(f"{file}: field 'preprocessing.tags': the first tag must be 'O'")
    decoder = state["decoder"]
    k = len(state["tags"])
    if decoder["crf"]:
        transitions, start, end = (decoder.get(key) for key in ("transitions", "start", "end"))
        if transitions is None or start is None or end is None:
            raise error(
                f"{file}: field 'preprocessing.decoder': a CRF decoder needs transitions, start and end"
            )
        if (
            len(transitions) != k
            or any(len(r) != k for r in transitions)
            or len(start) != k
            or len(end) != k
        ):
            raise error(
                f"{file}: field 'preprocessing.decoder.transitions': expected {k}x{k} "
                f"scores and {k} start and end scores for {k} tags"
            )
