"""Broken metadata, bundles and runtime inputs give one-line errors, never a traceback
or a crash.

* `zoo_model.json` and `zoo_bundle.json` with missing or mistyped fields, another
  format version, not JSON, binary, UTF-16, huge, a directory or a link: one line
  naming the file and the field;
* an empty batch or a zero-row window: `InputError` before onnxruntime (run in a
  subprocess, so that a regression's segfault fails the test instead of pytest);
* `lstm-zoo predict --file` on a directory or a file that is not UTF-8 text.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from export.bundle import MANIFEST, BundleError
from export.runtime import Predictor
from tests.trust_helpers import edit_manifest, invoke, one_line_error, tiny_sentiment

ROOT = Path(__file__).resolve().parents[2]
STATE = "zoo_model.json"


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    return tiny_sentiment(tmp_path_factory)


@pytest.fixture
def bundle(seeds, tmp_path):
    copy = tmp_path / "bundle"
    shutil.copytree(seeds["bundle"], copy)
    return copy


@pytest.fixture
def model_dir(seeds, tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(seeds["model"], copy)
    return copy


def _network(manifest):
    return manifest["graphs"]["network"]


def _drop_test_file(manifest):
    manifest["files"].pop("network/test_data_set_1/input_0.pb")


#: edit of the manifest (sealed again afterwards) -> what the error must name.
MANIFEST_EDITS = {
    "missing-graphs": (lambda m: m.pop("graphs"), "field 'graphs' is missing"),
    "missing-preprocessing": (lambda m: m.pop("preprocessing"), "field 'preprocessing' is missing"),
    "missing-files": (lambda m: m.pop("files"), "field 'files' is missing"),
    "missing-seal": (lambda m: m.pop("seal"), "field 'seal' is missing"),  # not sealed again
    "missing-task": (lambda m: m.pop("task"), "field 'task' is missing"),
    "missing-format-version": (lambda m: m.pop("format_version"), "field 'format_version'"),
    "format-version-99": (lambda m: m.update(format_version=99), "format version 99"),
    "format-version-text": (lambda m: m.update(format_version="2"), "expected an integer"),
    "format-other": (lambda m: m.update(format="onnx"), "field 'format'"),
    "hparams-array": (lambda m: m.update(hparams=[1]), "field 'hparams': expected an object"),
    "preprocessing-text": (lambda m: m.update(preprocessing="x"), "field 'preprocessing'"),
    "hparam-unknown": (lambda m: m["hparams"].update(wings=2), "field 'hparams'"),
    "inputs-text": (lambda m: _network(m).update(inputs="tokens"), "'graphs.network.inputs'"),
    "test-sets-text": (
        lambda m: _network(m).update(test_data_sets="2"),
        "'graphs.network.test_data_sets': expected an integer, found a string",
    ),
    "shape-text": (
        lambda m: _network(m)["inputs"][0].update(shape=[None, "x"]),
        "'graphs.network.inputs[0].shape[1]'",
    ),
    "dtype-unknown": (
        lambda m: _network(m)["inputs"][0].update(dtype="f99"),
        "'graphs.network.inputs[0].dtype'",
    ),
    "tokens-numbers": (
        lambda m: m["preprocessing"]["tokenizer"].update(tokens=[1, 2, 3]),
        "'preprocessing.tokenizer.tokens[0]': expected a string, found an integer",
    ),
    "labels-missing": (
        lambda m: m["preprocessing"].pop("label_names"),
        "'preprocessing.label_names' is missing",
    ),
    "task-of-another-family": (lambda m: m.update(task="forecasting"), "field 'task'"),
    "streaming-without-graph": (lambda m: m.update(streaming=True), "field 'streaming'"),
    "graph-of-another-family": (
        lambda m: m["graphs"].update(encoder=_network(m)),
        "field 'graphs'",
    ),
    "test-file-not-covered": (_drop_test_file, "not covered by the manifest's digests"),
    "graph-digest-disagrees": (
        lambda m: _network(m).update(sha256="0" * 64),
        "'graphs.network.sha256' does not match",
    ),
}


@pytest.mark.parametrize("edit", sorted(MANIFEST_EDITS))
def test_a_malformed_manifest_is_named(bundle, edit):
    change, fragment = MANIFEST_EDITS[edit]
    edit_manifest(bundle, change, seal=edit != "missing-seal")
    with pytest.raises(BundleError) as info:
        Predictor.load(bundle)
    message = str(info.value)
    assert MANIFEST in message and fragment in message and "\n" not in message, message


@pytest.mark.parametrize("edit", ["missing-graphs", "inputs-text", "format-version-99"])
def test_the_commands_name_it_too(bundle, edit):
    change, fragment = MANIFEST_EDITS[edit]
    edit_manifest(bundle, change)
    one_line_error(invoke("predict", bundle, "a good film"), MANIFEST, fragment)
    result = invoke("verify", bundle, "--no-latency")
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and fragment in errors[0], result.output


def _sparse(path: Path, size: int) -> None:
    with open(path, "wb") as handle:
        handle.truncate(size)


#: What replaces the file -> what the error must say.
RAW = {
    "not-json": (b"{not json", "line 1, column 2: not valid JSON"),
    "empty": (b"", "not valid JSON"),
    "binary": (bytes(range(256)), "not UTF-8 text"),
    "utf-16": ('{"format": "x"}'.encode("utf-16"), "line 1, column 1: not UTF-8 text"),
    "utf-8-bom": (b'\xef\xbb\xbf{"format": 1}', "byte order mark"),
    "array": (b"[1, 2]", "expected a JSON object at the top level, found an array"),
    "deep-nesting": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "huge": (None, "more than the 64 MiB"),
    "directory": ("dir", "is a directory"),
    "symlink": ("link", "is a symbolic link"),
}


def _replace(path: Path, kind: str) -> None:
    content, _ = RAW[kind]
    if content is None:
        _sparse(path, 65 * 2**20)
    elif content == "dir":
        path.unlink()
        path.mkdir()
    elif content == "link":
        outside = path.parent.parent / f"outside-{path.name}"
        shutil.move(path, outside)  # an intact copy: the link itself is refused
        path.symlink_to(outside)
    else:
        path.write_bytes(content)


@pytest.mark.parametrize("kind", sorted(RAW))
def test_a_manifest_that_is_not_a_json_object_is_named(bundle, kind):
    _replace(bundle / MANIFEST, kind)
    with pytest.raises(BundleError) as info:
        Predictor.load(bundle)
    message = str(info.value)
    assert MANIFEST in message and RAW[kind][1] in message and "\n" not in message, message


@pytest.mark.parametrize("kind", sorted(RAW))
def test_a_state_file_that_is_not_a_json_object_is_named(model_dir, kind):
    import zoo
    from zoo.models.loading import ModelFileError

    _replace(model_dir / STATE, kind)
    with pytest.raises(ModelFileError) as info:
        zoo.load_model(model_dir)
    message = str(info.value)
    assert STATE in message and RAW[kind][1] in message and "\n" not in message, message


STATE_EDITS = {
    "missing-preprocessing": (lambda s: s.pop("preprocessing"), "field 'preprocessing' is missing"),
    "missing-hparams": (lambda s: s.pop("hparams"), "field 'hparams' is missing"),
    "missing-name": (lambda s: s.pop("name"), "field 'name' is missing"),
    "hparams-array": (lambda s: s.update(hparams=[1]), "field 'hparams': expected an object"),
    "hparams-null": (lambda s: s.update(hparams=None), "field 'hparams': expected an object"),
    "preprocessing-text": (lambda s: s.update(preprocessing="x"), "field 'preprocessing'"),
    "format-version-99": (lambda s: s.update(format_version=99), "format version 99"),
    "format-version-missing": (lambda s: s.pop("format_version"), "field 'format_version'"),
    "name-number": (lambda s: s.update(name=7), "field 'name': expected a string"),
    "tokenizer-missing": (
        lambda s: s["preprocessing"].pop("tokenizer"),
        "'preprocessing.tokenizer' is missing",
    ),
    "labels-text": (
        lambda s: s["preprocessing"].update(label_names="positive"),
        "'preprocessing.label_names': expected an array, found a string",
    ),
    "task-of-another-family": (lambda s: s.update(task="translation"), "field 'task'"),
    "history-text": (lambda s: s.update(history="x"), "field 'history'"),
    "hparam-unknown": (lambda s: s["hparams"].update(wings=2), "field 'hparams'"),
}


@pytest.mark.parametrize("edit", sorted(STATE_EDITS))
def test_a_malformed_state_file_is_named(model_dir, edit):
    import zoo
    from zoo.models.loading import ModelFileError

    change, fragment = STATE_EDITS[edit]
    state = json.loads((model_dir / STATE).read_text())
    change(state)
    (model_dir / STATE).write_text(json.dumps(state))
    with pytest.raises(ModelFileError) as info:
        zoo.load_model(model_dir)
    message = str(info.value)
    assert STATE in message and fragment in message and "\n" not in message, message


@pytest.mark.parametrize("edit", ["missing-preprocessing", "hparams-array"])
def test_export_names_the_state_file(model_dir, tmp_path, edit):
    change, fragment = STATE_EDITS[edit]
    state = json.loads((model_dir / STATE).read_text())
    change(state)
    (model_dir / STATE).write_text(json.dumps(state))
    one_line_error(invoke("export", model_dir, "--out", tmp_path / "out"), STATE, fragment)
    assert not (tmp_path / "out").exists()


# -- empty batches and windows, in a subprocess -----------------------------------------------
@pytest.fixture(scope="module")
def forecaster(tmp_path_factory):
    import zoo
    from export import to_onnx
    from zoo.models.forecasting.backtest import series_part

    model = zoo.create_model(
        "forecast-lstm", units=4, epochs=1, input_width=24, horizon=4, relative=False
    )
    train, _ = model.default_data()
    model.fit(series_part(train, -400), verbose=0)
    root = tmp_path_factory.mktemp("tiny-forecaster")
    model.save(root / "model")
    return to_onnx(root / "model", root / "bundle", streaming=True)


_RUN = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    from export.runtime import Predictor
    p = Predictor.load(sys.argv[1])
    try:
        {call}
    except Exception as error:
        out = {{"type": type(error).__name__, "message": str(error)}}
    else:
        out = {{"type": None, "message": ""}}
    print(json.dumps(out))
    """
)

W, F = "p.graphs['network'].inputs[0]['shape'][1]", "p.graphs['network'].inputs[0]['shape'][2]"
SENTIMENT_CALLS = {
    "predict-empty-list": "p.predict([])",
    "predict-empty-tuple": "p.predict(())",
    "run-zero-rows": "p.run('network', {'tokens': np.zeros((0, 16), 'int32')})",
}
FORECASTER_CALLS = {
    "run-zero-row-window": f"p.run('network', {{'window': np.zeros((0, {W}, {F}), 'float32')}})",
    "run-zero-step-window": f"p.run('network', {{'window': np.zeros((1, 0, {F}), 'float32')}})",
    "stream-empty-chunk": "p.stream().update(np.zeros((0, 1), 'float32'))",
    "stream-zero-steps": (
        "s = p.graphs['stream']; feeds = {i['name']: np.zeros([1, i['shape'][1]], 'float32') "
        "for i in s.inputs[1:]}; "
        f"feeds['steps'] = np.zeros((1, 0, {F}), 'float32'); s.run(feeds)"
    ),
    "window-with-nan": (
        f"x = np.zeros((1, {W}, {F}), 'float32'); x[0, 3, 0] = np.nan; "
        "p.run('network', {'window': x})"
    ),
}


def _in_subprocess(bundle: Path, call: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _RUN.format(call=call), str(bundle)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, f"crashed with {done.returncode}: {done.stderr[-2000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("case", sorted(SENTIMENT_CALLS))
def test_an_empty_sentiment_batch_raises_input_error(seeds, case):
    out = _in_subprocess(seeds["bundle"], SENTIMENT_CALLS[case])
    assert out["type"] == "InputError", out
    assert "empty" in out["message"] and "\n" not in out["message"]


@pytest.mark.parametrize("case", sorted(FORECASTER_CALLS))
def test_an_empty_or_broken_window_raises_input_error(forecaster, case):
    out = _in_subprocess(forecaster, FORECASTER_CALLS[case])
    assert out["type"] == "InputError", out
    assert "\n" not in out["message"]
    expected = {"window-with-nan": "NaN", "run-zero-step-window": "expected shape [?, 24"}
    assert expected.get(case, "empty") in out["message"], out


# -- predict --file ------------------------------------------------------------------------
def test_predict_file_on_a_directory(seeds, tmp_path):
    one_line_error(invoke("predict", seeds["bundle"], "--file", tmp_path), str(tmp_path), "--file")


#: content of --file -> fragments of the error (after the file name).
TEXT_FILES = {
    "latin-1": ("bon film\ntrès bon film\n".encode("latin-1"), "line 2, column 3: not UTF-8"),
    "utf-16": ("good film\n".encode("utf-16"), "line 1, column 1: not UTF-8"),
    "nul-byte": (b"good film\nbad\x00film\n", "line 2, column 4: a NUL byte"),
}


@pytest.mark.parametrize("kind", sorted(TEXT_FILES))
def test_predict_file_that_is_not_utf8_text(seeds, tmp_path, kind):
    content, fragment = TEXT_FILES[kind]
    path = tmp_path / "texts.txt"
    path.write_bytes(content)
    one_line_error(invoke("predict", seeds["bundle"], "--file", path), str(path), fragment)


def test_predict_file_too_large(seeds, tmp_path):
    path = tmp_path / "texts.txt"
    _sparse(path, 65 * 2**20)
    one_line_error(invoke("predict", seeds["bundle"], "--file", path), str(path), "64 MiB")


def test_predict_file_of_texts_works(seeds, tmp_path):
    path = tmp_path / "texts.txt"
    path.write_bytes("\ufeffa good film\r\n\r\nune très bonne idée\n".encode())
    result = invoke("predict", seeds["bundle"], "--file", path, "--json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) == 2


def test_predict_blank_text_argument(seeds):
    one_line_error(invoke("predict", seeds["bundle"], "   "), "text argument 1 is empty")
