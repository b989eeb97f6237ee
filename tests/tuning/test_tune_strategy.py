"""`lstm-zoo tune --distribute mirrored`: each trial trains under a `tf.distribute`
strategy through keras-tuner's `distribution_strategy`; other values are one-line errors."""

import json

from conftest import TINY_SET, one_line_error
from typer.testing import CliRunner

from tuning.config import ConfigError, SearchConfig
from zoo.cli.app import app


def test_trials_train_under_the_mirrored_strategy(reviews_csv, tmp_path, monkeypatch):
    import keras_tuner

    seen = []
    build = keras_tuner.Tuner._build_hypermodel

    def recording(self, hp):
        import tensorflow as tf

        model = build(self, hp)
        seen.append((type(self.distribution_strategy).__name__, model.distribute_strategy))
        assert tf.distribute.has_strategy() is False  # the scope ends with the build
        return model

    monkeypatch.setattr(keras_tuner.Tuner, "_build_hypermodel", recording)
    args = ["sentiment-lstm", "--data", reviews_csv, "--directory", tmp_path, *TINY_SET]
    args += ["--max-trials", 2, "--max-epochs", 1, "--distribute", "mirrored", "--no-baseline"]
    result = CliRunner().invoke(app, ["tune", *map(str, args)])
    assert result.exit_code == 0, result.output
    assert "each trial trains under MirroredStrategy (1 replica(s))" in result.output
    assert len(seen) == 2
    for name, strategy in seen:
        assert name == "MirroredStrategy" and type(strategy).__name__ == "MirroredStrategy"
    trials = json.loads((tmp_path / "sentiment-lstm" / "trials.json").read_text())["trials"]
    assert [t["status"] for t in trials] == ["completed", "completed"]


def test_other_strategies_are_refused(reviews_csv, tmp_path):
    result = CliRunner().invoke(
        app, ["tune", "sentiment-lstm", "--data", str(reviews_csv), "--directory",
              str(tmp_path), "--distribute", "multi-worker"],
    )  # fmt: skip
    one_line_error(result, "--distribute", "multi-worker", "--distributed chief|worker")
    assert not (tmp_path / "sentiment-lstm").exists()
    try:
        SearchConfig("sentiment-lstm", distribute="parameter-server")
    except ConfigError as error:
        assert "distribute must be 'mirrored'" in str(error)
    else:
        raise AssertionError("accepted an unknown strategy")
