"""`to_onnx`: a zoo model to a verified-ready bundle, written atomically."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from export.bundle import (
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    MANIFEST,
    BundleError,
    sealed_text,
    sha256,
)

REFERENCE_BATCH = 3
REFERENCE_SEED = 1234


def _versions() -> dict[str, str]:
    import keras
    import onnx
    import tensorflow as tf
    import tf2onnx

    import zoo

    return {
        "lstm_zoo": zoo.__version__,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "tf2onnx": tf2onnx.__version__,
        "onnx": onnx.__version__,
    }


def write_test_data(directory: Path, inputs, outputs, input_names, output_names) -> None:
    """`input_<i>.pb` / `output_<i>.pb` TensorProtos (the ONNX model zoo layout)."""
    from onnx import numpy_helper

    directory.mkdir(parents=True)
    for prefix, arrays, names in (
        ("input", inputs, input_names),
        ("output", outputs, output_names),
    ):
        for index, (array, name) in enumerate(zip(arrays, names, strict=True)):
            proto = numpy_helper.from_array(np.asarray(array), name=name)
            (directory / f"{prefix}_{index}.pb").write_bytes(proto.SerializeToString())


def _check_destination(out: Path, overwrite: bool = True) -> None:
    """`out` may receive a bundle (see `zoo.outputs.check_destination`): not the working
    directory, its parents or home, not a file, not a non-empty folder without our
    `.lstm-zoo` marker; an earlier bundle of ours only when `overwrite`."""
    from zoo import outputs

    try:
        outputs.check_destination(out, outputs.BUNDLE, overwrite=overwrite)
    except outputs.OutputError as error:
        raise BundleError(f"{error} Nothing was written.") from None


def _staging(out: Path) -> Path:
    """The marked staging folder `.NAME.staging.PID-*` beside `out` (stale ones of
    killed exports are removed first)."""
    from zoo import outputs

    return outputs.new_staging(out, outputs.BUNDLE)


def _replace(staging: Path, out: Path, overwrite: bool = True) -> None:
    """Moves `staging` to `out`, replacing an earlier bundle of ours there."""
    from zoo import outputs

    try:
        outputs.replace_dir(staging, out, outputs.BUNDLE, overwrite=overwrite)
    except outputs.OutputError as error:
        raise BundleError(str(error)) from None


def _graph_entry(
    spec, converted, staging: Path, opset: int, props: dict, quantize: str | None = None
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """`(manifest entry, float-graph record or None)` of one graph written to `staging`."""
    import onnx

    from export.convert import lstm_nodes, op_counts
    from export.families.spec import InputDomain

    counts = converted.op_counts()
    onnx.helper.set_model_props(
        converted.model,
        {
            **props,
            "lstm_zoo.graph": spec.name,
            "lstm_zoo.format_version": str(BUNDLE_VERSION),
            "lstm_zoo.lstm_nodes": str(lstm_nodes(counts)),
            "lstm_zoo.loop_nodes": str(counts.get("Loop", 0)),
        },
    )
    model = converted.model
    directory = staging / spec.name
    directory.mkdir()
    float_record = None
    if quantize:
        from export.quantize import FLOAT_FILE, quantize_int8

        onnx.save(model, directory / FLOAT_FILE)
        float_record = {
            "file": f"{spec.name}/{FLOAT_FILE}",
            "sha256": sha256(directory / FLOAT_FILE),
        }
        model = quantize_int8(model)
        counts = op_counts(model)
    onnx.save(model, directory / "model.onnx")
    names = [i.name for i in spec.inputs]
    sets = []
    if spec.real is not None:
        sets.append(spec.real)
    sets.append(spec.random_feeds(REFERENCE_BATCH, np.random.default_rng(REFERENCE_SEED)))
    for index, feeds in enumerate(sets):
        outputs = spec.keras_outputs(feeds)
        write_test_data(
            directory / f"test_data_set_{index}",
            [feeds[n] for n in names],
            outputs,
            names,
            spec.outputs,
        )
    return {
        "file": f"{spec.name}/model.onnx",
        "sha256": sha256(directory / "model.onnx"),
        "inputs": [
            {**i.as_dict(), "domain": spec.domains.get(i.name, InputDomain()).as_dict()}
            for i in spec.inputs
        ],
        "outputs": list(spec.outputs),
        "sizes": dict(spec.sizes),
        "test_data_sets": len(sets),
        "real_samples": spec.real is not None,
        "lstm_nodes": lstm_nodes(counts),
        "loop_nodes": counts.get("Loop", 0),
        "fused_layers": converted.fused_layers,
        "unfused_layers": converted.unfused_layers,
        "opset": opset,
    }, float_record


def to_onnx(
    model: Any,
    out_dir: str | os.PathLike[str],
    opset: int | None = None,
    streaming: bool = False,
    samples: Any = None,
    overwrite: bool = True,
    quantize: str | None = None,
) -> Path:
    """Exports a fitted zoo model (or a saved model directory) to a bundle.

    Args:
        model: a `ZooModel`, or the directory `ZooModel.save` wrote.
        out_dir: the bundle directory; an earlier bundle of ours there (it carries
            the `.lstm-zoo` marker) is replaced when `overwrite`; any other non-empty
            directory, the working directory, its parents and home are refused.
        opset: the ONNX opset (default `export.convert.DEFAULT_OPSET`).
        streaming: also export a forecaster's `stream` graph (explicit h and
            c states, one step at a time).
        samples: raw inputs (texts, a series, sentences) for the real-sample
            reference data; default: the family's embedded test split.
        overwrite: replace an earlier bundle at `out_dir` (False: refuse it).
        quantize: "int8": the graphs served are onnxruntime's dynamic int8
            quantization of the float graphs, which the bundle keeps beside them
            (`export.quantize`); the model's family must register a `task_metric`,
            which `verify` holds the int8 graphs to.

    Returns:
        The bundle path. The bundle is built in a staging directory beside
        `out_dir` and renamed into place, so a failure leaves nothing behind.
    """
    import zoo
    from export.convert import DEFAULT_OPSET, keras_to_onnx
    from export.families import graphs_for
    from export.precision import float32_compute

    source = None
    if not isinstance(model, zoo.ZooModel):
        source = Path(model).resolve()
        model = zoo.load_model(source)
    if model.network is None:
        raise ValueError(f"model {model.name!r} has not been fitted: nothing to export")
    from export.quantize import check_mode

    check_mode(quantize)
    if quantize:
        from zoo.family import family_for

        family_for(model).resolve("task_metric")  # FamilyError: nothing to verify it with
    out = Path(out_dir)
    _check_destination(out, overwrite)
    opset = opset or DEFAULT_OPSET
    staging = _staging(out)
    try:
        graphs, float_graphs = {}, {}
        with float32_compute(model):  # a mixed-precision model exports as float32
            for spec in graphs_for(model, streaming=streaming, samples=samples):
                converted = keras_to_onnx(spec.network, spec.inputs, spec.outputs, opset)
                props = {"lstm_zoo.model": model.name, "lstm_zoo.task": model.task}
                graphs[spec.name], float_graphs[spec.name] = _graph_entry(
                    spec, converted, staging, opset, props, quantize
                )
        manifest = {
            "format": BUNDLE_FORMAT,
            "format_version": BUNDLE_VERSION,
            "name": model.name,
            "class": f"{type(model).__module__}.{type(model).__qualname__}",
            "task": model.task,
            "hparams": model.hparams,
            "preprocessing": model.preprocessing_state(),
            "graphs": graphs,
            "streaming": "stream" in graphs,
            "source_model": _source_record(source),
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "versions": _versions(),
            "files": _digests(staging),
        }
        if quantize:
            from export.quantize import manifest_record

            manifest["quantization"] = manifest_record(float_graphs)
        (staging / MANIFEST).write_text(sealed_text(manifest, default=_json_default))
        _replace(staging, out, overwrite)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def _source_record(source: Path | None) -> dict[str, str] | None:
    """The exported model directory's name (never its absolute path) and the
    digest of its `model.keras`, so `verify` can find it beside the bundle and
    know it is the same model."""
    if source is None:
        return None
    from zoo.models.base import MODEL_FILE

    return {"directory": source.name, "sha256": sha256(source / MODEL_FILE)}


def _digests(staging: Path) -> dict[str, dict[str, Any]]:
    """`{relative path: {"sha256", "size"}}` of every file written so far (the
    manifest, written last, is covered by its own seal)."""
    files = {}
    for path in sorted(staging.rglob("*")):
        relative = path.relative_to(staging).as_posix()
        if path.is_file() and not path.is_symlink() and relative != MANIFEST:
            files[relative] = {"sha256": sha256(path), "size": path.stat().st_size}
    return files


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
