"""Mixed-precision models export as float32 graphs.

A model trained under `mixed_float16` or `mixed_bfloat16` keeps its weights in float32 and
computes in the half type. ONNX's `LSTM` operator takes one type for its inputs and weights,
and the runtime's callers feed float32, so the export traces every layer with a float32
compute policy: the same weights, computed in float32. `verify` compares the graph with
Keras under the same policy, so its tolerance stays that of float32 arithmetic.

The policies are set for the duration of the export and restored afterwards: a model passed
in memory leaves the export as it came.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

FLOAT32 = "float32"


def _layers(network: Any) -> list[Any]:
    """`network` and every layer under it (cells inside RNN wrappers included)."""
    found: dict[int, Any] = {}
    stack = [network]
    while stack:
        layer = stack.pop()
        if id(layer) in found:
            continue
        found[id(layer)] = layer
        stack.extend(getattr(layer, "_layers", ()) or ())
        for attribute in ("cell", "forward_layer", "backward_layer", "layer"):
            child = getattr(layer, attribute, None)
            if child is not None and hasattr(child, "dtype_policy"):
                stack.append(child)
    return list(found.values())


def mixed_layers(networks: list[Any]) -> list[Any]:
    """The layers of `networks` whose compute dtype is not their variables' dtype."""
    return [
        layer
        for network in networks
        for layer in _layers(network)
        if layer.dtype_policy.compute_dtype != layer.dtype_policy.variable_dtype
    ]


@contextlib.contextmanager
def float32_compute(model: Any) -> Iterator[bool]:
    """Within the block, every layer of the zoo model's networks computes in float32.

    Yields whether anything changed (False for a float32 model). The layers' own policies
    are put back on exit, whatever happens inside.
    """
    networks = [model.network, *model.inference_networks().values()]
    changed = [(layer, layer.dtype_policy) for layer in mixed_layers(networks)]
    try:
        for layer, _ in changed:
            layer.dtype_policy = FLOAT32
        yield bool(changed)
    finally:
        for layer, policy in changed:
            layer.dtype_policy = policy
