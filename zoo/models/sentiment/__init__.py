"""Sentiment family: LSTM text classifiers on zoo layers."""

from zoo.models.sentiment.sentiment_classifier import SentimentClassifier
from zoo.registry import register_model

_LOADERS = (
    "zoo.data.generate_sentiment_corpus",
    "zoo.data.load_sst2",
    "zoo.data.load_text_table",
    "zoo.data.load_imdb",
)

register_model(
    "sentiment-lstm",
    SentimentClassifier,
    summary="Word embedding and one LSTM layer; binary or multi-class sentiment.",
    inputs="raw texts (the model's own tokenizer, saved with it)",
    outputs="class label and per-class probabilities",
    reference="Hochreiter & Schmidhuber 1997; Tai, Socher & Manning 2015 (SST baselines)",
    loaders=_LOADERS,
    layers=1,
    bidirectional=False,
)

register_model(
    "sentiment-bilstm",
    SentimentClassifier,
    summary="Word embedding and two stacked bidirectional LSTM layers.",
    inputs="raw texts (the model's own tokenizer, saved with it)",
    outputs="class label and per-class probabilities",
    reference="Graves & Schmidhuber 2005 (bidirectional LSTM); Tai et al. 2015 (2-layer LSTM)",
    loaders=_LOADERS,
    layers=2,
    bidirectional=True,
    units=48,
)

__all__ = ["SentimentClassifier"]
