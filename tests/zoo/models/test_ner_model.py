"""The NER tagger end to end: a tiny model exported, predicted on by the runtime with
TensorFlow and Keras unimportable, and the command line's output; the full default
training (slow) against the issue's target."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from typer.testing import CliRunner

import zoo

TINY = {"units": 8, "word_dim": 8, "char_dim": 4, "char_units": 4, "epochs": 1}
TINY_FAST = {**TINY, "step_backend": "ops", "batch_size": 16}


def blocked_predict(bundle, texts_file) -> dict:
    """`lstm-zoo predict BUNDLE --file F --json` in a fresh interpreter that cannot
    import TensorFlow, Keras or tf2onnx."""
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
            app(["predict", {str(bundle)!r}, "--file", {str(texts_file)!r}, "--json"])
        except SystemExit as stop:
            assert not stop.code, stop.code
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras"))
        print("LOADED " + ",".join(loaded))
        """
    )
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.strip().splitlines()
    assert lines[-1].strip() == "LOADED", lines[-1]
    return json.loads("\n".join(lines[:-1]))


@pytest.fixture(scope="module")
def tiny_bundle(tmp_path_factory):
    from export import to_onnx

    model = zoo.create_model("ner-bilstm-crf", **TINY_FAST)
    train, test = model.default_data()
    one_shape = [i for i, s in enumerate(train.sentences) if 8 < len(s) <= 16][:96]
    model.fit(train.subset(one_shape), verbose=0)  # one padded length: one traced step
    root = tmp_path_factory.mktemp("ner")
    model.save(root / "model")
    bundle = to_onnx(root / "model", root / "bundle")
    return model, test, bundle


def test_runtime_without_tensorflow_gives_the_keras_entities(tiny_bundle, tmp_path):
    model, test, bundle = tiny_bundle
    texts = [" ".join(s) for s in test.sentences[:100]]
    texts[0] = "Jordan met Washington in Paris , \ufeffMr. O'Neil said ."
    (tmp_path / "texts.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
    answer = blocked_predict(bundle, tmp_path / "texts.txt")
    assert answer == model.predict(texts)
    for text, result in zip(texts, answer, strict=True):
        for entity in result["entities"]:
            assert text[entity["start"] : entity["end"]] == entity["text"]


def test_predict_prints_spans_and_refuses_empty_text(tiny_bundle):
    from zoo.cli.app import app

    model, _, bundle = tiny_bundle
    text = "Peter Blackburn visited Acme Corp in New York ."
    result = CliRunner().invoke(app, ["predict", str(bundle), text])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == text
    expected = model.predict([text])[0]["entities"]
    shown = [f"  {e['start']}-{e['end']}\t{e['type']}\t{e['text']}" for e in expected]
    assert lines[1:] == (shown or ["  (no entities)"])
    result = CliRunner().invoke(app, ["predict", str(bundle), "  "])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1


def test_saved_decoder_state_is_checked(tiny_bundle, tmp_path):
    from zoo.models.loading import ModelFileError

    model, _, _ = tiny_bundle
    model.save(tmp_path / "m")
    state_file = tmp_path / "m" / "zoo_model.json"
    state = json.loads(state_file.read_text())
    state["preprocessing"]["decoder"]["transitions"] = [[0.0]]
    state_file.write_text(json.dumps(state))
    with pytest.raises(ModelFileError, match="transitions"):
        zoo.load_model(tmp_path / "m")


@pytest.mark.slow
def test_train_on_the_default_reaches_the_target_and_the_bundle_agrees(tmp_path):
    """Issue 14, done-when 1 and 3: `lstm-zoo train ner-bilstm-crf` on the generated
    corpus reaches entity F1 >= 0.95 on held-out sentences, clearly above the gazetteer;
    its bundle (TensorFlow unimportable) gives the Keras entities on 100 sentences."""
    from export import to_onnx, verify
    from zoo.cli.app import app

    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["train", "ner-bilstm-crf", "--out", str(out)])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    f1 = metrics["held_out"]["model"]["f1"]
    gazetteer = metrics["held_out"]["gazetteer"]["f1"]
    assert f1 >= 0.95 and f1 - gazetteer >= 0.2, (f1, gazetteer)
    model = zoo.load_model(out)
    bundle = to_onnx(out, tmp_path / "bundle")
    report = verify(bundle, latency=False)
    assert report.ok, report.table()
    assert any(c.output == "decoded_tags" for c in report.checks)
    _, test = model.default_data()
    texts = [" ".join(s) for s in test.sentences[:100]]
    (tmp_path / "texts.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
    answer = blocked_predict(bundle, tmp_path / "texts.txt")
    assert answer == model.predict(texts)
    assert sum(len(r["entities"]) for r in answer) >= 100


def test_predict_on_a_model_directory_runs_keras(tiny_bundle):
    from zoo.cli.app import app

    model, test, bundle = tiny_bundle
    texts = [" ".join(s) for s in test.sentences[:3]]
    result = CliRunner().invoke(app, ["predict", str(bundle.parent / "model"), "--json", *texts])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == model.predict(texts)


def test_verify_compares_the_decoded_paths(tiny_bundle, tmp_path):
    import shutil

    from export import verify
    from tests.trust_helpers import edit_manifest

    model, _, bundle = tiny_bundle
    report = verify(bundle, model=model, latency=False)
    paths = [c for c in report.checks if c.output == "decoded_tags"]
    assert report.ok and paths and all(c.ok for c in paths), report.table()
    # transitions that differ from the Keras CRF's: emission scores still agree, paths not
    copy = tmp_path / "bundle"
    shutil.copytree(bundle, copy)
    k = len(model.preprocessor.tags)
    rng = np.random.default_rng(0)

    def scramble(manifest):
        manifest["preprocessing"]["decoder"]["transitions"] = rng.normal(
            scale=50.0, size=(k, k)
        ).tolist()

    edit_manifest(copy, scramble)
    report = verify(copy, model=model, latency=False)
    assert all(c.ok for c in report.checks if c.output != "decoded_tags")
    assert not all(c.ok for c in report.checks if c.output == "decoded_tags")


@pytest.mark.slow
def test_hypermodel_objective_is_validation_entity_f1():
    import keras_tuner

    import tuning

    model = zoo.create_model("ner-bilstm")
    train, _ = model.default_data()
    fixed = {k: v for k, v in TINY_FAST.items() if k != "epochs"}
    hm = tuning.hypermodel_for("ner-bilstm", data=train.subset(np.arange(96)), fixed=fixed)
    assert (hm.objective.name, hm.objective.direction) == ("val_f1", "max")
    hp = keras_tuner.HyperParameters()
    network = hm.build(hp)
    metrics = hm.fit(hp, network, epochs=1)
    assert 0.0 <= metrics["val_f1"] <= 1.0 and np.isfinite(metrics["loss"])
