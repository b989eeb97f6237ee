"""Every registered model has a search space, and each default space is pinned here.

Driven by `zoo.list_models()`: a newly registered model fails `test_every_model_is_pinned`
until its space is written down below.
"""

import keras_tuner
import pytest

import tuning
import zoo
from tuning.hypermodels import (
    ForecastingHyperModel,
    SentimentHyperModel,
    SpeechHyperModel,
    TranslationHyperModel,
)
from tuning.hypermodels.ner import NERHyperModel

LR = ("Float", 1e-4, 1e-2, "log")
SENTIMENT = {
    "embedding_dim": ("Choice", [16, 32, 64, 128]),
    "units": ("Int", 16, 128, 16),
    "layers": ("Int", 1, 2, 1),
    "bidirectional": ("Boolean",),
    "dropout": ("Choice", [0.0, 0.1, 0.2, 0.3, 0.5]),
    "recurrent_dropout": ("Choice", [0.0, 0.1, 0.2]),
    "learning_rate": LR,
    "batch_size": ("Choice", [32, 64, 128]),
}
FORECASTING = {
    "input_width": ("Choice", [24, 48, 96, 168]),
    "units": ("Int", 16, 128, 16),
    "layers": ("Int", 1, 2, 1),
    "dropout": ("Choice", [0.0, 0.1, 0.2, 0.3]),
    "learning_rate": ("Float", 3e-4, 1e-2, "log"),
    "batch_size": ("Choice", [32, 64, 128]),
    "skip": ("Choice", ["seasonal", "last", "none"]),
    "relative": ("Boolean",),
    "calendar": ("Boolean",),
}
TRANSLATION = {
    "embedding_dim": ("Choice", [32, 64, 128, 256]),
    "units": ("Int", 64, 512, 64),
    "attention": ("Choice", ["luong", "bahdanau"]),
    "dropout": ("Choice", [0.0, 0.1, 0.2, 0.3]),
    "learning_rate": ("Float", 3e-4, 1e-2, "log"),
    "batch_size": ("Choice", [32, 64, 128]),
}
NER = {
    "word_dim": ("Choice", [32, 64, 100]),
    "char_units": ("Choice", [16, 24, 32, 50]),
    "casing": ("Boolean",),
    "units": ("Int", 32, 256, 32),
    "layers": ("Int", 1, 2, 1),
    "dropout": ("Choice", [0.0, 0.2, 0.3, 0.5]),
    "unk_replace": ("Choice", [0.0, 0.3, 0.5]),
    "learning_rate": ("Float", 1e-3, 1e-2, "log"),
    "batch_size": ("Choice", [16, 32, 64]),
}
NER_DEFAULTS = {
    "word_dim": 64, "char_units": 24, "casing": True, "units": 64, "layers": 1,
    "dropout": 0.3, "unk_replace": 0.3, "learning_rate": 3e-3, "batch_size": 32,
}  # fmt: skip
SPEECH = {
    "units": ("Choice", [64, 128, 192, 256, 320]),
    "layers": ("Int", 2, 4, 1),
    "projection": ("Choice", [64, 128, 192, 256, 320]),
    "frame_stacking": ("Choice", [1, 2, 3]),
    "subsample_layers": ("Int", 0, 2, 1),
    "dropout": ("Choice", [0.0, 0.1, 0.2, 0.3]),
    "learning_rate": ("Float", 3e-4, 5e-3, "log"),
    "batch_size": ("Choice", [16, 32, 64]),
    "speed_perturbation": ("Choice", [0.0, 0.1]),
    "noise_snr": ("Choice", [0.0, 10.0, 15.0, 20.0]),
    "time_masks": ("Choice", [0, 1, 2]),
    "freq_masks": ("Choice", [0, 1, 2]),
}
SPEECH_DEFAULTS = {
    "units": 128, "layers": 3, "projection": 128, "frame_stacking": 2, "subsample_layers": 1,
    "dropout": 0.1, "learning_rate": 3e-3, "batch_size": 64, "speed_perturbation": 0.1,
    "noise_snr": 15.0, "time_masks": 2, "freq_masks": 2,
}  # fmt: skip
FORECAST_DEFAULTS = {
    "input_width": 168, "units": 64, "layers": 1, "dropout": 0.0, "learning_rate": 1e-3,
    "batch_size": 64, "skip": "seasonal", "relative": True, "calendar": True,
}  # fmt: skip
#: model -> (hypermodel class, objective, direction, space, default point)
PINNED = {
    "sentiment-lstm": (
        SentimentHyperModel, "val_accuracy", "max", SENTIMENT,
        {"embedding_dim": 64, "units": 64, "layers": 1, "bidirectional": False, "dropout": 0.2,
         "recurrent_dropout": 0.0, "learning_rate": 3e-3, "batch_size": 64},
    ),
    "sentiment-bilstm": (
        SentimentHyperModel, "val_accuracy", "max", SENTIMENT,
        {"embedding_dim": 64, "units": 48, "layers": 2, "bidirectional": True, "dropout": 0.2,
         "recurrent_dropout": 0.0, "learning_rate": 3e-3, "batch_size": 64},
    ),
    "forecast-lstm": (ForecastingHyperModel, "val_loss", "min", FORECASTING, FORECAST_DEFAULTS),
    "forecast-quantile-lstm": (
        ForecastingHyperModel, "val_loss", "min", FORECASTING, FORECAST_DEFAULTS,
    ),
    "ner-bilstm-crf": (NERHyperModel, "val_f1", "max", NER, NER_DEFAULTS),
    "ner-bilstm": (NERHyperModel, "val_f1", "max", NER, NER_DEFAULTS),
    "stock-return-lstm": (
        ForecastingHyperModel, "val_loss", "min",
        {**FORECASTING, "input_width": ("Choice", [5, 10, 21, 42])},
        {**FORECAST_DEFAULTS, "input_width": 21, "units": 32, "dropout": 0.1, "skip": "none",
         "relative": False},
    ),
    "stock-volatility-lstm": (
        ForecastingHyperModel, "val_loss", "min",
        {**FORECASTING, "input_width": ("Choice", [15, 31, 63, 126])},
        {**FORECAST_DEFAULTS, "input_width": 63, "units": 32, "skip": "last",
         "learning_rate": 3e-4, "calendar": False},
    ),
    "translation-attention-lstm": (
        TranslationHyperModel, "val_loss", "min", TRANSLATION,
        {"embedding_dim": 128, "units": 256, "attention": "luong", "dropout": 0.1,
         "learning_rate": 3e-3, "batch_size": 64},
    ),
    "speech-ctc-bilstm": (SpeechHyperModel, "val_cer", "min", SPEECH, SPEECH_DEFAULTS),
    "speech-ctc-lstm-streaming": (
        SpeechHyperModel, "val_cer", "min", SPEECH,
        {**SPEECH_DEFAULTS, "units": 256, "projection": 192},
    ),
}  # fmt: skip


def describe(p) -> tuple:
    kind = type(p).__name__
    if kind == "Choice":
        return (kind, list(p.values))
    if kind == "Int":
        return (kind, p.min_value, p.max_value, p.step)
    if kind == "Float":
        return (kind, p.min_value, p.max_value, p.sampling)
    return (kind,)


#: hypermodel class -> the family's task metric recorded per trial, and its direction
TASK_METRICS = {
    SentimentHyperModel: ("accuracy", "max"),
    ForecastingHyperModel: ("mae_vs_naive", "min"),
    TranslationHyperModel: ("bleu", "max"),
    NERHyperModel: ("f1", "max"),
    SpeechHyperModel: ("cer", "min"),
}


def test_every_model_is_pinned():
    assert sorted(PINNED) == zoo.list_models(), "pin the search space of every registered model"


@pytest.mark.parametrize("name", zoo.list_models())
def test_default_space(name):
    klass, objective, direction, space, defaults = PINNED[name]
    hm = tuning.hypermodel_for(name)
    assert type(hm) is klass
    assert (hm.objective.name, hm.objective.direction) == (objective, direction)
    assert (hm.task_metric, hm.task_direction) == TASK_METRICS[klass]
    hp = keras_tuner.HyperParameters()
    chosen = hm.space(hp)
    assert [p.name for p in hp.space] == list(space)  # names and declaration order
    assert {p.name: describe(p) for p in hp.space} == space
    assert {p.name: p.default for p in hp.space} == defaults
    assert chosen == defaults  # a fresh HyperParameters gives the default point
    registered = zoo.model_card(name)["hyperparameters"]
    for key, value in defaults.items():  # the default point is the registered model
        assert registered[key] == (None if value == "none" else value), key


def test_fixed_hyperparameters_leave_the_search():
    hm = tuning.hypermodel_for("sentiment-lstm", fixed={"units": 8, "max_length": 16})
    hp = keras_tuner.HyperParameters()
    hm.space(hp)
    units = next(p for p in hp.space if p.name == "units")
    assert type(units).__name__ == "Fixed" and units.value == 8
    model = hm.create(hm.default_choices())
    assert model.hparams["units"] == 8 and model.hparams["max_length"] == 16


def test_unknown_names():
    with pytest.raises(zoo.UnknownModelError, match="sentiment-lstm"):
        tuning.hypermodel_for("sentimnt-lstm")
    with pytest.raises(ValueError, match="unitz"):
        tuning.hypermodel_for("sentiment-lstm", fixed={"unitz": 3})
