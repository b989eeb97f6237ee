"""`lstm-zoo quickstart` trains, beats the baseline and writes its files."""

import json

import keras
import numpy as np
from typer.testing import CliRunner

from tuning.cli import app
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
