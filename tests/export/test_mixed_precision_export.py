"""A model trained under mixed precision exports to a float32 ONNX graph that passes
`verify`, and the export leaves the model's own policies as they were.

Driven by the registry: one model under `mixed_bfloat16` runs by default, every registered
model under both policies with `-m slow`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import onnx
import pytest

import zoo
from export import to_onnx, verify
from export.bundle import read_manifest
from export.precision import mixed_layers
from zoo.precision import precision

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "zoo" / "models"))
from test_zoo_models import TINY, outputs, probe_inputs, small  # noqa: E402

FAST = {("forecast-lstm", "mixed_bfloat16")}
CASES = [
    pytest.param(name, policy, marks=() if (name, policy) in FAST else pytest.mark.slow)
    for name in zoo.list_models()
    for policy in ("mixed_float16", "mixed_bfloat16")
]
FLOAT_TYPES = {onnx.TensorProto.FLOAT16, onnx.TensorProto.BFLOAT16}


def _float_types(graph: onnx.GraphProto) -> set[int]:
    """The element types of the graph's inputs, outputs and initializers."""
    found = {t.data_type for t in graph.initializer}
    for value in [*graph.input, *graph.output]:
        found.add(value.type.tensor_type.elem_type)
    return found


@pytest.mark.parametrize("name, policy", CASES)
def test_mixed_precision_model_exports_float32_and_verifies(name, policy, tmp_path):
    task = zoo.model_card(name)["task"]
    with precision(policy):
        model = zoo.create_model(name, **TINY[task])
        train, test = model.default_data()
        model.fit(small(train, task), verbose=0)
    networks = [model.network, *model.inference_networks().values()]
    mixed_before = mixed_layers(networks)
    assert mixed_before, "the model computes in the half type"

    bundle = to_onnx(model, tmp_path / "bundle")

    # the in-memory model is untouched: the same layers still compute in the half type
    assert [id(layer) for layer in mixed_layers(networks)] == [id(x) for x in mixed_before]
    manifest = read_manifest(bundle)
    for name_, entry in manifest["graphs"].items():
        graph = onnx.load(bundle / entry["file"]).graph
        assert not (_float_types(graph) & FLOAT_TYPES), name_
        assert entry["lstm_nodes"] >= 1 and entry["loop_nodes"] == 0
    report = verify(bundle, model=model, latency=False)
    assert report.ok, report.table()
    assert max(c.max_abs for c in report.checks) <= 1e-5

    # the float32 graph stays close to the mixed-precision model itself
    if task != "translation":
        from export.runtime import Predictor

        inputs = probe_inputs(model, test)
        keras_half = np.asarray(outputs(model, inputs), float)
        runtime = np.asarray(outputs(Predictor.load(bundle).model, inputs), float)
        scale = np.abs(keras_half).max() + 1e-6
        assert np.abs(runtime - keras_half).max() <= 0.05 * scale
