"""The generated fuzz set of `test_fuzz.py`: malformed inputs a hostile or careless user
gives the command line, built from a few seeds by systematic mutation.

Each case is `Case(id, kind, build)`: `build(work, fixtures)` writes what the case needs
under the folder `work` and returns the command line (without `lstm-zoo`) and the
fragments the one error line must name (a file, a field, an option). Kinds:
data (loaders), option (CLI options), model (model directories), bundle (bundles),
predict (runtime inputs).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Build = Callable[[Path, dict[str, Any]], tuple[list[str], list[str]]]
MANIFEST = "zoo_bundle.json"

TINY = ["--epochs", "1", "--set", "units=8", "--set", "embedding_dim=8", "--set", "max_length=16"]
GOOD_REVIEWS = "review,sentiment\n" + "".join(
    f'"{w} film, truly {w}",{lab}\n' for w, lab in [("good", "positive"), ("bad", "negative")] * 40
)


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    build: Build
    # In a fresh process: a case that would block (a FIFO) if it regressed. Devices and
    # huge files run here; tests/security/test_data_bounds.py also runs them in a
    # subprocess with a memory cap.
    subprocess: bool = False


CASES: list[Case] = []


def case(id: str, kind: str, subprocess: bool = False):
    def register(build: Build) -> Build:
        CASES.append(Case(id, kind, build, subprocess))
        return build

    return register


# -- data files ---------------------------------------------------------------------------
def _bytes_file(name: str, content: bytes) -> Build:
    def build(work: Path, fx: dict[str, Any]) -> tuple[list[str], list[str]]:
        path = work / name
        path.write_bytes(content)
        model, tiny = "sentiment-lstm", TINY
        if name.endswith("series.csv"):
            model, tiny = "forecast-lstm", ["--epochs", "1", "--set", "units=8"]
        elif name.endswith("pairs.txt"):
            model, tiny = "translation-attention-lstm", TINY[:6]
        return ["train", model, "--data", str(path), "--out", str(work / "out"), *tiny], [name]

    return build


_SENTIMENT = {
    "empty": b"",
    "header-only": b"review,sentiment\n",
    "binary": bytes(range(256)) * 8,
    "latin1": ("review,sentiment\n" + '"très bon",positive\n' * 40).encode("latin-1"),
    "utf16-no-bom": GOOD_REVIEWS.encode("utf-16-le"),
    "nul-bytes": GOOD_REVIEWS.encode().replace(b"film", b"fi\x00lm"),
    "one-column": b"review\n" + b'"good film"\n' * 50,
    "one-class": ("review,sentiment\n" + '"good film",positive\n' * 60).encode(),
    "author-as-label": (
        "text,author\n" + "".join(f'"words number {i}",author{i}\n' for i in range(80))
    ).encode(),
    "stray-label": (GOOD_REVIEWS + '"odd film",neutral\n').encode(),
    "unclosed-quote": (GOOD_REVIEWS + '"never closed,positive\n').encode(),
    "only-blank-lines": b"\n\n\n\n",
    "long-line": b"review,sentiment\n" + b'"' + b"a" * (72 * 2**20) + b'",positive\n',
}
for _name, _content in _SENTIMENT.items():
    case(f"sentiment-{_name}", "data")(_bytes_file(f"{_name}-reviews.csv", _content))

_DATES = [f"2020-01-{d:02d} {h:02d}:00" for d in range(1, 29) for h in range(24)]
_GOOD_SERIES = "date,temp\n" + "".join(f"{d},{i % 24}.5\n" for i, d in enumerate(_DATES))
_SERIES = {
    "empty": b"",
    "header-only": b"date,temp\n",
    "not-a-number": _GOOD_SERIES.replace(",7.5\n", ",warm\n", 1).encode(),
    "bad-date": _GOOD_SERIES.replace("2020-01-02 03:00", "yesterday", 1).encode(),
    "duplicate-dates": _GOOD_SERIES.replace("2020-01-02 03:00", "2020-01-02 02:00", 1).encode(),
    "unsorted": _GOOD_SERIES.replace("2020-01-02 03:00", "2020-01-01 03:30", 1).encode(),
    "irregular": "".join(
        line for i, line in enumerate(_GOOD_SERIES.splitlines(True)) if i % 7 != 3
    ).encode(),
    "too-short": ("date,temp\n" + "".join(f"{d},1.0\n" for d in _DATES[:20])).encode(),
    "no-numeric-column": ("date,label\n" + "".join(f"{d},x\n" for d in _DATES)).encode(),
    "latin1": _GOOD_SERIES.replace("temp", "température").encode("latin-1"),
    "binary": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16,
    "ragged-row": _GOOD_SERIES.replace(",7.5\n", ",7.5,3,4\n", 1).encode(),
    "all-nan": ("date,temp\n" + "".join(f"{d},nan\n" for d in _DATES)).encode(),
}
for _name, _content in _SERIES.items():
    case(f"series-{_name}", "data")(_bytes_file(f"{_name}-series.csv", _content))

_PAIRS = {
    "no-tab": b"Go.\tVa !\nRun! Cours !\n" * 20,
    "empty": b"",
    "binary": bytes(range(256)) * 4,
    "latin1": "Go.\tVa très bien !\n".encode("latin-1") * 40,
}
for _name, _content in _PAIRS.items():
    case(f"pairs-{_name}", "data")(_bytes_file(f"{_name}-pairs.txt", _content))


@case("data-directory", "data")
def _(work, fx):
    (work / "folder").mkdir()
    return ["train", "sentiment-lstm", "--data", str(work / "folder"), *TINY], ["folder"]


@case("data-missing", "data")
def _(work, fx):
    return ["train", "sentiment-lstm", "--data", str(work / "nope.csv"), *TINY], ["nope.csv"]


@case("data-dev-zero", "data")
def _(work, fx):
    return ["train", "forecast-lstm", "--data", "/dev/zero", *TINY[:2]], ["/dev/zero"]


@case("data-fifo", "data", subprocess=True)
def _(work, fx):
    os.mkfifo(work / "pipe.csv")
    return ["train", "sentiment-lstm", "--data", str(work / "pipe.csv"), *TINY], ["pipe.csv"]


@case("data-sparse-5gb", "data")
def _(work, fx):
    with open(work / "huge.csv", "wb") as handle:
        handle.truncate(5 * 2**30)
    return ["train", "sentiment-lstm", "--data", str(work / "huge.csv"), *TINY], ["huge.csv"]


# -- options ------------------------------------------------------------------------------
def _option(id: str, args: list[str], mention: list[str]) -> None:
    def build(work: Path, fx: dict[str, Any]) -> tuple[list[str], list[str]]:
        filled = [a.format(work=work, reviews=fx["reviews"], model=fx["model"],
                           bundle=fx["bundle"]) for a in args]  # fmt: skip
        return filled, mention

    case(f"option-{id}", "option")(build)


_TRAIN = ["train", "sentiment-lstm", "--data", "{reviews}"]
_TUNE = ["tune", "sentiment-lstm", "--data", "{reviews}", "--directory", "{work}/t"]
for _id, _set, _mention in [
    ("set-units-text", "units=abc", ["units"]),
    ("set-units-negative", "units=-1", ["units"]),
    ("set-units-zero", "units=0", ["units"]),
    ("set-units-float", "units=2.5", ["units"]),
    ("set-layers-zero", "layers=0", ["layers"]),
    ("set-lr-negative", "learning_rate=-1", ["learning_rate"]),
    ("set-lr-text", "learning_rate=fast", ["learning_rate"]),
    ("set-batch-zero", "batch_size=0", ["batch_size"]),
    ("set-val-fraction", "val_fraction=1.5", ["val_fraction"]),
    ("set-dropout-one", "dropout=1.0", ["dropout"]),
    ("set-bidirectional-text", "bidirectional=maybe", ["bidirectional"]),
    ("set-unknown", "nosuch=1", ["nosuch"]),
    ("set-no-key", "=5", ["--set"]),
    ("set-no-value-sign", "units", ["--set"]),
]:
    _option(_id, [*_TRAIN, "--set", _set, "--out", "{work}/o"], _mention)
    if _id in ("set-units-text", "set-lr-negative", "set-unknown"):
        _option(f"tune-{_id}", [*_TUNE, "--set", _set], _mention)

for _id, _args, _mention in [
    ("epochs-zero", [*_TRAIN, "--epochs", "0"], ["--epochs"]),
    ("epochs-text", [*_TRAIN, "--epochs", "many"], ["--epochs"]),
    ("seed-text", [*_TRAIN, "--seed", "x"], ["--seed"]),
    ("unknown-model", ["train", "sentiment-lsmt", "--data", "{reviews}"], ["sentiment-lsmt"]),
    ("unknown-option", [*_TRAIN, "--epoch", "1"], ["--epoch"]),
    ("out-is-file", [*_TRAIN, "--out", "{reviews}"], ["--out"]),
    ("out-under-file", [*_TRAIN, "--out", "{reviews}/sub"], ["--out"]),
    ("out-in-proc", [*_TRAIN, "--out", "/proc/lstm-zoo-out"], ["--out"]),
    ("tuner-unknown", [*_TUNE, "--tuner", "genetic"], ["genetic"]),
    ("max-trials-zero", [*_TUNE, "--max-trials", "0"], ["--max-trials"]),
    ("max-epochs-zero", [*_TUNE, "--max-epochs", "0"], ["--max-epochs"]),
    ("time-budget-text", [*_TUNE, "--time-budget", "soon"], ["soon"]),
    ("time-budget-negative", [*_TUNE, "--time-budget", "-5s"], ["-5s"]),
    ("executions-zero", [*_TUNE, "--executions-per-trial", "0"], ["--executions-per-trial"]),
    ("distributed-role", [*_TUNE, "--distributed", "boss"], ["boss"]),
    ("worker-no-oracle", [*_TUNE, "--distributed", "worker"], ["--oracle"]),
    ("oracle-address", [*_TUNE, "--distributed", "chief", "--oracle", "nowhere"], ["nowhere"]),
    ("connect-timeout-zero", [*_TUNE, "--connect-timeout", "0"], ["--connect-timeout"]),
    ("export-opset-low", ["export", "{model}", "--out", "{work}/b", "--opset", "5"], ["--opset"]),
    ("export-missing-model", ["export", "{work}/none", "--out", "{work}/b"], ["none"]),
    ("verify-atol-negative", ["verify", "{bundle}", "--atol", "-1"], ["--atol"]),
    ("verify-not-a-bundle", ["verify", "{work}"], [MANIFEST]),
    ("predict-beam-zero", ["predict", "{bundle}", "good", "--beam", "0"], ["--beam"]),
    ("predict-missing-bundle", ["predict", "{work}/nob", "good"], ["nob"]),
    ("translate-not-translator", ["translate", "{model}", "hello"], ["sentiment"]),
]:
    _option(_id, _args, _mention)


# -- model directories --------------------------------------------------------------------
STATE = "zoo_model.json"


def _model_copy(work: Path, fx: dict[str, Any]) -> Path:
    target = work / "model"
    shutil.copytree(fx["model"], target)
    return target


def _state_edit(id: str, edit: Callable[[dict[str, Any]], Any], mention: list[str]) -> None:
    def build(work: Path, fx: dict[str, Any]) -> tuple[list[str], list[str]]:
        model = _model_copy(work, fx)
        state = json.loads((model / STATE).read_text())
        edit(state)
        (model / STATE).write_text(json.dumps(state))
        return ["export", str(model), "--out", str(work / "bundle")], [STATE, *mention]

    case(f"model-{id}", "model")(build)


def _model_bytes(id: str, name: str, content: bytes | None, mention: list[str]) -> None:
    def build(work: Path, fx: dict[str, Any]) -> tuple[list[str], list[str]]:
        model = _model_copy(work, fx)
        path = model / name
        if content is None:
            path.unlink()
            path.mkdir()
        else:
            path.write_bytes(content(path.read_bytes()) if callable(content) else content)
        return ["export", str(model), "--out", str(work / "bundle")], [name, *mention]

    case(f"model-{id}", "model")(build)


_STATE_KEYS = ("format_version", "name", "hparams", "preprocessing")
for _key in _STATE_KEYS:
    _state_edit(f"missing-{_key}", lambda s, k=_key: s.pop(k), [_key])
    for _label, _bad in (("null", None), ("list", [1]), ("text", "x"), ("number", 7)):
        if (_key, _label) in (("name", "text"), ("format_version", "number")):
            continue  # a text name is an unknown name, a number version a wrong version
        _state_edit(f"{_key}-is-{_label}", lambda s, k=_key, v=_bad: s.__setitem__(k, v), [_key])
_state_edit("format-version-99", lambda s: s.__setitem__("format_version", 99), ["format_version"])
_state_edit("name-unregistered", lambda s: s.__setitem__("name", "my-model"), ["my-model"])
_state_edit(
    "class-attack",
    lambda s: s.update(name="evil", **{"class": "os.system"}, hparams={"command": "touch X"}),
    ["evil"],
)
_state_edit("hparam-unknown", lambda s: s["hparams"].__setitem__("wings", 2), ["wings"])
_state_edit("hparam-wrong-type", lambda s: s["hparams"].__setitem__("units", "many"), ["units"])
_state_edit("hparam-out-of-range", lambda s: s["hparams"].__setitem__("units", -4), ["units"])
_state_edit("preprocessing-empty", lambda s: s.__setitem__("preprocessing", {}), [])
_model_bytes("state-not-json", STATE, b"{not json", [])
_model_bytes("state-empty", STATE, b"", [])
_model_bytes("state-binary", STATE, bytes(range(256)), [])
_model_bytes("state-utf16", STATE, lambda old: old.decode().encode("utf-16"), [])
_model_bytes("state-deep-nesting", STATE, b"[" * 100_000 + b"]" * 100_000, [])
_model_bytes("state-is-directory", STATE, None, [])
_model_bytes("keras-zero-bytes", "model.keras", b"", [])
_model_bytes("keras-truncated", "model.keras", lambda old: old[: len(old) // 2], [])
_model_bytes("keras-not-zip", "model.keras", b"PK but not really a zip file", [])
_model_bytes("keras-is-directory", "model.keras", None, [])


@case("model-keras-missing", "model")
def _(work, fx):
    model = _model_copy(work, fx)
    (model / "model.keras").unlink()
    return ["export", str(model), "--out", str(work / "bundle")], ["model.keras"]


@case("model-state-symlink-outside", "model")
def _(work, fx):
    model = _model_copy(work, fx)
    outside = work / "elsewhere.json"
    shutil.move(model / STATE, outside)
    (model / STATE).symlink_to(outside)
    return ["export", str(model), "--out", str(work / "bundle")], [STATE]


# -- bundles ------------------------------------------------------------------------------
def _bundle_copy(work: Path, fx: dict[str, Any]) -> Path:
    target = work / "bundle"
    shutil.copytree(fx["bundle"], target, symlinks=True)
    return target


def _manifest_edit(id: str, edit: Callable[[dict[str, Any], Path], Any], mention: list[str]):
    def build(work: Path, fx: dict[str, Any]) -> tuple[list[str], list[str]]:
        bundle = _bundle_copy(work, fx)
        manifest = json.loads((bundle / MANIFEST).read_text())
        edit(manifest, work)
        (bundle / MANIFEST).write_text(json.dumps(manifest, indent=2))
        return ["predict", str(bundle), "a good film"], [MANIFEST, *mention]

    case(f"bundle-{id}", "bundle")(build)


def _graph(manifest: dict[str, Any]) -> dict[str, Any]:
    return next(iter(manifest["graphs"].values()))


for _key in ("format", "format_version", "name", "hparams", "preprocessing", "graphs"):
    _manifest_edit(f"missing-{_key}", lambda m, w, k=_key: m.pop(k), [])
    _manifest_edit(f"{_key}-is-null", lambda m, w, k=_key: m.__setitem__(k, None), [])
for _key in ("file", "inputs", "outputs", "sha256"):
    _manifest_edit(f"graph-missing-{_key}", lambda m, w, k=_key: _graph(m).pop(k), [])
    _manifest_edit(f"graph-{_key}-is-number", lambda m, w, k=_key: _graph(m).update({k: 3}), [])
_manifest_edit("format-version-99", lambda m, w: m.__setitem__("format_version", 99), [])
_manifest_edit("graphs-empty", lambda m, w: m.__setitem__("graphs", {}), [])
_manifest_edit("name-unregistered", lambda m, w: m.__setitem__("name", "their-model"), [])
_manifest_edit(
    "class-attack",
    lambda m, w: m.update(name="evil", **{"class": "os.system"}, hparams={"command": "touch X"}),
    [],
)
_manifest_edit("labels-reversed", lambda m, w: _reverse_labels(m), [])
_manifest_edit("graph-parent-path", lambda m, w: _graph(m).update(file="../x/model.onnx"), [])
_manifest_edit("graph-absolute-path", lambda m, w: _graph(m).update(file="/etc/passwd"), [])
_manifest_edit("input-dtype-unknown", lambda m, w: _graph(m)["inputs"][0].update(dtype="f99"), [])
_manifest_edit("hparams-out-of-range", lambda m, w: m["hparams"].update(units=-1), [])


def _reverse_labels(manifest: dict[str, Any]) -> None:
    state = manifest["preprocessing"]
    for key, value in state.items():
        if isinstance(value, list) and len(value) > 1 and all(isinstance(v, str) for v in value):
            state[key] = value[::-1]
            return
    raise AssertionError("no label list in the sentiment preprocessing state")


def _bundle_bytes(id: str, change: Callable[[Path], Any], mention: list[str]) -> None:
    def build(work: Path, fx: dict[str, Any]) -> tuple[list[str], list[str]]:
        bundle = _bundle_copy(work, fx)
        named = change(bundle)
        return ["predict", str(bundle), "a good film"], [named, *mention]

    case(f"bundle-{id}", "bundle")(build)


def _flip(path: Path, at: float = 0.5) -> str:
    data = bytearray(path.read_bytes())
    data[int(len(data) * at)] ^= 0xFF
    path.write_bytes(bytes(data))
    return path.name


def _graph_file(bundle: Path) -> Path:
    return bundle / "network" / "model.onnx"


_bundle_bytes("graph-byte-flipped", lambda b: _flip(_graph_file(b)), [])
_bundle_bytes("graph-first-byte", lambda b: _flip(_graph_file(b), 0.0), [])
_bundle_bytes("graph-truncated", lambda b: _truncate(_graph_file(b)), [])
_bundle_bytes("graph-missing", lambda b: _remove(_graph_file(b)), [])
_bundle_bytes("graph-symlink", lambda b: _symlink_out(_graph_file(b)), [])
_bundle_bytes("manifest-byte-flipped", lambda b: _flip(b / MANIFEST, 0.3), [])
_bundle_bytes("manifest-not-json", lambda b: _write(b / MANIFEST, b"{"), [])
_bundle_bytes("manifest-binary", lambda b: _write(b / MANIFEST, bytes(range(256))), [])
_bundle_bytes("manifest-empty", lambda b: _write(b / MANIFEST, b""), [])
_bundle_bytes("test-data-flipped", lambda b: _flip(b / "network/test_data_set_0/input_0.pb"), [])
_bundle_bytes("graph-dir-symlink", lambda b: _symlink_dir(b / "network"), [])


def _truncate(path: Path) -> str:
    path.write_bytes(path.read_bytes()[:100])
    return path.name


def _remove(path: Path) -> str:
    path.unlink()
    return path.name


def _write(path: Path, content: bytes) -> str:
    path.write_bytes(content)
    return path.name


def _symlink_out(path: Path) -> str:
    outside = path.parent.parent.parent / "outside.onnx"
    shutil.move(path, outside)
    path.symlink_to(outside)
    return path.name


def _symlink_dir(path: Path) -> str:
    outside = path.parent.parent / "outside-network"
    shutil.move(path, outside)
    path.symlink_to(outside, target_is_directory=True)
    return path.name


# -- runtime inputs -----------------------------------------------------------------------
for _id, _args, _mention in [
    ("empty-text", ["predict", "{bundle}", ""], ["empty"]),
    ("blank-text", ["predict", "{bundle}", "   "], ["empty"]),
    ("no-input", ["predict", "{bundle}"], ["predict"]),
    ("file-directory", ["predict", "{bundle}", "--file", "{work}"], ["--file"]),
    ("file-missing", ["predict", "{bundle}", "--file", "{work}/none.txt"], ["none.txt"]),
]:
    _option(f"predict-{_id}", _args, _mention)


@case("predict-file-latin1", "predict")
def _(work, fx):
    (work / "texts.txt").write_bytes("très bon film\n".encode("latin-1"))
    return ["predict", fx["bundle"], "--file", str(work / "texts.txt")], ["texts.txt"]


@case("predict-file-binary", "predict")
def _(work, fx):
    (work / "texts.bin").write_bytes(bytes(range(256)) * 8)
    return ["predict", fx["bundle"], "--file", str(work / "texts.bin")], ["texts.bin"]


@case("predict-file-dev-zero", "predict")
def _(work, fx):
    return ["predict", fx["bundle"], "--file", "/dev/zero"], ["/dev/zero"]
