"""A bundle is sealed and confined.

* Changing any byte of a bundle (the manifest with its labels, vocabulary and
  hyperparameters, a graph, a reference tensor) makes `verify` exit 1 and
  `Predictor.load` refuse, naming the file.
* A graph swapped in with its digests recomputed is caught by its metadata
  and inputs (runtime) and by recounting its nodes (`verify`).
* Paths stay inside the bundle: no `..`, no absolute path, no symbolic link on
  the way, and the error is the same whether a target outside exists or not.
* No absolute path of the exporting machine is stored.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from export.bundle import MANIFEST, BundleError, read_manifest
from export.runtime import Predictor
from tests.trust_helpers import edit_manifest, invoke, record_file, run_cli, tiny_sentiment

GRAPH = "network/model.onnx"
TENSORS = ["network/test_data_set_0/input_0.pb", "network/test_data_set_1/output_0.pb"]


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    return tiny_sentiment(tmp_path_factory)


@pytest.fixture
def pair(seeds, tmp_path):
    """A copy of the model directory and its bundle, side by side."""
    shutil.copytree(seeds["model"], tmp_path / "model")
    shutil.copytree(seeds["bundle"], tmp_path / "bundle")
    return tmp_path / "model", tmp_path / "bundle"


@pytest.fixture
def bundle(pair):
    return pair[1]


def _flip(path: Path, position: int, mask: int = 0x01) -> None:
    data = bytearray(path.read_bytes())
    data[position] ^= mask
    path.write_bytes(bytes(data))


def _position(text: bytes, *anchors: bytes) -> int:
    """The position of the first byte after the last of `anchors`, found in order."""
    at = 0
    for anchor in anchors:
        at = text.index(anchor, at) + len(anchor)
    return at


def _verify_fails_naming(bundle: Path, name: str) -> str:
    result = invoke("verify", bundle, "--no-latency")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and name in errors[0], result.output
    return errors[0]


def _load_refused_naming(bundle: Path, name: str) -> str:
    with pytest.raises(BundleError) as info:
        Predictor.load(bundle)
    assert name in str(info.value) and "\n" not in str(info.value), info.value
    return str(info.value)


def test_an_intact_bundle_verifies_and_loads(pair):
    """The control of every edit below: the copy itself passes."""
    _, bundle = pair
    result = run_cli("verify", bundle, "--no-latency", timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "fresh random" in result.stdout  # compared with the Keras model beside it
    assert Predictor.load(bundle).predict(["a good film"])[0]["label"]


#: Where to flip one byte of the manifest (after these anchors), and how (XOR mask).
MANIFEST_EDITS = {
    "label-name": ((b'"label_names": [', b'"'), 0x01),  # "negative" -> "oegative"
    "vocabulary-entry": ((b'"tokens": [', b'"<unk>",', b'"'), 0x01),
    "hyperparameter": ((b'"units": ',), 0x01),  # 8 -> 9
    "graph-node-count": ((b'"lstm_nodes": ',), 0x01),
    "seal": ((b'"seal": "',), 0x01),
    "indentation": ((b'"hparams": {\n',), 0x29),  # a space -> a tab: same JSON values
}


@pytest.mark.parametrize("edit", sorted(MANIFEST_EDITS))
def test_one_byte_of_the_manifest(bundle, edit):
    path = bundle / MANIFEST
    anchors, mask = MANIFEST_EDITS[edit]
    _flip(path, _position(path.read_bytes(), *anchors), mask)
    _verify_fails_naming(bundle, MANIFEST)
    _load_refused_naming(bundle, MANIFEST)


@pytest.mark.parametrize("relative", [GRAPH, *TENSORS])
def test_one_byte_of_a_graph_or_reference_tensor(bundle, relative):
    path = bundle / relative
    _flip(path, path.stat().st_size // 2)
    _verify_fails_naming(bundle, relative)
    _load_refused_naming(bundle, relative)


def test_reversed_labels_are_refused(bundle):
    edit_manifest(bundle, lambda m: m["preprocessing"]["label_names"].reverse(), seal=False)
    assert "seal" in _load_refused_naming(bundle, MANIFEST)


@pytest.mark.parametrize("relative", [MANIFEST, GRAPH, *TENSORS])
def test_every_sampled_byte_of_every_file_counts(bundle, relative):
    """40 positions spread over the file, each flipped on its own: each is refused."""
    path = bundle / relative
    original = path.read_bytes()
    positions = sorted({int(i) for i in np.linspace(0, len(original) - 1, 40)})
    for position in positions:
        _flip(path, position)
        with pytest.raises(BundleError, match=path.name):
            read_manifest(bundle)
        path.write_bytes(original)
    read_manifest(bundle)  # and the restored bundle passes again


def test_a_truncated_or_extended_file_is_refused(bundle):
    path = bundle / TENSORS[0]
    original = path.read_bytes()
    path.write_bytes(original[:-1])
    _load_refused_naming(bundle, TENSORS[0])
    path.write_bytes(original + b"\0")
    _load_refused_naming(bundle, TENSORS[0])


def test_no_absolute_path_is_stored(seeds):
    text = (seeds["bundle"] / MANIFEST).read_text()
    for absolute in {str(seeds["root"]), str(Path(seeds["root"]).resolve()), str(Path.home())}:
        assert absolute not in text
    manifest = json.loads(text)
    assert manifest["source_model"]["directory"] == "model"
    assert set(manifest["files"]) >= {GRAPH, *TENSORS}


# -- a graph swapped in, its digests recomputed --------------------------------------------
def _onnx_graph(path: Path, inputs, output, nodes, meta: dict[str, str]) -> None:
    import onnx
    from onnx import TensorProto, helper

    kinds = {"int32": TensorProto.INT32, "float32": TensorProto.FLOAT}
    graph = helper.make_graph(
        nodes,
        "imposter",
        [helper.make_tensor_value_info(n, kinds[t], s) for n, t, s in inputs],
        [helper.make_tensor_value_info(output, TensorProto.FLOAT, [None, 2])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    helper.set_model_props(model, meta)
    onnx.save(model, path)


OWN_META = {
    "lstm_zoo.model": "sentiment-lstm",
    "lstm_zoo.task": "sentiment",
    "lstm_zoo.graph": "network",
}
MEAN_NODES = [
    ("Cast", ["tokens"], ["x"], {"to": 1}),
    ("ReduceMean", ["x"], ["m"], {"axes": [1], "keepdims": 1}),
    ("Concat", ["m", "m"], ["z"], {"axis": 1}),
    ("Softmax", ["z"], ["probabilities"], {"axis": 1}),
]


def _swap(bundle: Path, inputs, nodes, meta) -> None:
    from onnx import helper

    made = [helper.make_node(op, i, o, **a) for op, i, o, a in nodes]
    _onnx_graph(bundle / GRAPH, inputs, "probabilities", made, meta)
    edit_manifest(bundle, lambda m: record_file(m, bundle, GRAPH))
    read_manifest(bundle)  # the digests and the seal were recomputed: they pass


def test_another_models_graph_is_named(bundle):
    forecaster = {**OWN_META, "lstm_zoo.model": "forecast-lstm", "lstm_zoo.task": "forecasting"}
    nodes = [
        ("ReduceMean", ["window"], ["m"], {"axes": [1], "keepdims": 0}),
        ("Concat", ["m", "m"], ["z"], {"axis": 1}),
        ("Softmax", ["z"], ["probabilities"], {"axis": 1}),
    ]
    _swap(bundle, [("window", "float32", [None, 30, 1])], nodes, forecaster)
    message = _load_refused_naming(bundle, GRAPH)
    assert "lstm_zoo.model is 'forecast-lstm'" in message and "'sentiment-lstm'" in message
    assert "Required inputs" not in message
    line = _verify_fails_report(bundle)
    assert "lstm_zoo.model" in line


def _verify_fails_report(bundle: Path) -> str:
    result = invoke("verify", bundle, "--no-latency")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("onnx.checker")]
    assert len(lines) == 1 and "failed" in lines[0] and GRAPH in lines[0], result.output
    return lines[0]


def test_a_graph_with_other_inputs_is_named(bundle):
    nodes = [("Cast", ["window"], ["tokens"], {"to": 6}), *MEAN_NODES]
    _swap(bundle, [("window", "float32", [None, 16])], nodes, OWN_META)
    message = _load_refused_naming(bundle, GRAPH)
    assert "takes inputs ['window'], the manifest says ['tokens']" in message


def test_a_graph_without_our_metadata_is_named(bundle):
    _swap(bundle, [("tokens", "int32", [None, 16])], MEAN_NODES, {})
    assert "lstm_zoo.model is missing" in _load_refused_naming(bundle, GRAPH)


def test_verify_recounts_the_nodes_of_the_graph(bundle):
    """A graph with our metadata and inputs but no LSTM: the runtime takes it (it is
    well-formed), `verify` counts its nodes itself and fails it."""
    _swap(bundle, [("tokens", "int32", [None, 16])], MEAN_NODES, OWN_META)
    assert json.loads((bundle / MANIFEST).read_text())["graphs"]["network"]["lstm_nodes"] == 1
    Predictor.load(bundle)
    line = _verify_fails_report(bundle)
    assert "LSTM nodes 0" in line
    assert "the graph has 0 LSTM and 0 Loop node(s), the manifest says 1 and 0" in line


# -- confinement ---------------------------------------------------------------------------
def _move_graph(bundle: Path, relative: str) -> None:
    def edit(manifest):
        manifest["graphs"]["network"]["file"] = relative
        manifest["files"][relative] = manifest["files"].pop(GRAPH)

    edit_manifest(bundle, edit)


def _same_answer_whether_outside_exists(bundle: Path, outside: Path) -> str:
    """The error for `bundle` with `outside` missing, then present (a real graph): the same."""
    assert not outside.exists()
    with pytest.raises(BundleError) as missing:
        Predictor.load(bundle)
    outside.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(bundle.parent / "pristine.onnx", outside)
    with pytest.raises(BundleError) as present:
        Predictor.load(bundle)
    assert str(missing.value) == str(present.value)
    with_outside = _verify_fails_naming(bundle, MANIFEST)
    outside.unlink()
    assert _verify_fails_naming(bundle, MANIFEST) == with_outside
    return str(present.value)


@pytest.fixture
def nested(seeds, tmp_path):
    """A bundle at `tmp/a/bundle` (so `../../x` is `tmp/x`) and a pristine graph copy."""
    bundle = tmp_path / "a" / "bundle"
    shutil.copytree(seeds["bundle"], bundle)
    shutil.copy(bundle / GRAPH, bundle.parent / "pristine.onnx")
    return bundle


def test_a_parent_path_is_refused(nested, tmp_path):
    _move_graph(nested, "../../x/model.onnx")
    message = _same_answer_whether_outside_exists(nested, tmp_path / "x" / "model.onnx")
    assert MANIFEST in message and "not a relative path inside the bundle" in message


def test_an_absolute_path_is_refused(nested, tmp_path):
    outside = tmp_path / "abs" / "model.onnx"
    _move_graph(nested, str(outside))
    message = _same_answer_whether_outside_exists(nested, outside)
    assert MANIFEST in message and "not a relative path inside the bundle" in message


def test_a_symlinked_graph_is_refused(nested, tmp_path):
    outside = tmp_path / "elsewhere" / "model.onnx"
    (nested / GRAPH).unlink()
    (nested / GRAPH).symlink_to(outside)  # to an identical copy once it exists
    message = _same_answer_whether_outside_exists(nested, outside)
    assert "symbolic link" in message and GRAPH in message


def test_a_symlinked_directory_is_refused(nested, tmp_path):
    outside = tmp_path / "elsewhere-network"
    shutil.move(nested / "network", outside)
    (nested / "network").symlink_to(outside, target_is_directory=True)
    message = _load_refused_naming(nested, "network")
    assert "symbolic link (network)" in message
    _verify_fails_naming(nested, "symbolic link")
    shutil.rmtree(outside)  # a dangling link: the same answer
    assert _load_refused_naming(nested, "network") == message


def test_a_symlinked_reference_set_is_refused(nested, tmp_path):
    folder = nested / "network" / "test_data_set_0"
    shutil.move(folder, tmp_path / "set0")
    folder.symlink_to(tmp_path / "set0", target_is_directory=True)
    assert "symbolic link (network/test_data_set_0)" in _load_refused_naming(nested, "network")


@pytest.mark.parametrize("relative", ["..", "a/../b", "/etc/passwd", "a//b", "a\\b", "./a", ""])
def test_inside_refuses_paths_that_could_leave(tmp_path, relative):
    from export.bundle import BundleIntegrityError, inside

    with pytest.raises(BundleIntegrityError, match="not a relative path inside the bundle"):
        inside(tmp_path, relative, "files")
