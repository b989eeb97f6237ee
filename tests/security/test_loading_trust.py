"""Loading never imports or calls a name taken from a file.

A model directory or bundle whose metadata names an unregistered model, or a
`class` that is not the registered one, is refused with a one-line error
naming the file and field before anything named in it is imported. Each
attack below would create a marker file if the code ran: `"class"` names a
sentinel module (on `sys.path`) that writes the marker when imported or
called, or `doctest.run_docstring_examples` with a doctest that writes it.
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

from tests.trust_helpers import edit_manifest, one_line_error, run_cli, tiny_sentiment

ROOT = Path(__file__).resolve().parents[2]
SENTINEL = "lstm_zoo_sentinel"


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    return tiny_sentiment(tmp_path_factory)


@pytest.fixture
def attack(tmp_path):
    """`(sentinel folder, marker path, environment)`: a module that writes the
    marker when imported or called, on the PYTHONPATH of the subprocesses."""
    folder = tmp_path / "sentinel"
    folder.mkdir()
    marker = tmp_path / "MARKER"
    (folder / f"{SENTINEL}.py").write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('imported')\n"
        f"def run(*args, **kwargs):\n    pathlib.Path({str(marker)!r}).write_text('called')\n"
    )
    env = {"PYTHONPATH": os.pathsep.join([str(ROOT), str(folder)])}
    return folder, marker, env


def _doctest_hparams(marker: Path) -> dict:
    return {"f": f">>> open({str(marker)!r}, 'w').write('ran')\n3\n", "globs": {}}


ATTACKS = {
    "sentinel-unregistered": lambda marker: {
        "name": "not-registered",
        "class": f"{SENTINEL}.run",
        "hparams": {},
    },
    "doctest-unregistered": lambda marker: {
        "name": "not-registered",
        "class": "doctest.run_docstring_examples",
        "hparams": _doctest_hparams(marker),
    },
    "os-system-unregistered": lambda marker: {
        "name": "evil",
        "class": "os.system",
        "hparams": {"command": f"touch {marker}"},
    },
    "sentinel-registered-name": lambda marker: {
        "name": "sentiment-lstm",
        "class": f"{SENTINEL}.run",
    },
}
FIELD = {
    "sentinel-unregistered": "name",
    "doctest-unregistered": "name",
    "os-system-unregistered": "name",
    "sentinel-registered-name": "class",
}

_PROBE = textwrap.dedent(
    """
    import json, sys
    before = set(sys.modules)
    try:
        {call}
    except Exception as error:
        out = {{"type": type(error).__name__, "message": str(error)}}
    else:
        out = {{"type": None, "message": ""}}
    out["imported"] = sorted(
        m for m in set(sys.modules) - before if m.split(".")[0] in ("doctest", "{sentinel}")
    )
    out["preloaded"] = sorted(m for m in before if m.split(".")[0] in ("doctest", "{sentinel}"))
    print(json.dumps(out))
    """
)


def _probe(call: str, path: Path, env: dict[str, str]) -> dict:
    """Runs `call` (with PATH bound to `path`) in a fresh interpreter; what it raised and
    which of the attack's modules got imported."""
    script = _PROBE.format(call=call, sentinel=SENTINEL)
    done = subprocess.run(
        [sys.executable, "-c", f"PATH = {str(path)!r}\n" + script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **env},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _model_attack(seeds, tmp_path, attack_id, marker) -> Path:
    model = tmp_path / "model"
    shutil.copytree(seeds["model"], model)
    state = json.loads((model / "zoo_model.json").read_text())
    state.update(ATTACKS[attack_id](marker))
    (model / "zoo_model.json").write_text(json.dumps(state, indent=2))
    return model


def _bundle_attack(seeds, tmp_path, attack_id, marker) -> Path:
    bundle = tmp_path / "bundle"
    shutil.copytree(seeds["bundle"], bundle)
    edit_manifest(bundle, lambda m: m.update(ATTACKS[attack_id](marker)))  # sealed again
    return bundle


def _assert_refused(out: dict, file: str, field: str, marker: Path) -> None:
    assert out["type"] is not None, "the attack was loaded"
    assert file in out["message"] and f"field '{field}'" in out["message"], out
    assert "\n" not in out["message"]
    assert out["imported"] == [] and out["preloaded"] == [], out
    assert not marker.exists(), f"code named in the file ran: {marker.read_text()}"


@pytest.mark.parametrize("attack_id", sorted(ATTACKS))
def test_load_model_refuses_before_importing(seeds, tmp_path, attack, attack_id):
    _, marker, env = attack
    model = _model_attack(seeds, tmp_path, attack_id, marker)
    out = _probe("import zoo; zoo.load_model(PATH)", model, env)
    assert out["type"] == "ModelFileError", out
    _assert_refused(out, "zoo_model.json", FIELD[attack_id], marker)


@pytest.mark.parametrize("attack_id", sorted(ATTACKS))
def test_predictor_load_refuses_before_importing(seeds, tmp_path, attack, attack_id):
    _, marker, env = attack
    bundle = _bundle_attack(seeds, tmp_path, attack_id, marker)
    out = _probe("from export.runtime import Predictor; Predictor.load(PATH)", bundle, env)
    assert out["type"] == "BundleIntegrityError", out
    _assert_refused(out, "zoo_bundle.json", FIELD[attack_id], marker)


def test_the_sentinel_would_fire(seeds, tmp_path, attack):
    """The probes can see an import: importing the sentinel does write the marker."""
    _, marker, env = attack
    out = _probe(f"import {SENTINEL}", tmp_path, env)
    assert out["imported"] == [SENTINEL] and marker.read_text() == "imported"


@pytest.mark.parametrize("command", ["export", "translate"])
def test_commands_on_a_model_directory_refuse(seeds, tmp_path, attack, command):
    _, marker, env = attack
    model = _model_attack(seeds, tmp_path, "sentinel-unregistered", marker)
    args = ["export", model, "--out", tmp_path / "out"] if command == "export" else []
    args = args or ["translate", model, "hello"]
    result = run_cli(*args, env=env, timeout=180)
    one_line_error(result, "zoo_model.json", "field 'name'", "not-registered")
    assert not marker.exists()
    assert not (tmp_path / "out").exists()


def test_predict_on_a_bundle_refuses(seeds, tmp_path, attack):
    _, marker, env = attack
    bundle = _bundle_attack(seeds, tmp_path, "doctest-unregistered", marker)
    result = run_cli("predict", bundle, "a good film", env=env, timeout=180)
    one_line_error(result, "zoo_bundle.json", "field 'name'", "not-registered")
    assert not marker.exists()


@pytest.mark.parametrize("attack_id", ["sentinel-unregistered", "sentinel-registered-name"])
def test_verify_fails_such_a_bundle(seeds, tmp_path, attack, attack_id):
    _, marker, env = attack
    bundle = _bundle_attack(seeds, tmp_path, attack_id, marker)
    result = run_cli("verify", bundle, "--no-latency", env=env, timeout=180)
    assert result.returncode == 1, result.stdout
    errors = [line for line in result.stdout.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "Traceback" not in result.stdout, result.stdout
    assert "zoo_bundle.json" in errors[0] and f"field '{FIELD[attack_id]}'" in errors[0]
    assert not marker.exists()


def test_an_unsealed_attack_is_refused_too(seeds, tmp_path, attack):
    """Without recomputing the seal the edit is caught as a modified manifest."""
    _, marker, env = attack
    bundle = tmp_path / "bundle"
    shutil.copytree(seeds["bundle"], bundle)
    edit_manifest(bundle, lambda m: m.update(ATTACKS["os-system-unregistered"](marker)), seal=False)
    out = _probe("from export.runtime import Predictor; Predictor.load(PATH)", bundle, env)
    assert out["type"] == "BundleIntegrityError" and "zoo_bundle.json" in out["message"]
    assert "seal" in out["message"] and not marker.exists()


def test_model_class_never_imports(monkeypatch):
    """The registry compares a recorded class path, and never imports it."""
    import importlib

    from zoo.registry import FAMILY_MODULES, UnknownModelError, class_path, model_class

    original = importlib.import_module

    def forbidden(name, *args, **kwargs):
        if name in FAMILY_MODULES:  # the registry's own, fixed list of families
            return original(name, *args, **kwargs)
        raise AssertionError(f"imported {name}")

    klass = model_class("sentiment-lstm")
    monkeypatch.setattr(importlib, "import_module", forbidden)
    assert model_class("sentiment-lstm", class_path(klass)) is klass
    with pytest.raises(ValueError, match="is not the class registered as 'sentiment-lstm'"):
        model_class("sentiment-lstm", "os.system")
    with pytest.raises(UnknownModelError, match="Unknown model 'os.system'"):
        model_class("os.system", "os.system")


@pytest.mark.parametrize("size", ["zero", "truncated", "not-zip"])
def test_a_broken_model_keras_is_named(seeds, tmp_path, size):
    import zoo
    from zoo.models.loading import ModelFileError

    model = tmp_path / "model"
    shutil.copytree(seeds["model"], model)
    path = model / "model.keras"
    data = path.read_bytes()
    path.write_bytes(
        {"zero": b"", "truncated": data[: len(data) // 2], "not-zip": b"PK" * 50}[size]
    )
    with pytest.raises(ModelFileError, match=r"model\.keras: .*not a valid Keras archive") as info:
        zoo.load_model(model)
    assert "not found" not in str(info.value).lower()
    result = run_cli("export", model, "--out", tmp_path / "out", timeout=180)
    one_line_error(result, "model.keras", "not a valid Keras archive")
