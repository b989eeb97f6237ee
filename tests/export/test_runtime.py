"""The runtime without TensorFlow, streaming, and bad bundles."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import zoo
from export import to_onnx
from export.bundle import BUNDLE_VERSION, MANIFEST, BundleError
from export.runtime import InputError, Predictor
from zoo.models.forecasting.backtest import series_part


@pytest.fixture(scope="module")
def forecaster(tmp_path_factory):
    model = zoo.create_model(
        "forecast-lstm", units=8, layers=2, epochs=1, input_width=30, horizon=6, relative=False
    )
    train, test = model.default_data()
    model.fit(train, verbose=0)
    root = tmp_path_factory.mktemp("forecaster")
    model.save(root / "model")
    return model, test, to_onnx(root / "model", root / "bundle", streaming=True)


@pytest.fixture
def bundle_copy(forecaster, tmp_path):
    copy = tmp_path / "bundle"
    shutil.copytree(forecaster[2], copy)
    return copy


def test_streaming_one_step_at_a_time_matches_the_window_model(forecaster):
    model, test, bundle = forecaster
    width = model.hparams["input_width"]
    window = series_part(test, -width)
    stream = Predictor.load(bundle).stream()
    for row, date in zip(window.values, window.dates, strict=True):
        stream.update(row, date)
    expected = model.predict(window)
    np.testing.assert_allclose(stream.forecast()["forecast"], expected["forecast"], atol=1e-4)
    np.testing.assert_array_equal(stream.forecast()["dates"], expected["dates"])


def test_streaming_steps_equal_one_chunk_and_keras_over_the_whole_sequence(forecaster):
    from export.families.forecasting import stream_network

    model, test, bundle = forecaster
    predictor = Predictor.load(bundle)
    values, dates = test.values[:50], test.dates[:50]
    one_by_one, chunk = predictor.stream(), predictor.stream()
    for row, date in zip(values, dates, strict=True):
        one_by_one.update(row, date)
    chunk.update(values, dates)
    pre = model.preprocessor
    inputs = pre.transform(pre.as_series(values, dates)).astype("float32")[None]
    zeros = [np.zeros((1, 8), "float32")] * 4
    keras_out = [np.asarray(t) for t in stream_network(model)([inputs, *zeros])]
    np.testing.assert_allclose(one_by_one.head, chunk.head, atol=1e-5)
    np.testing.assert_allclose(one_by_one.head, keras_out[0], atol=1e-5)
    for name, expected in zip(["h1", "c1", "h2", "c2"], keras_out[1:], strict=True):
        np.testing.assert_allclose(one_by_one.states[name], expected, atol=1e-5)


def test_streaming_quantile_forecaster_matches_its_window_model(tmp_path):
    # The stream adds the skip term to the head's quantiles and uses the model's own
    # postprocessing: the median, the interval, every quantile and the levels.
    model = zoo.create_model(
        "forecast-quantile-lstm", units=4, epochs=1, input_width=24, horizon=4, relative=False
    )
    train, test = model.default_data()
    model.fit(series_part(train, -300), verbose=0)
    bundle = to_onnx(model, tmp_path / "bundle", streaming=True)
    window = series_part(test, -24)
    stream = Predictor.load(bundle).stream()
    stream.update(window.values[:10], window.dates[:10])
    for row, date in zip(window.values[10:], window.dates[10:], strict=True):
        stream.update(row, date)
    expected, actual = model.predict(window), stream.forecast()
    assert set(actual) == set(expected) and actual["levels"] == [0.1, 0.5, 0.9]
    for key in ("forecast", "lower", "upper", "quantiles"):
        np.testing.assert_allclose(actual[key], expected[key], atol=1e-4)
    np.testing.assert_array_equal(actual["dates"], expected["dates"])


def test_relative_forecaster_refuses_streaming_export(tmp_path):
    model = zoo.create_model("forecast-lstm", units=4, epochs=1, input_width=24, horizon=4)
    train, _ = model.default_data()
    model.fit(series_part(train, -400), verbose=0)
    with pytest.raises(ValueError, match="relative=True"):
        to_onnx(model, tmp_path / "bundle", streaming=True)
    assert not (tmp_path / "bundle").exists()


def test_runtime_imports_neither_tensorflow_nor_keras(forecaster, tmp_path):
    model, test, bundle = forecaster
    window = series_part(test, -model.hparams["input_width"])
    expected = model.predict(window)["forecast"]
    np.save(tmp_path / "values.npy", window.values)
    np.save(tmp_path / "dates.npy", window.dates)
    script = textwrap.dedent(
        f"""
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("tensorflow", "keras", "tf2onnx", "tf_keras"):
                    raise ImportError("blocked: " + name)
        sys.meta_path.insert(0, Block())
        import json, numpy as np
        from export.runtime import Predictor
        p = Predictor.load({str(bundle)!r})
        values = np.load({str(tmp_path / "values.npy")!r})
        dates = np.load({str(tmp_path / "dates.npy")!r})
        out = p.predict(values, dates)["forecast"]
        stream = p.stream()
        for row, date in zip(values, dates):
            stream.update(row, date)
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras"))
        print(json.dumps({{"forecast": out.tolist(), "stream": stream.forecast()["forecast"].tolist(),
                          "loaded": loaded}}))
        """
    )
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["loaded"] == []
    np.testing.assert_allclose(answer["forecast"], expected, atol=1e-4)
    np.testing.assert_allclose(answer["stream"], expected, atol=1e-4)


def test_missing_graph_file_is_named(bundle_copy):
    (bundle_copy / "network" / "model.onnx").unlink()
    with pytest.raises(BundleError, match=r"graph 'network' file network/model.onnx is missing"):
        Predictor.load(bundle_copy)


def test_missing_manifest_is_named(bundle_copy):
    (bundle_copy / MANIFEST).unlink()
    with pytest.raises(BundleError, match="zoo_bundle.json is missing"):
        Predictor.load(bundle_copy)


def test_tampered_onnx_file_is_detected(bundle_copy):
    path = bundle_copy / "stream" / "model.onnx"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(BundleError, match=r"stream/model.onnx: the file differs .*sha256"):
        Predictor.load(bundle_copy)


def test_metadata_version_mismatch_is_named(bundle_copy):
    manifest = json.loads((bundle_copy / MANIFEST).read_text())
    manifest["format_version"] = 99
    (bundle_copy / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(
        BundleError, match=f"format version 99, but this lstm-zoo reads version {BUNDLE_VERSION}"
    ):
        Predictor.load(bundle_copy)


def test_wrong_shape_and_dtype_are_named(forecaster):
    model, test, bundle = forecaster
    predictor = Predictor.load(bundle)
    width = predictor.manifest["graphs"]["network"]["inputs"][0]["shape"]
    good = np.zeros((2, *width[1:]), "float32")
    with pytest.raises(
        InputError, match=r"input 'window' .*expected dtype float32 .*received dtype int64"
    ):
        predictor.run("network", {"window": good.astype("int64")})
    with pytest.raises(
        InputError, match=r"expected shape \[\?, 30, \d+\] .*received shape \[2, 29"
    ):
        predictor.run("network", {"window": good[:, 1:]})
    with pytest.raises(InputError, match="missing"):
        predictor.run("network", {})
    with pytest.raises(ValueError, match=r"array \[T, 1\]"):
        predictor.predict(np.zeros((40, 3), "float32"))


def test_failed_export_leaves_no_partial_bundle(forecaster, tmp_path, monkeypatch):
    import export.convert

    model, _, _ = forecaster
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("conversion failed")
        return original(*args, **kwargs)

    original = export.convert.keras_to_onnx
    monkeypatch.setattr(export.convert, "keras_to_onnx", failing)
    with pytest.raises(RuntimeError, match="conversion failed"):
        to_onnx(model, tmp_path / "bundle", streaming=True)
    assert list(tmp_path.iterdir()) == []


def test_export_refuses_a_non_bundle_directory(forecaster, tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(BundleError, match="not an lstm-zoo bundle"):
        to_onnx(forecaster[0], tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "keep me"
