"""`SearchConfig`: a search's options, validated once, in the library's own terms."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from tuning.config import ConfigError, SearchConfig


def test_defaults_are_normalised():
    config = SearchConfig("sentiment-lstm", time_budget="1h30m", directory="runs/x")
    assert config.time_budget == 5400.0
    assert config.directory == Path("runs/x") and config.project == "sentiment-lstm"
    assert config.project_dir == Path("runs/x/sentiment-lstm")
    assert config.role == "local" and config.fixed == {}


@pytest.mark.parametrize(
    "options, library, cli",
    [
        ({"max_trials": 0}, "max_trials must be", "--max-trials must be"),
        ({"max_epochs": -1}, "max_epochs must be", "--max-epochs must be"),
        ({"executions_per_trial": 1.5}, "executions_per_trial", "--executions-per-trial"),
        ({"tuner": "genetic"}, "tuner: unknown tuner 'genetic'", "--tuner: unknown tuner"),
        ({"time_budget": "soon"}, "time_budget:", "--time-budget:"),
        ({"connect_timeout": 0}, "connect_timeout must be", "--connect-timeout must be"),
        ({"oracle": "127.0.0.1:1"}, "needs distributed chief", "needs --distributed chief"),
        ({"distributed": "worker"}, "needs oracle HOST:PORT", "needs --oracle HOST:PORT"),
        ({"distributed": "boss", "oracle": "h:1"}, "distributed must be", "--distributed must"),
        ({"distributed": "chief", "oracle": "nohost"}, "oracle expects", "--oracle expects"),
        ({"fixed": {"wings": 2}}, "no hyperparameter 'wings'", "no hyperparameter 'wings'"),
    ],
)
def test_errors_name_the_field_and_the_cli_spells_the_option(options, library, cli):
    with pytest.raises(ConfigError) as error:
        SearchConfig("sentiment-lstm", **options)
    assert library in str(error.value)
    assert cli in error.value.for_cli()
    assert "--" not in str(error.value)  # the library speaks in its own terms


def test_unknown_model_is_refused_with_suggestions():
    import zoo

    with pytest.raises(zoo.UnknownModelError, match="sentiment-lstm"):
        SearchConfig("sentiment-lsmt")


def test_replace_validates_again():
    config = SearchConfig("forecast-lstm")
    assert config.replace(max_trials=3).max_trials == 3
    with pytest.raises(ConfigError, match="max_trials"):
        config.replace(max_trials=0)


def test_search_takes_one_config():
    from tuning.run import search

    parameters = inspect.signature(search).parameters
    assert list(parameters)[:2] == ["config", "data"]
    assert all(p.kind != p.POSITIONAL_OR_KEYWORD for n, p in parameters.items() if n not in (
        "config", "data"))  # fmt: skip
