"""Sentiment family: LSTM text classifiers on zoo layers."""

from zoo.family import Family, register_family
from zoo.models.sentiment.preprocessing import TextClassificationPreprocessor
from zoo.models.sentiment.sentiment_classifier import SentimentClassifier
from zoo.registry import register_model

register_family(
    Family(
        task=SentimentClassifier.task,
        hypermodel="tuning.hypermodels.sentiment:SentimentHyperModel",
        export_graphs="export.families.sentiment:graphs",
        runtime="export.runtime.engine:onnx_engine",
        cli="zoo.models.sentiment.cli:COMMAND_LINE",
        preprocessing_schema="zoo.schemas:SENTIMENT_PREPROCESSING",
        task_metric="zoo.models.sentiment.serving:task_metric",
        graphs=("network",),
        summary="Text classification: raw texts in, a label and per-class probabilities out.",
    )
)

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

__all__ = ["SentimentClassifier", "TextClassificationPreprocessor"]
