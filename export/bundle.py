"""The bundle format, and reading it without TensorFlow and without trusting it.

A bundle is a directory:

    zoo_bundle.json            manifest: format version, model name and task,
                               graphs (file, inputs, outputs, sha256, LSTM and
                               Loop node counts), the preprocessing state the
                               runtime needs, hyperparameters, versions, the
                               size and sha256 of every other file (`files`)
                               and the manifest's own `seal`
    <graph>/model.onnx         one directory per graph (`network`; `stream`
    <graph>/test_data_set_0/   for streaming forecasters; `encoder` and
    <graph>/test_data_set_1/   `decoder_step` for translators), with reference
                               data in the ONNX model zoo layout: set 0 from
                               real samples, set 1 random; `input_<i>.pb` and
                               `output_<i>.pb` TensorProtos, Keras' outputs

An int8 bundle (`export --quantize int8`) serves int8 `model.onnx` graphs and keeps
each float original as `<graph>/model_float.onnx`, recorded (with its digest) in the
manifest's `quantization`; the reference outputs are the float model's.

Each `model.onnx` also carries a short summary in its `metadata_props`
(`lstm_zoo.*` keys), which the runtime compares with the manifest.

**Sealed.** `seal` is the sha256 of the manifest's exact bytes with the seal
itself written as 64 zeros, so changing any byte of the manifest (a label, a
vocabulary entry, a hyperparameter, a digest) breaks it; every other file is
covered by its digest in `files`. This detects accidental and careless
edits; it is not a signature: whoever can write the bundle can recompute the
digests.

**Confined.** Every path is relative, has no `.` or `..` part, goes through no
symbolic link and stays inside the bundle; errors say so without looking
outside it. This module needs only the standard library, `jsonschema` and
`zoo`'s registry (no TensorFlow).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from zoo.jsonfile import (
    MAX_JSON_BYTES,
    check_format_version,
    decode_utf8,
    parse_json_object,
    read_bounded,
)

MANIFEST = "zoo_bundle.json"
BUNDLE_FORMAT = "lstm-zoo-onnx-bundle"
#: 2: every file digested in `files`, the manifest sealed, no absolute paths.
BUNDLE_VERSION = 2
SEAL_KEY = "seal"
UNSEALED = "0" * 64


class BundleError(ValueError):
    """A bundle that cannot be used: missing, tampered or of another version."""


class BundleIntegrityError(BundleError):
    """A bundle directory whose files are modified, missing, malformed or not
    confined to it (`verify` exits 1 on these)."""


def sha256(path: Path) -> str:
    """The hex sha256 of the file at `path`."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _seal_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sealed_text(manifest: dict[str, Any], default=None) -> str:
    """The manifest's JSON text, `seal` last, holding the digest of the text
    with the seal zeroed (`default` as in `json.dumps`)."""
    body = {key: value for key, value in manifest.items() if key != SEAL_KEY}
    text = json.dumps({**body, SEAL_KEY: UNSEALED}, indent=2, default=default) + "\n"
    head, placeholder, tail = text.rpartition(f'"{SEAL_KEY}": "{UNSEALED}"')
    return head + f'"{SEAL_KEY}": "{_seal_of(text)}"' + tail


def _seal_matches(text: str, seal: str) -> bool:
    head, found, tail = text.rpartition(f'"{SEAL_KEY}": "{seal}"')
    if not found or tail != "\n}\n":
        return False
    return _seal_of(head + f'"{SEAL_KEY}": "{UNSEALED}"' + tail) == seal


def inside(bundle: Path, relative: str, field: str) -> Path:
    """`bundle / relative`, refused unless it stays inside `bundle` through no
    symbolic link. Nothing outside the bundle is looked at, so the message
    is the same whether a target out there exists or not."""
    where = f"{bundle / MANIFEST}: field '{field}'"
    parts = relative.split("/")
    if (
        not relative
        or relative.startswith("/")
        or "\\" in relative
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise BundleIntegrityError(
            f"{where}: {relative!r} is not a relative path inside the bundle"
        )
    current = bundle
    for part in parts:
        current = current / part
        if current.is_symlink():
            raise BundleIntegrityError(
                f"{where}: {relative!r} goes through a symbolic link "
                f"({current.relative_to(bundle)}); a bundle holds no links"
            )
    root, real = os.path.realpath(bundle), os.path.realpath(current)
    if os.path.commonpath([root, real]) != root:  # unreachable without links; kept as a guard
        raise BundleIntegrityError(f"{where}: {relative!r} is not inside the bundle")
    return current


def used_files(manifest: dict[str, Any]) -> dict[str, str]:
    """Every file the runtime and `verify` read (relative path -> the field
    that names it): each graph and its reference data."""
    used: dict[str, str] = {}
    for name, graph in manifest["graphs"].items():
        used[graph["file"]] = f"graphs.{name}.file"
        folder = graph["file"].rpartition("/")[0]
        for index in range(graph["test_data_sets"]):
            base = f"{folder}/test_data_set_{index}" if folder else f"test_data_set_{index}"
            for prefix, count in (
                ("input", len(graph["inputs"])),
                ("output", len(graph["outputs"])),
            ):
                for position in range(count):
                    used[f"{base}/{prefix}_{position}.pb"] = f"graphs.{name}.test_data_sets"
    for name, graph in float_graphs(manifest).items():
        used[graph["file"]] = f"quantization.float_graphs.{name}.file"
    return used


def float_graphs(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The float originals of an int8 bundle's graphs, by graph name (empty for a
    float bundle)."""
    quantization = manifest.get("quantization")
    return dict(quantization["float_graphs"]) if quantization else {}


def _missing(bundle: Path, relative: str, field: str) -> BundleIntegrityError:
    if field.startswith("graphs.") and field.endswith(".file"):
        graph = field.split(".")[1]
        return BundleIntegrityError(f"{bundle}: graph {graph!r} file {relative} is missing")
    return BundleIntegrityError(f"{bundle}: file {relative} (field '{field}') is missing")


def _not_covered(bundle: Path, relative: str, field: str) -> BundleIntegrityError:
    return BundleIntegrityError(
        f"{bundle / MANIFEST}: field 'files' holds no digest of {relative} ({field}): "
        "not covered by the manifest's digests; re-export the bundle"
    )


def _differs(path: Path) -> BundleIntegrityError:
    return BundleIntegrityError(
        f"{path}: the file differs from the one exported (sha256 mismatch); "
        "it was modified or corrupted, re-export the bundle"
    )


def _open_checked(bundle: Path, manifest: dict[str, Any], relative: str, field: str):
    """`(path, record, file object)` for a confined, listed, regular file of the
    recorded size."""
    path = inside(bundle, relative, field)
    record = manifest["files"].get(relative)
    if record is None:
        raise _not_covered(bundle, relative, field)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise _missing(bundle, relative, field) from None
    except OSError as problem:
        raise BundleIntegrityError(f"{path}: cannot be read ({problem.strerror})") from None
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode) or info.st_size != record["size"]:
        os.close(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise BundleIntegrityError(f"{path}: is not a regular file")
        raise _differs(path)
    return path, record, os.fdopen(descriptor, "rb")


def read_bundle_file(
    bundle: str | Path, manifest: dict[str, Any], relative: str, field: str = "files"
) -> bytes:
    """The bytes of `relative`, after checking its place, size and sha256
    (so what is used is exactly what was checked)."""
    bundle = Path(bundle)
    path, record, handle = _open_checked(bundle, manifest, relative, field)
    with handle:
        data = handle.read(record["size"] + 1)
    if len(data) != record["size"] or hashlib.sha256(data).hexdigest() != record["sha256"]:
        raise _differs(path)
    return data


def _check_file(bundle: Path, manifest: dict[str, Any], relative: str, field: str, hashes: bool):
    path, record, handle = _open_checked(bundle, manifest, relative, field)
    with handle:
        if not hashes:
            return
        digest, total = hashlib.sha256(), 0
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            total += len(block)
            if total > record["size"]:
                break
    if total != record["size"] or digest.hexdigest() != record["sha256"]:
        raise _differs(path)


def _check_graph_names(path: Path, manifest: dict[str, Any]) -> None:
    """The graphs are those the task's family exports (its registration says which)."""
    from zoo.family import family_for

    try:
        family = family_for(manifest["task"])
    except LookupError as error:
        raise BundleIntegrityError(f"{path}: field 'task': {error}") from None
    names, allowed = set(manifest["graphs"]), {*family.graphs, *family.optional_graphs}
    missing, unknown = sorted(set(family.graphs) - names), sorted(names - allowed)
    if missing or unknown:
        problem = f"lacks {missing}" if missing else f"has unknown {unknown}"
        raise BundleIntegrityError(
            f"{path}: field 'graphs' {problem}; a {family.task} bundle holds "
            f"{sorted(family.graphs)}"
            + (f" (and may hold {list(family.optional_graphs)})" if family.optional_graphs else "")
        )


def _check_structure(path: Path, manifest: dict[str, Any]) -> None:
    _check_graph_names(path, manifest)
    graphs, files = manifest["graphs"], manifest["files"]
    if manifest["streaming"] != ("stream" in graphs):
        raise BundleIntegrityError(
            f"{path}: field 'streaming' is {manifest['streaming']}, but the bundle "
            f"{'has no' if manifest['streaming'] else 'has a'} stream graph"
        )
    originals = float_graphs(manifest)
    if originals and set(originals) != set(graphs):
        raise BundleIntegrityError(
            f"{path}: field 'quantization.float_graphs' names {sorted(originals)}; the "
            f"bundle's graphs are {sorted(graphs)}"
        )
    for field, entries in (("graphs", graphs), ("quantization.float_graphs", originals)):
        for name, graph in entries.items():
            record = files.get(graph["file"])
            if record is not None and record["sha256"] != graph["sha256"]:
                raise BundleIntegrityError(
                    f"{path}: field '{field}.{name}.sha256' does not match the digest of "
                    f"{graph['file']} in field 'files'"
                )


def read_manifest(bundle: str | Path, check_hashes: bool = True) -> dict[str, Any]:
    """The manifest of `bundle`, after checking it and the files it lists.

    In order: the manifest is a regular file of at most 64 MiB, UTF-8 JSON,
    of this format and version, valid against `export.schema.MANIFEST`,
    and its seal matches its bytes; every path in it is confined; every file
    the bundle uses is listed in `files`, and (with `check_hashes`) every
    listed file has its recorded size and sha256.

    Raises:
        BundleError: the directory or its manifest is missing.
        BundleIntegrityError: naming the file (and field) that is wrong.
    """
    from export.schema import MANIFEST as SCHEMA
    from zoo.schemas import check

    bundle = Path(bundle)
    path = bundle / MANIFEST
    if not bundle.is_dir():
        raise BundleError(f"{bundle}: no such bundle directory")
    if not path.exists() and not path.is_symlink():
        raise BundleError(f"{bundle} is not an lstm-zoo bundle: {MANIFEST} is missing")
    data = read_bounded(path, MAX_JSON_BYTES, BundleIntegrityError, what="bundle manifest")
    text = decode_utf8(data, path, BundleIntegrityError)
    manifest = parse_json_object(text, path, BundleIntegrityError)
    if manifest.get("format") != BUNDLE_FORMAT:
        shown = repr(manifest.get("format"))[:40]
        raise BundleIntegrityError(
            f"{path}: not an lstm-zoo bundle manifest (field 'format' is {shown})"
        )
    check_format_version(
        manifest,
        path,
        BUNDLE_VERSION,
        BundleIntegrityError,
        "re-export the model with this version",
    )
    check(manifest, SCHEMA, path, BundleIntegrityError)
    if not _seal_matches(text, manifest[SEAL_KEY]):
        raise BundleIntegrityError(
            f"{path}: the manifest differs from the one exported (its seal does not match "
            "its content); it was modified or corrupted, re-export the bundle"
        )
    _check_structure(path, manifest)
    used = used_files(manifest)
    for relative in manifest["files"]:
        inside(bundle, relative, f"files.{relative}")
    for relative, field in used.items():
        inside(bundle, relative, field)
        if relative not in manifest["files"]:
            raise _not_covered(bundle, relative, field)
    for relative, field in sorted(used.items(), key=lambda item: not item[1].endswith(".file")):
        _check_file(bundle, manifest, relative, field, check_hashes)
    for relative in manifest["files"]:
        if relative not in used:
            _check_file(bundle, manifest, relative, f"files.{relative}", check_hashes)
    return manifest
