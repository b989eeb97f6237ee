"""The bundle format, and reading it without TensorFlow.

A bundle is a directory:

    zoo_bundle.json            manifest: format version, model name and task,
                               graphs (file, inputs, outputs, sha256, LSTM and
                               Loop node counts), the preprocessing state the
                               runtime needs, hyperparameters, versions
    <graph>/model.onnx         one directory per graph (`network`; `stream`
    <graph>/test_data_set_0/   for streaming forecasters; `encoder` and
    <graph>/test_data_set_1/   `decoder_step` for translators), with reference
                               data in the ONNX model zoo layout: set 0 from
                               real samples, set 1 random; `input_<i>.pb` and
                               `output_<i>.pb` TensorProtos, Keras' outputs

Each `model.onnx` also carries a short summary in its `metadata_props`
(`lstm_zoo.*` keys). This module needs only the standard library and NumPy.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

MANIFEST = "zoo_bundle.json"
BUNDLE_FORMAT = "lstm-zoo-onnx-bundle"
BUNDLE_VERSION = 1


class BundleError(ValueError):
    """A bundle that cannot be used: missing, tampered or of another version."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(bundle: str | Path, check_hashes: bool = True) -> dict[str, Any]:
    """The manifest of `bundle`, after checking its version and its files.

    Raises:
        BundleError: naming the missing or changed file, or the version.
    """
    bundle = Path(bundle)
    path = bundle / MANIFEST
    if not bundle.is_dir():
        raise BundleError(f"{bundle}: no such bundle directory")
    if not path.is_file():
        raise BundleError(f"{bundle} is not an lstm-zoo bundle: {MANIFEST} is missing")
    try:
        manifest = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise BundleError(
            f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    if manifest.get("format") != BUNDLE_FORMAT:
        raise BundleError(
            f"{path}: not an lstm-zoo bundle manifest (format {manifest.get('format')!r})"
        )
    version = manifest.get("format_version")
    if version != BUNDLE_VERSION:
        raise BundleError(
            f"{path}: bundle format version {version!r}, but this lstm-zoo reads version "
            f"{BUNDLE_VERSION}; re-export the model with this version"
        )
    for name, graph in manifest["graphs"].items():
        file = bundle / graph["file"]
        if not file.is_file():
            raise BundleError(f"{bundle}: graph {name!r} file {graph['file']} is missing")
        if check_hashes and sha256(file) != graph["sha256"]:
            raise BundleError(
                f"{file}: the file differs from the one exported (sha256 mismatch); "
                "it was modified or corrupted, re-export the bundle"
            )
    return manifest
