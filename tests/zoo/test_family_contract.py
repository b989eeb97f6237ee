"""The family contract: a family defined entirely outside the project's files
(`toy_family.py`) gets `train`, save/load, `tune`, `export`, `verify` and `predict`
through the generic code, with nothing of the project edited."""

from __future__ import annotations

import json

import numpy as np
import pytest
import toy_family

import zoo
from tests.trust_helpers import invoke, one_line_error
from zoo.family import register_family, unregister_family
from zoo.registry import register_model, unregister_model

TINY = ["--set", "units=8", "--set", "epochs=2"]


@pytest.fixture(scope="module")
def registered():
    register_family(toy_family.family(toy_family.__name__))
    register_model(
        toy_family.NAME,
        toy_family.SequenceMeanRegressor,
        summary="A zoo LSTM over a sequence: its mean.",
        inputs="sequences of up to 12 numbers",
        outputs="the mean",
        reference="the family-contract test",
    )
    yield toy_family.NAME
    unregister_model(toy_family.NAME)
    unregister_family(toy_family.TASK)


@pytest.fixture(scope="module")
def trained(registered, tmp_path_factory):
    """`lstm-zoo train` on the family's embedded default."""
    out = tmp_path_factory.mktemp("toy") / "model"
    result = invoke("train", registered, "--out", out, *TINY)
    assert result.exit_code == 0, result.output
    return out


def test_the_registry_and_the_family_know_the_new_model(registered):
    assert registered in zoo.list_models()
    assert zoo.family_for(registered).task == toy_family.TASK
    assert zoo.model_card(registered)["task"] == toy_family.TASK


def test_train_writes_the_model_and_its_metrics(trained):
    record = json.loads((trained / "metrics.json").read_text())
    assert set(record["held_out"]) == {"model", "train_mean"}
    assert record["held_out"]["model"]["mae"] < record["held_out"]["train_mean"]["mae"]


def test_save_and_load_give_the_same_predictions(trained):
    model = zoo.load_model(trained)
    assert isinstance(model, toy_family.SequenceMeanRegressor)
    x = toy_family.generate(5, seed=3).x
    again = zoo.load_model(trained)
    np.testing.assert_allclose(model.predict(x), again.predict(x), rtol=1e-6)


def test_tune_runs_two_trials_of_the_familys_space(registered, tmp_path):
    result = invoke(
        "tune", registered, "--max-trials", "2", "--max-epochs", "1", "--directory",
        tmp_path / "runs", "--no-prune", "--no-baseline",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    trials = json.loads((tmp_path / "runs" / registered / "trials.json").read_text())
    ran = [t for t in trials["trials"] if t["status"] == "completed"]
    assert len(ran) == 2 and {"units", "learning_rate"} <= set(ran[0]["hparams"])


def test_export_verify_and_predict(trained, tmp_path):
    bundle = tmp_path / "bundle"
    exported = invoke("export", trained, "--out", bundle)
    assert exported.exit_code == 0, exported.output
    assert "1 LSTM node(s), 0 Loop node(s)" in exported.output
    verified = invoke("verify", bundle, "--no-latency", "--model", trained)
    assert verified.exit_code == 0, verified.output
    predicted = invoke("predict", bundle, "1,2,3", "4,4", "--json")
    assert predicted.exit_code == 0, predicted.output
    values = json.loads(predicted.output.strip().splitlines()[-1])
    keras_side = zoo.load_model(trained).predict(
        np.stack([toy_family.parse("1,2,3", "a"), toy_family.parse("4,4", "b")])
    )
    np.testing.assert_allclose(values, keras_side, atol=1e-5)


def test_the_familys_cli_errors_are_one_line(trained, tmp_path):
    bundle = tmp_path / "bundle"
    assert invoke("export", trained, "--out", bundle, "--no-verify").exit_code == 0
    one_line_error(invoke("predict", bundle, "1,x"), "sequence argument 1")
    one_line_error(invoke("predict", bundle, "1", "--beam", "2"), "--beam")
