"""SentimentClassifier specifics: multi-class labels, preprocessing edge cases."""

import numpy as np
import pytest

import zoo
from zoo.data.sentiment_corpus import generate_sentiment_corpus

TINY = {"units": 8, "embedding_dim": 8, "max_length": 12, "epochs": 2}


def test_multi_class_labels_and_report():
    data = generate_sentiment_corpus(400, seed=3, num_classes=3)
    model = zoo.create_model("sentiment-bilstm", **TINY)
    model.fit(data.subset(np.arange(300)), verbose=0)
    report = model.evaluate(data.subset(np.arange(300, 400)))
    assert len(report["label_names"]) == 3
    assert np.asarray(report["model"]["confusion_matrix"]).shape == (3, 3)
    assert np.asarray(report["model"]["confusion_matrix"]).sum() == 100
    assert 0.0 <= report["bag_of_words"]["macro_f1"] <= 1.0
    probabilities = model.predict_proba(["a fine film", "dull"])
    assert probabilities.shape == (2, 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_unknown_empty_and_long_texts():
    data = generate_sentiment_corpus(200, seed=4)
    model = zoo.create_model("sentiment-lstm", **TINY)
    model.fit(data, verbose=0)
    ids = model.encode(["", "qwertyuiop asdfgh", "good " * 50])
    assert ids.shape == (3, 12)
    assert (ids[0] == 0).all()  # empty: all padding
    assert set(ids[1][:2]) == {1} and (ids[1][2:] == 0).all()  # unknown words: <unk>
    assert (ids[2] != 0).all()  # long: truncated to max_length, no padding
    predictions = model.predict(["qwertyuiop asdfgh", "good " * 50])
    assert [set(p["probabilities"]) for p in predictions] == [set(data.label_names)] * 2
    with pytest.raises(ValueError, match="text 0 .*empty"):  # issue 12: no "positive 0.50"
        model.predict(["", "good"])
