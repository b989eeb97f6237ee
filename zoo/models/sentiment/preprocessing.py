"""`TextClassificationPreprocessor`: the sentiment family's preprocessing, free of TensorFlow.

Texts -> token ids `(N, max_length)` with the project's own word tokenizer
(`zoo.preprocessing.text.Tokenizer`), and class probabilities -> labels. It is fitted
on training data, saved inside the model (`to_config`) and rebuilt by the runtime
(`from_config`), so a bundle preprocesses exactly as the Keras model did:

    preprocessor = TextClassificationPreprocessor(max_length=48).fit(train)
    ids = preprocessor.transform(["not bad at all"])      # int32 [1, 48]
    preprocessor.inverse_transform(probabilities)         # [{"label": ..., ...}]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from zoo.models.sentiment.checks import check_training_data
from zoo.preprocessing.text import Tokenizer

__all__ = ["TextClassificationPreprocessor"]


class TextClassificationPreprocessor:
    """The tokenizer, the class names and the sequence length of a text classifier.

    Args:
        max_length: token ids per text (longer texts keep their first `max_length`
            tokens, shorter ones are post-padded with 0).
        max_tokens: vocabulary size `fit` keeps, reserved tokens included (None: all).
        tokenizer: a fitted tokenizer (otherwise call `fit`).
        label_names: the class names, in class-index order.
    """

    def __init__(
        self,
        max_length: int,
        max_tokens: int | None = None,
        tokenizer: Tokenizer | None = None,
        label_names: Sequence[str] = (),
    ) -> None:
        self.max_length = int(max_length)
        self.max_tokens = max_tokens
        self.tokenizer = tokenizer
        self.label_names: list[str] = list(label_names)

    @property
    def fitted(self) -> bool:
        return self.tokenizer is not None

    @property
    def vocab_size(self) -> int:
        """Token ids, reserved ones included (the embedding's input dimension)."""
        return self._require_tokenizer().vocab_size

    @property
    def num_classes(self) -> int:
        return len(self.label_names)

    def fit(self, data: Any) -> TextClassificationPreprocessor:
        """Fits the vocabulary and takes the class names of labelled `data` (a
        `zoo.data.TextDataset`); returns `self`.

        Raises:
            ValueError: unlabelled texts.
            zoo.data.errors.DataError: no texts, an empty text (naming its index) or
                fewer than 2 classes present.
        """
        if not data.is_labelled:
            raise ValueError(f"{data.source}: every training text needs a label.")
        check_training_data(data.texts, data.labels, data.label_names, data.source)
        self.label_names = list(data.label_names)
        self.tokenizer = Tokenizer().fit(data.texts, max_tokens=self.max_tokens)
        return self

    def transform(self, texts: str | Iterable[str]) -> np.ndarray:
        """Token ids `int32 (N, max_length)` for raw texts (unknown words are `<unk>`,
        an empty text is all padding)."""
        return self._require_tokenizer().encode(texts, self.max_length)

    encode = transform

    def arrays(self, data: Any) -> tuple[np.ndarray, np.ndarray]:
        """`(ids, labels)` of labelled `data`, as the network trains on them."""
        return self.transform(data.texts), np.asarray(data.labels)

    def inverse_transform(self, probabilities: np.ndarray) -> list[dict[str, Any]]:
        """For each row of class probabilities: `{"label": name, "probabilities": {name: p}}`."""
        rows = np.asarray(probabilities)
        return [
            {
                "label": self.label_names[int(np.argmax(row))],
                "probabilities": {n: float(p) for n, p in zip(self.label_names, row)},
            }
            for row in rows
        ]

    def to_config(self) -> dict[str, Any]:
        """JSON-serialisable state (the `preprocessing` of `zoo_model.json`)."""
        return {
            "tokenizer": self.tokenizer.to_config() if self.tokenizer else None,
            "label_names": list(self.label_names),
            "max_length": self.max_length,
        }

    @classmethod
    def from_config(
        cls, config: dict[str, Any], max_tokens: int | None = None
    ) -> TextClassificationPreprocessor:
        """Inverse of `to_config`."""
        return cls(
            max_length=int(config["max_length"]),
            max_tokens=max_tokens,
            tokenizer=Tokenizer.from_config(config["tokenizer"]),
            label_names=list(config["label_names"]),
        )

    def _require_tokenizer(self) -> Tokenizer:
        if self.tokenizer is None:
            raise RuntimeError("the preprocessor has no vocabulary yet: call fit() first")
        return self.tokenizer

    def __repr__(self) -> str:
        size = self.tokenizer.vocab_size if self.tokenizer else "unfitted"
        return (
            f"<TextClassificationPreprocessor max_length={self.max_length} vocabulary={size} "
            f"labels={self.label_names}>"
        )
