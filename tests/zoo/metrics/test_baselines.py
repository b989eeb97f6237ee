"""Naive forecasting baselines and the bag-of-words sentiment baseline."""

from __future__ import annotations

import re

import numpy as np
import pytest

from zoo.baselines import BagOfWordsClassifier, naive_forecast, seasonal_naive_forecast
from zoo.data import generate_sentiment_corpus
from zoo.preprocessing.windows import make_windows


def test_naive_forecast_series_and_windows() -> None:
    np.testing.assert_array_equal(naive_forecast([1.0, 2.0, 3.0], 2), [3.0, 3.0])
    series = np.arange(12.0).reshape(6, 2)
    assert naive_forecast(series, 3).shape == (3, 2)
    x, y = make_windows(series, input_width=3, horizon=2, target_index=1)
    forecast = naive_forecast(x, 2, target_index=1)
    assert forecast.shape == y.shape == (2, 2, 1)
    np.testing.assert_array_equal(forecast[:, :, 0], [[5, 5], [7, 7]])


def test_seasonal_naive_forecast() -> None:
    history = [1.0, 2.0, 3.0, 10.0, 20.0, 30.0]
    np.testing.assert_array_equal(
        seasonal_naive_forecast(history, 5, season=3), [10, 20, 30, 10, 20]
    )
    windows = np.arange(2 * 4 * 1, dtype=float).reshape(2, 4, 1)  # [[0..3], [4..7]]
    out = seasonal_naive_forecast(windows, 3, season=2)
    np.testing.assert_array_equal(out[:, :, 0], [[2, 3, 2], [6, 7, 6]])
    with pytest.raises(ValueError, match="fewer than season"):
        seasonal_naive_forecast([1.0], 2, season=2)


def test_bag_of_words_learns_simple_and_is_deterministic() -> None:
    texts = ["good film", "great film", "bad film", "awful film"] * 5
    labels = [1, 1, 0, 0] * 5
    clf = BagOfWordsClassifier(epochs=200).fit(texts, labels)
    assert clf.predict(["good", "awful"]).tolist() == [1, 0]
    proba = clf.predict_proba(["great film", "unseen words"])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    again = BagOfWordsClassifier(epochs=200).fit(texts, labels)
    np.testing.assert_array_equal(again.weights_, clf.weights_)
    assert clf.top_tokens(1, k=2)[0][0] in {"good", "great"}


def _structure(text: str) -> str:
    lower = text.lower()
    if re.search(r"\b(but|yet|however|although|though)\b", lower):
        return "contrast"
    if re.search(r"\b(not|never|hardly)\b|n't|n\u2019t|neither|wrong", lower):
        return "negation"
    return "plain"


def test_bag_of_words_fails_on_negation_and_contrast() -> None:
    """Order-blind features solve plain reviews but not negation/contrast.

    Measured (4000 train / 2000 held-out, seeds 0/1): 0.60 held-out accuracy overall;
    0.86 on plain reviews, 0.37 on negated ones and 0.53 on contrasts.
    """
    train = generate_sentiment_corpus(4000, seed=0)
    test = generate_sentiment_corpus(2000, seed=1)
    clf = BagOfWordsClassifier().fit(train.texts, train.labels)
    predictions = clf.predict(test.texts)
    correct = predictions == test.labels
    kinds = np.array([_structure(t) for t in test.texts])
    assert correct.mean() < 0.9
    assert correct.mean() > 0.55  # it does learn something
    assert correct[kinds == "plain"].mean() > 0.8
    assert correct[kinds == "contrast"].mean() < 0.7
    assert correct[kinds == "negation"].mean() < 0.7
