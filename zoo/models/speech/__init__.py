"""Speech family: LSTM-CTC speech recognition (character level) on zoo layers.

    model = zoo.create_model("speech-ctc-bilstm")
    train, test = model.default_data()        # synthetic eSpeak NG speech, held-out voices
    model.fit(train)
    model.evaluate(test)                      # WER and CER, greedy and beam search
    model.predict(["recording.wav"])          # ["three one four"]

The family's contract (`zoo.family`): the TensorFlow-free preprocessor `LogMelFeatures`
(`model.features`: log-mel filterbanks, mean/variance normalisation) and alphabet, CTC
decoding in NumPy (`zoo.models.speech.ctc`), prediction through
`model.infer("network", features)`, and for the streaming model a `stream` graph with
explicit h/c states that `StreamingTranscriber` (`Predictor.stream()`) feeds chunk by chunk.
"""

from zoo.family import Family, register_family
from zoo.models.speech.data import Utterances, load_an4, load_kaldi, load_manifest, load_speech
from zoo.models.speech.features import LogMelFeatures
from zoo.models.speech.recognizer import SpeechRecognizer
from zoo.registry import register_model

__all__ = [
    "LogMelFeatures",
    "SpeechRecognizer",
    "Utterances",
    "load_an4",
    "load_kaldi",
    "load_manifest",
    "load_speech",
]

register_family(
    Family(
        task=SpeechRecognizer.task,
        hypermodel="tuning.hypermodels.speech:SpeechHyperModel",
        export_graphs="export.families.speech:graphs",
        runtime="export.runtime.engine:onnx_engine",
        cli="zoo.models.speech.cli:COMMAND_LINE",
        stream="zoo.models.speech.streaming:StreamingTranscriber",
        preprocessing_schema="zoo.models.speech.features:PREPROCESSING_SCHEMA",
        task_metric="zoo.models.speech.serving:task_metric",
        graphs=("network",),
        optional_graphs=("stream",),
        summary="Speech recognition: audio in, text out (log-mel features, LSTM encoder, "
        "CTC; greedy or prefix beam search decoding).",
    )
)

_LOADERS = (
    "zoo.models.speech.synth.synthetic_speech",
    "zoo.models.speech.load_manifest",
    "zoo.models.speech.load_kaldi",
    "zoo.models.speech.load_an4",
)
_INPUTS = (
    "audio (WAV/FLAC/NIST SPHERE via soundfile, resampled to 16 kHz) -> 40 log-mel "
    "filterbanks every 10 ms, mean/variance normalised"
)

register_model(
    "speech-ctc-bilstm",
    SpeechRecognizer,
    summary="BLSTMP encoder (bidirectional zoo LSTMs with linear projections and 2x frame "
    "subsampling after the first two layers) trained with CTC on characters.",
    inputs=_INPUTS,
    outputs="transcript (characters), from CTC log-posteriors",
    reference="Graves et al., 'Connectionist Temporal Classification', ICML 2006; BLSTMP "
    "encoder as in ESPnet (Watanabe et al., 2018)",
    loaders=_LOADERS,
    bidirectional=True,
)

register_model(
    "speech-ctc-lstm-streaming",
    SpeechRecognizer,
    summary="Unidirectional zoo-LSTM CTC recognizer with projections and frame subsampling; "
    "its `stream` graph transcribes while audio arrives, chunk by chunk.",
    inputs=_INPUTS + " (global statistics, so streaming computes the same features)",
    outputs="transcript (characters); partial transcripts while streaming",
    reference="Graves et al., 'Connectionist Temporal Classification', ICML 2006; Graves, "
    "Mohamed & Hinton, 'Speech recognition with deep recurrent neural networks', 2013",
    loaders=_LOADERS,
    bidirectional=False,
    units=256,
    projection=192,
)
