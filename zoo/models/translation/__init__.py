"""Translation family: an attentional LSTM encoder-decoder on zoo layers."""

from zoo.family import Family, register_family
from zoo.models.translation.preprocessing import TranslationPreprocessor
from zoo.models.translation.seq2seq_translator import Seq2SeqTranslator
from zoo.registry import register_model

register_family(
    Family(
        task=Seq2SeqTranslator.task,
        hypermodel="tuning.hypermodels.translation:TranslationHyperModel",
        export_graphs="export.families.translation:graphs",
        runtime="export.runtime.engine:onnx_engine",
        cli="zoo.models.translation.cli:COMMAND_LINE",
        preprocessing_schema="zoo.schemas:TRANSLATION_PREPROCESSING",
        task_metric="zoo.models.translation.serving:task_metric",
        graphs=("encoder", "decoder_step"),
        summary="Sentence translation: source sentences in, detokenized translations out.",
    )
)

_LOADERS = (
    "zoo.data.translation_corpus.generate_translation_corpus",
    "zoo.data.translation.load_sentence_pairs",
)

register_model(
    "translation-attention-lstm",
    Seq2SeqTranslator,
    summary=(
        "Bidirectional LSTM encoder, LSTM decoder with Luong or Bahdanau attention; "
        "greedy or beam-search decoding."
    ),
    inputs="source-language sentences (the model's own word tokenizers, saved with it)",
    outputs="translated sentences (detokenized text); attention weights per output token",
    reference=(
        "Bahdanau, Cho & Bengio 2015 (additive attention); "
        "Luong, Pham & Manning 2015 (multiplicative attention, attentional hidden state)"
    ),
    loaders=_LOADERS,
)

__all__ = ["Seq2SeqTranslator", "TranslationPreprocessor"]
