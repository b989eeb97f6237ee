"""Preprocessing in plain Python + NumPy (no TensorFlow), usable at deployment time."""

from zoo.preprocessing.scaling import StandardScaler
from zoo.preprocessing.text import PAD, PAD_ID, UNK, UNK_ID, Tokenizer, Vocabulary, tokenize
from zoo.preprocessing.windows import (
    calendar_feature_names,
    calendar_features,
    chronological_split,
    make_windows,
    rolling_origin_splits,
    window_origins,
)

__all__ = [
    "PAD",
    "PAD_ID",
    "UNK",
    "UNK_ID",
    "StandardScaler",
    "Tokenizer",
    "Vocabulary",
    "calendar_feature_names",
    "calendar_features",
    "chronological_split",
    "make_windows",
    "rolling_origin_splits",
    "tokenize",
    "window_origins",
]
