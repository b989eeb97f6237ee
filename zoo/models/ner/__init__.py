"""Named-entity recognition: BiLSTM-CRF and BiLSTM-softmax taggers on zoo layers."""

from zoo.family import Family, register_family
from zoo.models.ner.conll import NERDataset, load_conll, read_conll
from zoo.models.ner.preprocessing import NERPreprocessor
from zoo.models.ner.tagger import EntityTagger
from zoo.registry import register_model

register_family(
    Family(
        task=EntityTagger.task,
        hypermodel="tuning.hypermodels.ner:NERHyperModel",
        export_graphs="export.families.ner:graphs",
        runtime="export.runtime.engine:onnx_engine",
        cli="zoo.models.ner.cli:COMMAND_LINE",
        preprocessing_schema="zoo.models.ner.preprocessing:PREPROCESSING_SCHEMA",
        check_preprocessing="zoo.models.ner.preprocessing:check_preprocessing",
        task_metric="zoo.models.ner.serving:task_metric",
        derived_outputs="zoo.models.ner.verification:decoded_paths",
        graphs=("network",),
        summary="Named-entity recognition: raw text in, entities with types and "
        "character spans out (CoNLL PER, LOC, ORG, MISC or any tag set).",
    )
)

_LOADERS = ("zoo.models.ner.corpus.generate_ner_corpus", "zoo.models.ner.conll.load_conll")

register_model(
    "ner-bilstm-crf",
    EntityTagger,
    summary="Word, character-BiLSTM and casing features, a BiLSTM and a CRF (Viterbi decoding).",
    inputs="raw texts (the model's own tokenizer and vocabularies, saved with it)",
    outputs="entities: type, text and character span; IOB2 tags per token",
    reference="Lample et al. 2016 (LSTM-CRF); Huang, Xu & Yu 2015 (BiLSTM-CRF)",
    loaders=_LOADERS,
    crf=True,
)

register_model(
    "ner-bilstm",
    EntityTagger,
    summary="The same BiLSTM features with a per-token softmax head (no CRF).",
    inputs="raw texts (the model's own tokenizer and vocabularies, saved with it)",
    outputs="entities: type, text and character span; IOB2 tags per token",
    reference="Lample et al. 2016 (the BiLSTM baseline without CRF)",
    loaders=_LOADERS,
    crf=False,
)

__all__ = ["EntityTagger", "NERDataset", "NERPreprocessor", "load_conll", "read_conll"]
