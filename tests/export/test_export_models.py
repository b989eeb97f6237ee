"""Every registered model exports, passes the full checker and matches Keras.

Driven by the registry: a new model gets export, parity, op-count, runtime
and `lstm-zoo predict` tests by registering (and fitting in TINY below).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from onnx_helpers import run_without_tensorflow
from typer.testing import CliRunner

import zoo
from export import to_onnx, verify
from export.bundle import read_manifest
from export.families.forecasting import can_stream
from export.runtime import Predictor

TINY = {
    "sentiment": {"units": 8, "embedding_dim": 8, "max_length": 16, "epochs": 1},
    "forecasting": {
        "units": 8,
        "epochs": 1,
        "input_width": 30,
        "horizon": 6,
        "relative": False,  # so the stream graph is exported and tested too
    },
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


def recurrent_layers(network) -> int:
    """Top-level recurrent layers (a Bidirectional counts once)."""
    import keras

    from zoo.layers.base import BaseLSTM

    return sum(
        isinstance(layer, (BaseLSTM, keras.layers.Bidirectional)) for layer in network.layers
    )


@pytest.fixture(scope="module", params=zoo.list_models())
def exported(request, tmp_path_factory):
    name = request.param
    task = zoo.model_card(name)["task"]
    model = zoo.create_model(name, **TINY[task])
    train, test = model.default_data()
    if task == "sentiment":
        train = train.subset(np.arange(256))
    if task == "ner":  # one padded length (9-16 words): one trace of the training step
        train = train.subset([i for i, s in enumerate(train.sentences) if 8 < len(s) <= 16][:96])
    if task == "forecasting" and len(train) > 1500:  # the last 1500 steps
        from zoo.models.forecasting.backtest import series_part

        train = series_part(train, len(train) - 1500)
    if task == "speech":
        train = train.subset(np.arange(32))
    model.fit(train, verbose=0)
    root = tmp_path_factory.mktemp(name)
    model.save(root / "model")
    streaming = (task == "forecasting" and can_stream(model) is None) or (
        task == "speech" and not model.hparams["bidirectional"]
    )
    bundle = to_onnx(root / "model", root / "bundle", streaming=streaming)
    return name, model, test, bundle


def test_bundle_passes_checker_and_parity(exported):
    name, model, _, bundle = exported
    report = verify(bundle, latency=False)
    assert report.ok, report.table()
    assert set(report.checker.values()) == {"ok"}
    kinds = {c.inputs for c in report.checks}
    assert {"fresh random", "reference set 0 (real)"} <= kinds
    assert max(c.max_abs for c in report.checks) <= 1e-5


def test_every_recurrent_layer_is_one_lstm_node(exported):
    name, model, _, bundle = exported
    manifest = read_manifest(bundle)
    from export.families import graphs_for

    for spec in graphs_for(model, manifest["streaming"], samples=False):
        graph = manifest["graphs"][spec.name]
        assert graph["lstm_nodes"] == recurrent_layers(spec.network) >= 1, (spec.name, graph)
        assert graph["loop_nodes"] == 0 and graph["unfused_layers"] == {}


def _keras_and_runtime(model, test, predictor, beam=None):
    if model.task == "sentiment":
        texts = test.texts[:12] + ["not good at all " * 20]  # an empty text raises (issue 12)
        return model.predict(texts), predictor.predict(texts)
    if model.task == "ner":
        texts = [" ".join(s) for s in test.sentences[:12]]
        return model.predict(texts), predictor.predict(texts)
    if model.task == "translation":
        sources = test.sources[:6]
        return model.predict(sources, beam_width=beam), predictor.predict(sources, beam_width=beam)
    return model.predict(test), predictor.predict(test)


def test_runtime_matches_keras(exported):
    name, model, test, bundle = exported
    predictor = Predictor.load(bundle)
    if model.task == "translation":
        for beam in (1, 3):  # identical greedy and beam outputs
            expected, actual = _keras_and_runtime(model, test, predictor, beam)
            assert actual == expected, beam
        return
    expected, actual = _keras_and_runtime(model, test, predictor)
    if model.task == "ner":
        assert actual == expected
        return
    if model.task == "speech":
        assert actual == expected and predictor.predict(test, beam_width=4) == model.predict(
            test, beam_width=4
        )
        for a, e in zip(predictor.model.log_probs(test), model.log_probs(test), strict=True):
            np.testing.assert_allclose(a, e, atol=1e-5)
        return
    if model.task == "sentiment":
        assert [a["label"] for a in actual] == [e["label"] for e in expected]
        for a, e in zip(actual, expected, strict=True):
            for label, p in e["probabilities"].items():
                assert abs(a["probabilities"][label] - p) <= 1e-5
    else:
        for key, value in expected.items():
            if key == "dates":
                np.testing.assert_array_equal(actual[key], value)
            elif key != "levels":
                np.testing.assert_allclose(actual[key], value, rtol=1e-5, atol=1e-4)


def test_predict_command_gives_the_keras_answers(exported, tmp_path):
    from zoo.cli.app import app

    name, model, test, bundle = exported
    args = ["predict", str(bundle), "--json"]
    if model.task == "forecasting":
        csv = tmp_path / "series.csv"
        rows = [",".join(["date", *test.columns])]
        for date, values in zip(test.dates, test.values, strict=True):
            rows.append(",".join([str(date).replace("T", " "), *(repr(float(v)) for v in values)]))
        csv.write_text("\n".join(rows) + "\n")
        args += ["--file", str(csv)]
        expected = model.predict(test)
    elif model.task == "sentiment":
        args += test.texts[:4]
        expected = model.predict(test.texts[:4])
    elif model.task == "ner":
        texts = [" ".join(s) for s in test.sentences[:4]]
        args += texts
        expected = model.predict(texts)
    elif model.task == "speech":
        import soundfile

        paths = [str(tmp_path / f"clip{i}.wav") for i in range(2)]
        for path, audio in zip(paths, test.audio, strict=False):
            soundfile.write(path, audio, test.sample_rate, subtype="FLOAT")
        args += paths
        expected = model.predict(paths)
    else:
        args += test.sources[:3]
        expected = model.predict(test.sources[:3])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    if model.task == "forecasting":
        np.testing.assert_allclose(answer["forecast"], expected["forecast"], rtol=1e-4, atol=1e-3)
    elif model.task == "sentiment":
        assert [a["label"] for a in answer] == [e["label"] for e in expected]
    elif model.task == "ner":
        assert answer == expected
    else:
        assert answer == expected


def test_runtime_needs_neither_tensorflow_nor_keras(exported):
    """`Predictor.load` and prediction (the family's task metric over its test split,
    which runs the model's own prediction on the bundle's graphs) on every registered
    model's bundle leave TensorFlow, Keras and tf2onnx out of `sys.modules`."""
    import math

    name, model, _, bundle = exported
    answer = run_without_tensorflow(bundle)
    assert answer["loaded"] == []
    assert math.isfinite(answer["value"]) and answer["metric"]


def _speech_streaming(exported):
    """The exported streaming speech model; the other models skip."""
    _, model, test, bundle = exported
    if model.task != "speech" or "stream" not in read_manifest(bundle)["graphs"]:
        pytest.skip("for the streaming speech model")
    return model, test, bundle


def test_speech_stream_equals_whole_utterance(exported):
    """Chunks of 200 ms through the stream graph give the whole-utterance transcript."""
    model, test, bundle = _speech_streaming(exported)
    predictor = Predictor.load(bundle)
    audio = test.audio[:20]
    assert len(audio) == 20
    whole = predictor.predict(audio)
    stream = predictor.stream()
    for index, recording in enumerate(audio):
        stream.reset()
        for start in range(0, len(recording), 3200):  # 200 ms at 16 kHz
            stream.feed(recording[start : start + 3200])
        assert stream.finish() == whole[index]
        expected = predictor.model.log_probs([recording])[0]
        np.testing.assert_allclose(stream.log_probs, expected, atol=1e-5)
    assert whole == model.predict(audio)


def test_speech_predict_command_without_tensorflow(exported, tmp_path):
    """`lstm-zoo predict BUNDLE clip.wav` with TensorFlow and Keras unimportable prints
    the Keras model's transcript."""
    import os
    import subprocess
    import sys
    import textwrap

    import soundfile

    model, test, bundle = _speech_streaming(exported)
    clip = tmp_path / "clip.wav"
    soundfile.write(clip, test.audio[0], test.sample_rate, subtype="FLOAT")
    script = textwrap.dedent(
        f"""
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("tensorflow", "keras", "tf2onnx", "tf_keras"):
                    raise ImportError("blocked: " + name)
        sys.meta_path.insert(0, Block())
        from zoo.cli.app import app
        try:
            app(["predict", {str(bundle)!r}, {str(clip)!r}])
        except SystemExit as exit:
            assert not exit.code, exit.code
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras"))
        print("LOADED", loaded)
        """
    )
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "LOADED []"
    assert lines[-2] == f"{model.predict([str(clip)])[0]}\t{clip}"
