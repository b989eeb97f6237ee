"""Checks of the texts a sentiment classifier trains on or predicts for.

An empty text encodes to all padding, and the network then answers with its bias (e.g.
"positive 0.50") as if it had read something; a training set of one class gives a model
that is always "right". These checks raise :class:`zoo.data.errors.DataError` instead,
naming the text's index (or the data source).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from zoo.data.errors import DataError, format_value

__all__ = ["check_predict_texts", "check_training_data"]


def check_predict_texts(texts: Any) -> list[str]:
    """``texts`` as a list of strings, each with something in it.

    Unknown words are fine (they map to ``<unk>``); only texts that are empty or hold
    nothing but whitespace are refused.

    Raises:
        ValueError: No texts at all.
        TypeError: Not a list of texts, or an item that is not a string.
        DataError: An empty or whitespace-only text, naming its 0-based index.
    """
    if isinstance(texts, str):
        items = [texts]
    else:
        try:
            items = list(texts)
        except TypeError:
            raise TypeError(
                f"predict takes a list of strings; received a {type(texts).__name__}"
            ) from None
    if not items:
        raise ValueError("nothing to predict: the list of texts is empty")
    for index, text in enumerate(items):
        if not isinstance(text, str):
            raise TypeError(f"text {index} is a {type(text).__name__}, not a string")
        if not text.strip():
            raise DataError(
                f"text {index} (0-based) is empty or only whitespace: there is nothing to classify"
            )
    return items


def check_training_data(
    texts: Sequence[str], labels: np.ndarray, label_names: Sequence[str], source: str
) -> None:
    """Refuse training data a classifier cannot learn from.

    Raises:
        DataError: No texts, an empty text (naming its index), or fewer than 2 classes
            present among the labels.
    """
    if not len(texts):
        raise DataError("no training texts", file=source or None)
    for index, text in enumerate(texts):
        if not str(text).strip():
            raise DataError(
                f"training text {index} (0-based) is empty or only whitespace",
                file=source or None,
            )
    present = np.unique(labels)
    if present.size < 2:
        name = label_names[int(present[0])] if present.size else None
        raise DataError(
            f"every training text has the class {format_value(name)}: a classifier needs "
            "at least 2 classes to learn from",
            file=source or None,
        )
