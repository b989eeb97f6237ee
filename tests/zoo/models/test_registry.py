"""The registry: names, patterns, cards, overrides and suggestions."""

import pytest

import zoo
from zoo.models.sentiment import SentimentClassifier
from zoo.registry import register_model


def test_families_are_registered():
    names = zoo.list_models()
    assert {"sentiment-lstm", "sentiment-bilstm"} <= set(names)
    assert names == sorted(names)


def test_pattern_filters():
    assert zoo.list_models("sentiment-*") == ["sentiment-bilstm", "sentiment-lstm"]
    assert zoo.list_models("no-such-*") == []


def test_unknown_name_suggests_close_matches():
    with pytest.raises(zoo.UnknownModelError, match=r"Did you mean 'sentiment-lstm'"):
        zoo.create_model("sentimnt-lstm")
    with pytest.raises(KeyError):
        zoo.model_card("nothing-like-it-at-all")


def test_model_card_fields():
    card = zoo.model_card("sentiment-bilstm")
    assert card["task"] == "sentiment"
    for key in ("inputs", "outputs", "reference", "loaders", "hyperparameters", "summary"):
        assert card[key], key
    assert card["hyperparameters"]["bidirectional"] is True
    assert card["hyperparameters"]["layers"] == 2
    assert "zoo.data.load_sst2" in card["loaders"]


def test_create_model_overrides_and_rejects_unknown_hyperparameters():
    model = zoo.create_model("sentiment-lstm", units=12)
    assert model.hparams["units"] == 12 and model.hparams["bidirectional"] is False
    assert model.name == "sentiment-lstm"
    with pytest.raises(ValueError, match="no hyperparameter 'unitz'"):
        zoo.create_model("sentiment-lstm", unitz=12)


def test_register_model_guards():
    with pytest.raises(ValueError, match="no hyperparameter 'depth'"):
        register_model(
            "sentiment-test",
            SentimentClassifier,
            summary="",
            inputs="",
            outputs="",
            reference="",
            depth=3,
        )

    class Other(SentimentClassifier):
        pass

    with pytest.raises(ValueError, match="already registered"):
        register_model("sentiment-lstm", Other, summary="", inputs="", outputs="", reference="")


def test_importing_zoo_does_not_import_tensorflow():
    import subprocess
    import sys

    probe = "import sys, zoo; zoo.list_models(); print('tensorflow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
