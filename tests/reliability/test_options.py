"""`--set` values are typed by the hyperparameter's declaration, and every hyperparameter
of every registered model is checked against its declared range when the model is
created (issue 12, "Typing of --set" and the silently accepted bad values).
"""

from __future__ import annotations

import math

import keras_tuner
import pytest

import tuning
import zoo
from tests.trust_helpers import invoke, one_line_error
from zoo.cli.errors import parse_overrides
from zoo.hparams import HyperparameterError, Spec

MODELS = zoo.list_models()


def model_class(name: str):
    return zoo.registry.model_class(name)


# -- declarations ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", MODELS)
def test_every_hyperparameter_is_declared_and_its_default_is_valid(name):
    klass = model_class(name)
    assert set(klass.hparam_specs) == set(klass.default_hparams)
    for key, value in zoo.model_card(name)["hyperparameters"].items():
        klass.hparam_specs[key].check(key, value)  # raises if a default is out of range


def _space_values(name: str) -> dict[str, list]:
    """Every value the default search space of `name` can take (ends of the ranges)."""
    hp = keras_tuner.HyperParameters()
    tuning.hypermodel_for(name).space(hp)
    values = {}
    for p in hp.space:
        kind = type(p).__name__
        if kind == "Choice":
            values[p.name] = list(p.values)
        elif kind in ("Int", "Float"):
            values[p.name] = [p.min_value, p.max_value]
        elif kind == "Boolean":
            values[p.name] = [True, False]
    return values


@pytest.mark.parametrize("name", MODELS)
def test_the_declared_ranges_admit_the_search_space(name):
    specs = model_class(name).hparam_specs
    for key, values in _space_values(name).items():
        for value in values:
            specs[key].check(key, value)
    hm = tuning.hypermodel_for(name)
    hm.create(hm.default_choices())  # the default point builds a model


# -- ranges at model creation ---------------------------------------------------------------
def _outside(spec: Spec) -> list:
    """Values just outside a numeric spec's range, and values of the wrong type."""
    bad = []
    if spec.kind in ("int", "float"):
        step = 1 if spec.kind == "int" else 0.5
        if spec.low is not None:
            bad.append(spec.low if spec.low_open else spec.low - step)
        if spec.high is not None:
            bad.append(spec.high if spec.high_open else spec.high + step)
        bad += ["3", True]
        if spec.kind == "float":
            bad += [math.nan, math.inf]
        if spec.kind == "int":
            bad.append(2.5)
    elif spec.kind == "bool":
        bad += ["no", 1]
    elif spec.kind == "choice":
        bad.append("nonsense")
    elif spec.kind == "names":
        bad += ["temp_max", [], [3]]
    elif spec.kind == "numbers":
        bad += [[], ["a"]] + ([[spec.high]] if spec.high is not None else [])
    return bad


CASES = [
    (name, key, value)
    for name in MODELS
    for key, spec in sorted(model_class(name).hparam_specs.items())
    for value in _outside(spec)
]


@pytest.mark.parametrize("name, key, value", CASES, ids=[f"{n}-{k}-{v!r}" for n, k, v in CASES])
def test_out_of_range_values_are_refused_at_creation(name, key, value):
    with pytest.raises(HyperparameterError) as error:
        zoo.create_model(name, **{key: value})
    message = str(error.value)
    spec = model_class(name).hparam_specs[key]
    assert isinstance(error.value, ValueError)
    assert name in message and f"hyperparameter {key} " in message and repr(value) in message
    assert spec.describe() in message


@pytest.mark.parametrize(
    "key, value, allowed",
    [
        ("layers", 0, "an integer >= 1"),
        ("learning_rate", -1, "a number > 0"),
        ("batch_size", 0, "an integer >= 1"),
        ("val_fraction", 1.5, "a number in [0, 1)"),
    ],
)
def test_the_issue_cases_name_the_value_and_range(key, value, allowed):
    with pytest.raises(ValueError, match=f"{key} must be {allowed[:12]}") as error:
        zoo.create_model("sentiment-lstm", **{key: value})
    assert allowed in str(error.value) and repr(value) in str(error.value)


def test_values_are_normalised():
    model = zoo.create_model("forecast-quantile-lstm", units=8.0, quantiles=(0.2, 0.8))
    assert model.hparams["units"] == 8 and isinstance(model.hparams["units"], int)
    assert model.hparams["quantiles"] == [0.2, 0.8]
    import numpy as np

    assert type(zoo.create_model("sentiment-lstm", units=np.int64(8)).hparams["units"]) is int


# -- --set typing ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, item, key, value",
    [
        ("forecast-lstm", "targets=temp_max", "targets", ["temp_max"]),
        ("forecast-lstm", "targets=temp_max,load", "targets", ["temp_max", "load"]),
        ("forecast-lstm", 'targets=["temp max"]', "targets", ["temp max"]),
        ("forecast-lstm", "targets=none", "targets", None),
        ("forecast-lstm", "relative=no", "relative", False),
        ("forecast-lstm", "relative=Off", "relative", False),
        ("forecast-lstm", "relative=0", "relative", False),
        ("forecast-lstm", "relative=yes", "relative", True),
        ("forecast-lstm", "relative=true", "relative", True),
        ("forecast-lstm", "calendar=on", "calendar", True),
        ("forecast-lstm", "horizon=7", "horizon", 7),
        ("forecast-lstm", "skip=none", "skip", "none"),
        ("forecast-lstm", "season=none", "season", None),
        ("forecast-lstm", "learning_rate=1e-3", "learning_rate", 1e-3),
        ("forecast-quantile-lstm", "quantiles=0.1,0.9", "quantiles", [0.1, 0.9]),
        ("forecast-quantile-lstm", "quantiles=[0.05, 0.95]", "quantiles", [0.05, 0.95]),
        ("sentiment-lstm", "bidirectional=false", "bidirectional", False),
        ("translation-attention-lstm", "attention=bahdanau", "attention", "bahdanau"),
    ],
)
def test_set_values_follow_the_declared_type(name, item, key, value):
    parsed = parse_overrides([item], name)
    assert parsed == {key: value}
    assert type(parsed[key]) is type(value)
    model = zoo.create_model(name, **parsed)
    expected = None if value == "none" and key == "skip" else value
    assert model.hparams[key] == expected


@pytest.mark.parametrize(
    "name, item, fragments",
    [
        ("forecast-lstm", "horizon=seven", ["--set horizon=seven", "expected an integer"]),
        ("forecast-lstm", "relative=maybe", ["--set relative=maybe", "true or false"]),
        ("forecast-lstm", "layers=0", ["--set layers=0", "layers must be an integer >= 1"]),
        ("forecast-lstm", "learning_rate=-1", ["--set learning_rate=-1", "a number > 0"]),
        ("forecast-lstm", "learning_rate=nan", ["learning_rate", "a number > 0"]),
        ("forecast-lstm", "val_fraction=1.5", ["--set val_fraction=1.5", "[0, 1)"]),
        ("forecast-lstm", "skip=sometimes", ["--set skip=sometimes", "'seasonal'"]),
        ("forecast-lstm", "targets=[1", ["--set targets=[1", "list of names"]),
        ("forecast-quantile-lstm", "quantiles=0.1,1.5", ["quantiles", "(0, 1)"]),
        ("sentiment-lstm", "unitz=3", ["--set unitz=3", "'unitz'", "Did you mean 'units'"]),
        ("sentiment-lstm", "units", ["KEY=VALUE", "'units'"]),
        ("sentiment-lstm", "=3", ["KEY=VALUE"]),
    ],
)
def test_bad_set_values_name_the_key_and_the_type(name, item, fragments):
    with pytest.raises(ValueError) as error:
        parse_overrides([item], name)
    for fragment in fragments:
        assert fragment in str(error.value), (fragment, str(error.value))


def test_parse_overrides_of_an_unknown_model():
    with pytest.raises(zoo.UnknownModelError, match="sentiment-lstm"):
        parse_overrides(["units=3"], "sentimnt-lstm")
    assert parse_overrides(None, "sentiment-lstm") == {}


# -- through the command line (each fails before any data is read or model trained) -------
@pytest.mark.parametrize(
    "command, item, fragments",
    [
        ("train", "layers=0", ["--set layers=0", "an integer >= 1"]),
        ("train", "learning_rate=-1", ["--set learning_rate=-1", "> 0"]),
        ("train", "batch_size=0", ["--set batch_size=0", "an integer >= 1"]),
        ("train", "val_fraction=1.5", ["--set val_fraction=1.5", "[0, 1)"]),
        ("train", "epochs=0", ["--set epochs=0", "an integer >= 1"]),
        ("tune", "dropout=1", ["--set dropout=1", "[0, 1)"]),
        ("tune", "bidirectional=perhaps", ["--set bidirectional=perhaps", "true or false"]),
    ],
)
def test_cli_refuses_bad_values_in_one_line(tmp_path, monkeypatch, command, item, fragments):
    monkeypatch.chdir(tmp_path)
    out = ["--out", "run"] if command == "train" else ["--directory", "runs"]
    result = invoke(command, "sentiment-lstm", "--set", item, *out)
    one_line_error(result, *fragments)
    assert list(tmp_path.iterdir()) == [], "something was written"


def test_a_list_target_reaches_the_model_whole(tmp_path, monkeypatch):
    """`--set targets=humidity` names the column `humidity`, not the letter 'h'."""
    lines = ["date,load,temp"] + [
        f"2024-01-{1 + i // 24:02d} {i % 24:02d}:00:00,{i % 7},{20 + (i % 24) * 0.5:.1f}"
        for i in range(300)
    ]
    (tmp_path / "series.csv").write_text("\n".join(lines) + "\n")
    monkeypatch.chdir(tmp_path)
    result = invoke(
        "train", "forecast-lstm", "--data", "series.csv", "--epochs", "1",
        "--set", "units=4", "--set", "targets=humidity", "--out", "run",
    )  # fmt: skip
    line = one_line_error(result, "'humidity'")
    assert "'h'" not in line
