"""Every registered model builds, trains a step, predicts, and round-trips
through save/load with identical outputs. Driven by the registry: a new model
gets these tests by registering (and naming its task's tiny settings here)."""

import numpy as np
import pytest

import zoo

# Tiny settings per task, so each model trains in seconds.
TINY = {
    "sentiment": {"units": 8, "embedding_dim": 8, "max_length": 16, "epochs": 1},
    "forecasting": {"units": 8, "layers": 1, "epochs": 1},
    "translation": {"units": 8, "embedding_dim": 8, "epochs": 1},
    "ner": {
        "units": 8,
        "word_dim": 8,
        "char_dim": 4,
        "char_units": 4,
        "epochs": 1,
        "step_backend": "ops",
    },
    "speech": {"units": 8, "projection": 8, "layers": 1, "n_mels": 16, "epochs": 1},
}


def small(data, task):
    """A slice of the default data that keeps each task's structure."""
    if task == "sentiment":
        return data.subset(np.arange(min(len(data), 256)))
    if task == "ner":  # one padded length (9-16 words): one trace of the training step
        return data.subset([i for i, s in enumerate(data.sentences) if 8 < len(s) <= 16][:96])
    if task == "forecasting" and len(data) > 1500:  # the last 1500 steps (years of stocks)
        from zoo.models.forecasting.backtest import series_part

        return series_part(data, len(data) - 1500)
    if task == "speech":
        return data.subset(np.arange(min(len(data), 32)))
    return data


def probe_inputs(model, test):
    if model.task == "sentiment":
        return test.texts[:5] + ["zzz-unknown-word " * 100]  # an empty text raises (issue 12)
    if model.task == "translation":
        return test.sources[:3]
    if model.task == "ner":
        return [" ".join(s) for s in test.sentences[:5]]
    if model.task == "speech":
        return test.subset(np.arange(3))
    return test


def outputs(model, inputs):
    if model.task == "sentiment":
        return model.predict_proba(inputs)
    if model.task == "ner":
        return model.emissions([s.split() for s in inputs])
    if model.task == "speech":
        return np.concatenate(model.log_probs(inputs))
    result = model.predict(inputs)
    if isinstance(result, dict):
        return np.concatenate(
            [np.ravel(np.asarray(v, float)) for k, v in sorted(result.items()) if k != "dates"]
        )
    return result


@pytest.mark.parametrize("name", zoo.list_models())
def test_model_trains_predicts_and_round_trips(name, tmp_path):
    task = zoo.model_card(name)["task"]
    model = zoo.create_model(name, **TINY[task])
    train, test = model.default_data()
    model.fit(small(train, task), verbose=0)
    assert model.history and all(np.isfinite(v).all() for v in model.history.values())
    inputs = probe_inputs(model, test)
    before = outputs(model, inputs)
    if task == "translation":
        assert all(isinstance(t, str) for t in before) and len(before) == len(inputs)
    else:
        assert np.isfinite(np.asarray(before, float)).all()
    model.save(tmp_path / name)
    assert (tmp_path / name / "model.keras").is_file()
    loaded = zoo.load_model(tmp_path / name)
    assert type(loaded) is type(model) and loaded.hparams == model.hparams
    np.testing.assert_array_equal(np.asarray(outputs(loaded, inputs)), np.asarray(before))
    report = model.evaluate(
        test if task not in ("sentiment", "ner") else test.subset(np.arange(64))
    )
    assert "model" in report
