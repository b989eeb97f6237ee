"""`lstm-zoo quickstart` trains, beats the baseline and writes its files."""

import json

import keras
import numpy as np
from typer.testing import CliRunner

from zoo.cli.app import app
from zoo.quickstart import adding_problem


def test_adding_problem_targets():
    x, y = adding_problem(50, 10, seed=3)
    assert x.shape == (50, 10, 2) and y.shape == (50, 1)
    assert (x[:, :, 1].sum(1) == 2).all()
    np.testing.assert_allclose(y[:, 0], (x[:, :, 0] * x[:, :, 1]).sum(1), rtol=1e-6)


def test_quickstart_command(tmp_path):
    result = CliRunner().invoke(
        app, ["quickstart", "--out", str(tmp_path), "--epochs", "8", "--timesteps", "12"]
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["test_mse"] < 0.5 * metrics["predict_the_mean_mse"]
    assert (tmp_path / "gates.png").stat().st_size > 5000
    model = keras.models.load_model(tmp_path / "model.keras")
    assert model.get_layer("lstm").__class__.__module__ == "zoo.layers.lstm"


def test_quickstart_refuses_the_working_directory_and_foreign_folders(tmp_path, monkeypatch):
    from tests.trust_helpers import assert_untouched, one_line_error, snapshot

    (tmp_path / "model.keras").write_text("a user's file, not ours")
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "metrics.json").write_text("{}")
    before = snapshot(tmp_path)
    monkeypatch.chdir(tmp_path)
    for out, fragment in ((".", "working directory"), ("foreign", "no .lstm-zoo marker")):
        result = CliRunner().invoke(app, ["quickstart", "--out", out, "--epochs", "1"])
        one_line_error(result, "--out", fragment)
        assert "Epoch" not in result.output  # refused before training
    assert_untouched(tmp_path, before)
