"""int8 bundles: written sealed and schema-valid, served by the runtime, and held by
`verify` to the family's task metric against the float graphs they keep."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from onnx_helpers import run_without_tensorflow
from typer.testing import CliRunner

import zoo
from export import to_onnx, verify
from export.bundle import MANIFEST, BundleError, read_manifest
from export.runtime import Predictor
from zoo.metrics.serving import TaskMetric
from zoo.models.forecasting.backtest import series_part


@pytest.fixture(scope="module")
def int8_bundle(tmp_path_factory):
    model = zoo.create_model(
        "forecast-lstm", units=16, epochs=1, input_width=24, horizon=4, relative=False
    )
    train, test = model.default_data()
    model.fit(series_part(train, -400), verbose=0)
    root = tmp_path_factory.mktemp("int8")
    model.save(root / "model")
    bundle = to_onnx(root / "model", root / "bundle", streaming=True, quantize="int8")
    return model, series_part(test, -300), bundle


def test_manifest_records_the_quantization(int8_bundle):
    _, _, bundle = int8_bundle
    manifest = read_manifest(bundle)  # schema, seal and every digest checked
    quantization = manifest["quantization"]
    assert quantization["dtype"] == "int8" and quantization["weight_type"] == "QInt8"
    assert set(quantization["float_graphs"]) == set(manifest["graphs"]) == {"network", "stream"}
    for name, graph in manifest["graphs"].items():
        original = quantization["float_graphs"][name]
        assert original["file"] == f"{name}/model_float.onnx"
        assert manifest["files"][original["file"]]["sha256"] == original["sha256"]
        assert graph["lstm_nodes"] == 1  # one DynamicQuantizeLSTM per recurrent layer
        assert (
            manifest["files"][graph["file"]]["size"] < manifest["files"][original["file"]]["size"]
        )


def test_int8_graphs_use_the_quantized_lstm(int8_bundle):
    import onnx

    from export.convert import op_counts

    _, _, bundle = int8_bundle
    counts = op_counts(onnx.load(bundle / "network" / "model.onnx"))
    assert counts.get("DynamicQuantizeLSTM") == 1 and counts.get("LSTM", 0) == 0
    assert counts.get("MatMulInteger", 0) >= 1


def test_verify_reports_metric_size_and_latency(int8_bundle):
    model, test, bundle = int8_bundle
    report = verify(bundle, repeats=2, batch_sizes=(1,), data=test)
    assert report.ok, report.table()
    q = report.quantized
    assert q.float_metric.name == "MAE" and q.float_metric.relative
    assert q.int8_metric.within(q.float_metric)
    # the float metric is the Keras model's own, through the float graphs
    expected = model.evaluate(test)["model"]["mae"]
    assert q.float_metric.value == pytest.approx(expected, rel=1e-4)
    for row in q.graphs:
        assert row.int8_bytes < row.float_bytes and row.int8_ms[1] > 0 < row.float_ms[1]
        assert 0 < row.max_abs_change < 1  # int8 differs from float, a little
    text = report.table()
    assert "task metric MAE" in text and "within tolerance" in text
    assert json.loads(report.to_json())["quantized"]["ok"] is True


def test_verify_fails_when_the_metric_drops_beyond_tolerance(int8_bundle, monkeypatch):
    import export.quantized

    _, test, bundle = int8_bundle

    def worse(manifest, path, engines, data):
        float_score = TaskMetric("MAE", 1.0, False, 0.02, relative=True, samples=10)
        return {"float": float_score, "int8": TaskMetric("MAE", 1.03, False, 0.02, True, 10)}

    monkeypatch.setattr(export.quantized, "task_metrics", worse)
    report = verify(bundle, latency=False, data=test)
    assert not report.ok and not report.quantized.ok
    assert "OUTSIDE tolerance" in report.table()
    assert TaskMetric("MAE", 1.019, False, 0.02, True).within(
        TaskMetric("MAE", 1.0, False, 0.02, True)
    )
    assert not TaskMetric("acc", 0.88, True, 0.01).within(TaskMetric("acc", 0.9, True, 0.01))


def test_runtime_serves_int8_forecasts_close_to_keras(int8_bundle):
    model, test, bundle = int8_bundle
    predictor = Predictor.load(bundle)
    expected, actual = model.predict(test)["forecast"], predictor.predict(test)["forecast"]
    scale = float(np.abs(expected).mean())
    assert np.abs(actual - expected).max() < 0.1 * scale  # int8, not float parity
    stream = predictor.stream()
    stream.update(test.values[-24:], test.dates[-24:])
    assert stream.forecast()["forecast"].shape == expected.shape


def test_tampered_float_original_is_detected(int8_bundle, tmp_path):
    _, _, bundle = int8_bundle
    copy = shutil.copytree(bundle, tmp_path / "bundle")
    path = copy / "network" / "model_float.onnx"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(BundleError, match=r"network/model_float.onnx: the file differs"):
        Predictor.load(copy)
    manifest = json.loads((copy / MANIFEST).read_text())
    manifest["quantization"]["dtype"] = "int4"
    (copy / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(BundleError, match="quantization"):
        read_manifest(copy)


def test_int8_runtime_needs_neither_tensorflow_nor_keras(int8_bundle):
    answer = run_without_tensorflow(int8_bundle[2])
    assert answer["loaded"] == [] and answer["metric"] == "MAE"


def test_unknown_quantization_is_one_line_exit_2(int8_bundle, tmp_path):
    from zoo.cli.app import app

    model_dir = int8_bundle[2].parent / "model"
    result = CliRunner().invoke(
        app, ["export", str(model_dir), "--out", str(tmp_path / "b"), "--quantize", "int4"]
    )
    assert result.exit_code == 2, result.output
    assert "--quantize" in result.output and "int8" in result.output
    assert not (tmp_path / "b").exists()


@pytest.mark.slow
@pytest.mark.parametrize("name", zoo.list_models())
def test_default_model_int8_bundle_passes_verify_at_a_third_of_the_size(name, tmp_path):
    """Done-when of issue 19: every registered model, at its default hyperparameters
    (one epoch on the embedded data), gives an int8 bundle that passes `verify` (task
    metric within tolerance of the float graphs) with graphs at most 0.35x their float
    size."""
    model = zoo.create_model(name, epochs=1)
    train, _ = model.default_data()
    model.fit(train, verbose=0)
    bundle = to_onnx(model, tmp_path / "bundle", quantize="int8")
    report = verify(bundle, model=model, latency=False)
    assert report.ok, report.table()
    assert report.quantized.size_ratio <= 0.35, report.table()
