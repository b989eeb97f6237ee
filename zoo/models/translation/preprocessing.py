"""`TranslationPreprocessor`: the translation family's preprocessing, free of TensorFlow.

One `TranslationTokenizer` per side, fitted on the training pairs and saved inside the
model (`to_config`), rebuilt by the runtime (`from_config`):

    preprocessor = TranslationPreprocessor(24, 24).fit(pairs)
    source = preprocessor.transform(["We bought twelve books."])    # int32 [1, 24]
    target_in, labels = preprocessor.encode_targets(pairs.targets)  # teacher forcing
    preprocessor.inverse_transform(decoded_ids)                     # detokenized text

`batches` groups encoded pairs of similar lengths for training (NumPy only).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from zoo.preprocessing.translation_text import END_ID, PAD_ID, START_ID, TranslationTokenizer

__all__ = ["TranslationPreprocessor", "check_sentences"]


def check_sentences(sentences: Any) -> list[str]:
    """`sentences` as a non-empty list of strings (one string is one sentence; an empty
    sentence is allowed: it is all padding and still gets a translation).

    Raises:
        TypeError: not a list of strings, naming the first item that is not one.
        ValueError: no sentences at all.
    """
    if isinstance(sentences, str):
        return [sentences]
    try:
        items = list(sentences)
    except TypeError:
        raise TypeError(
            f"predict takes a list of sentences (strings); received a {type(sentences).__name__}"
        ) from None
    if not items:
        raise ValueError("nothing to predict: the list of sentences is empty")
    for index, sentence in enumerate(items):
        if not isinstance(sentence, str):
            raise TypeError(f"sentence {index} is a {type(sentence).__name__}, not a string")
    return items


class TranslationPreprocessor:
    """The source and target tokenizers of a translator, and its length limits.

    Args:
        max_source_length: source ids per sentence (longer ones are cut, with a warning).
        max_target_length: target words per sentence (decoding stops one token later).
        max_tokens: vocabulary cap per side, reserved tokens included (None: all).
        lowercase: lowercase both sides before tokenizing.
        source_tokenizer, target_tokenizer: fitted tokenizers (otherwise call `fit`).
    """

    def __init__(
        self,
        max_source_length: int,
        max_target_length: int,
        max_tokens: int | None = None,
        lowercase: bool = False,
        source_tokenizer: TranslationTokenizer | None = None,
        target_tokenizer: TranslationTokenizer | None = None,
    ) -> None:
        self.max_source_length = int(max_source_length)
        self.max_target_length = int(max_target_length)
        self.max_tokens = max_tokens
        self.lowercase = bool(lowercase)
        self.source_tokenizer = source_tokenizer
        self.target_tokenizer = target_tokenizer

    @property
    def fitted(self) -> bool:
        return self.source_tokenizer is not None and self.target_tokenizer is not None

    def fit(self, data: Any) -> TranslationPreprocessor:
        """Fits both vocabularies on all of `data`'s pairs (`zoo.data.SentencePairs`).

        Raises:
            ValueError: fewer than 2 pairs.
        """
        if len(data) < 2:
            raise ValueError(f"{data.source or 'data'}: need at least 2 sentence pairs to train.")
        self.source_tokenizer = TranslationTokenizer(lowercase=self.lowercase).fit(
            data.sources, max_tokens=self.max_tokens
        )
        self.target_tokenizer = TranslationTokenizer(lowercase=self.lowercase).fit(
            data.targets, max_tokens=self.max_tokens
        )
        return self

    def _require(self) -> None:
        if not self.fitted:
            raise RuntimeError("the preprocessor has no vocabulary yet: call fit() first")

    def transform(self, sentences: Sequence[str]) -> np.ndarray:
        """Source ids `int32 (N, max_source_length)`; longer sentences are cut, with a
        warning."""
        self._require()
        return self.source_tokenizer.encode(list(sentences), self.max_source_length)

    def encode_targets(self, sentences: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Decoder inputs (`<start> y...`) and labels (`y... <end>`), each
        `(N, max_target_length + 1)`."""
        self._require()
        ids = self.target_tokenizer.encode(
            list(sentences), self.max_target_length + 2, add_start=True, add_end=True
        )
        inputs = ids[:, :-1].copy()
        inputs[inputs == END_ID] = PAD_ID
        return inputs, ids[:, 1:].copy()

    def detokenize(self, ids: Sequence[int]) -> str:
        """One decoded id sequence as text (reserved tokens other than `<unk>` dropped)."""
        self._require()
        tokenizer = self.target_tokenizer
        words = [tokenizer.id_to_token(i) for i in ids if i not in (PAD_ID, START_ID, END_ID)]
        return tokenizer.detokenize(words)

    def inverse_transform(self, rows: Sequence[Sequence[int]]) -> list[str]:
        """Decoded target id sequences as detokenized sentences."""
        return [self.detokenize(row) for row in rows]

    @staticmethod
    def batches(
        source_ids: np.ndarray,
        target_in: np.ndarray,
        labels: np.ndarray,
        batch_size: int,
        rng: np.random.Generator,
        shuffle: bool = True,
    ) -> Iterator[tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]]:
        """Training batches `({"source", "target_in"}, labels, weights)` of similar
        lengths, each trimmed to its longest sentence; the weights average over the real
        (non-padding) target tokens."""
        src_len = (source_ids != PAD_ID).sum(axis=1)
        tgt_len = (labels != PAD_ID).sum(axis=1)
        noise = rng.random(len(labels)) if shuffle else np.zeros(len(labels))
        order = np.lexsort((noise, src_len, tgt_len))
        batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
        if shuffle:
            batches = [batches[i] for i in rng.permutation(len(batches))]
        for idx in batches:
            s = max(1, int(src_len[idx].max()))
            t = int(tgt_len[idx].max())
            weights = (labels[idx, :t] != PAD_ID).astype(np.float32)
            weights *= weights.size / weights.sum()  # a mean over real tokens
            yield (
                {"source": source_ids[idx, :s], "target_in": target_in[idx, :t]},
                labels[idx, :t],
                weights,
            )

    def to_config(self) -> dict[str, Any]:
        """JSON-serialisable state (the `preprocessing` of `zoo_model.json`)."""
        self._require()
        return {
            "source_tokenizer": self.source_tokenizer.to_config(),
            "target_tokenizer": self.target_tokenizer.to_config(),
        }

    @classmethod
    def from_config(
        cls,
        config: dict[str, Any],
        max_source_length: int,
        max_target_length: int,
        max_tokens: int | None = None,
        lowercase: bool = False,
    ) -> TranslationPreprocessor:
        """Inverse of `to_config`; the limits are the model's hyperparameters."""
        return cls(
            max_source_length,
            max_target_length,
            max_tokens,
            lowercase,
            TranslationTokenizer.from_config(config["source_tokenizer"]),
            TranslationTokenizer.from_config(config["target_tokenizer"]),
        )

    def __repr__(self) -> str:
        sizes = (
            f"{self.source_tokenizer.vocab_size}/{self.target_tokenizer.vocab_size}"
            if self.fitted
            else "unfitted"
        )
        return (
            f"<TranslationPreprocessor vocabularies={sizes} max_source_length="
            f"{self.max_source_length} max_target_length={self.max_target_length}>"
        )
