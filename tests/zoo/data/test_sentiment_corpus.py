"""The generated sentiment corpus: determinism, balance, and labels by construction."""

from __future__ import annotations

import re

import numpy as np
import pytest

from zoo.data import generate_sentiment_corpus


def test_deterministic_and_seed_dependent() -> None:
    a = generate_sentiment_corpus(200, seed=3)
    b = generate_sentiment_corpus(200, seed=3)
    c = generate_sentiment_corpus(200, seed=4)
    assert a.texts == b.texts and np.array_equal(a.labels, b.labels)
    assert a.texts != c.texts
    assert a.source == "generated:seed=3" and len(a) == 200


@pytest.mark.parametrize("num_classes", [2, 3])
def test_balanced_and_varied(num_classes: int) -> None:
    data = generate_sentiment_corpus(1500, seed=0, num_classes=num_classes)
    counts = np.bincount(data.labels, minlength=num_classes)
    assert data.num_classes == num_classes and counts.min() > 0.8 * 1500 / num_classes
    assert len(set(data.texts)) > 0.98 * len(data)
    words = {w for t in data.texts for w in re.findall(r"[a-z']+", t.lower())}
    assert len(words) > 150


def test_structures_present() -> None:
    texts = " ".join(generate_sentiment_corpus(2000, seed=1).texts).lower()
    for marker in (" not ", "n't", " but ", "although", "neither", "not only", " very "):
        assert marker in texts, marker


POSITIVE = {"good", "great", "excellent", "superb", "brilliant", "wonderful"}
NEGATIVE = {"bad", "terrible", "awful", "boring", "dull", "dreadful"}
CONTRAST = re.compile(r"\b(but|yet|however|although|though|neither|only|true|wrong|and)\b")


def _polarity(word: str) -> int | None:
    return 1 if word in POSITIVE else 0 if word in NEGATIVE else None


def test_labels_follow_negation_and_contrast() -> None:
    """Spot-check labels on patterns whose meaning is unambiguous."""
    data = generate_sentiment_corpus(5000, seed=2)
    checked = {"plain": 0, "negated": 0, "contrast": 0, "neither": 0}
    for text, label in zip(data.texts, data.labels.tolist(), strict=True):
        lower = text.lower()
        simple = not CONTRAST.search(lower)
        plain = re.search(r"\b(?:is|was|are|were) (?:very |really |extremely )?(\w+)[.!]", lower)
        if simple and plain and _polarity(plain.group(1)) is not None:
            assert label == _polarity(plain.group(1)), text
            checked["plain"] += 1
        negated = re.search(r"\b(?:is|was|are|were)(?: not|n't) (\w+)[.!]", lower)
        if simple and negated and _polarity(negated.group(1)) is not None:
            assert label == 1 - _polarity(negated.group(1)), text  # "not bad" is positive
            checked["negated"] += 1
        contrast = re.search(r"\b(\w+) \w+,? (?:but|yet) (\w+) \w+[.!]", lower)
        if contrast and _polarity(contrast.group(2)) is not None:
            assert label == _polarity(contrast.group(2)), text  # the clause after "but" decides
            checked["contrast"] += 1
        neither = re.search(r"neither .* nor .* was (\w+)[.!]", lower)
        if neither and _polarity(neither.group(1)) is not None:
            assert label == 1 - _polarity(neither.group(1)), text
            checked["neither"] += 1
    assert min(checked.values()) >= 10, checked


def test_three_classes_have_neutral_and_mixed() -> None:
    data = generate_sentiment_corpus(600, seed=0, num_classes=3)
    assert data.label_names == ["negative", "neutral", "positive"]
    neutral = [t.lower() for t, y in zip(data.texts, data.labels, strict=True) if y == 1]
    assert any(" and " in t for t in neutral) and any("neither" in t for t in neutral)


def test_argument_checks() -> None:
    with pytest.raises(ValueError, match="num_classes"):
        generate_sentiment_corpus(10, num_classes=5)
    assert len(generate_sentiment_corpus(0)) == 0
