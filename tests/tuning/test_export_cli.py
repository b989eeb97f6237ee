"""`lstm-zoo export` and `lstm-zoo verify` on a tiny forecaster."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import zoo
from zoo.cli.app import app


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    model = zoo.create_model("forecast-lstm", units=4, epochs=1, input_width=24, horizon=4)
    model.fit(model.default_data()[0], verbose=0)
    return model.save(tmp_path_factory.mktemp("cli") / "model")


def test_export_writes_and_verifies_a_bundle(model_dir, tmp_path):
    result = CliRunner().invoke(app, ["export", str(model_dir), "--out", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert "network: network/model.onnx, 1 LSTM node(s), 0 Loop node(s)" in result.output
    assert "PASS" in result.output and (tmp_path / "b" / "zoo_bundle.json").is_file()


def test_verify_json_and_exit_status(model_dir, tmp_path):
    runner = CliRunner()
    runner.invoke(app, ["export", str(model_dir), "--out", str(tmp_path / "b"), "--no-verify"])
    ok = runner.invoke(app, ["verify", str(tmp_path / "b"), "--json", "--no-latency"])
    assert ok.exit_code == 0, ok.output
    report = json.loads(ok.output)
    assert report["ok"] and report["checker"] == {"network": "ok"}
    assert all(c["max_abs"] <= 1e-5 for c in report["checks"])
    strict = runner.invoke(
        app, ["verify", str(tmp_path / "b"), "--atol", "1e-12", "--rtol", "0", "--no-latency"]
    )
    assert strict.exit_code == 1 and "FAIL" in strict.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["export", "no/such/model", "--out", "x"], "no/such/model: no such model directory"),
        (["verify", "no/such/bundle"], "no/such/bundle: no such bundle directory"),
        (["predict", "no/such/bundle", "hello"], "no such bundle directory"),
    ],
)
def test_bad_paths_give_one_line_errors(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
