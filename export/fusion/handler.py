"""The tf2onnx handler that turns each fused placeholder into an `LSTM` node."""

from __future__ import annotations

import numpy as np
from tf2onnx import utils

from export.fusion.context import FusionRecord
from export.fusion.lean_loop import LoopSpec, lean_loop_handler
from export.fusion.weights import ACTIVATIONS

#: TF op types of `tf.numpy_function` placeholders.
PLACEHOLDER_OPS = ("PyFunc", "PyFuncStateless")


def _activation_attrs(directions) -> dict:
    names, alphas, betas = [], [], []
    for weights in directions:
        for keras_name in weights.activations:
            onnx_name, alpha, beta = ACTIVATIONS[keras_name]
            names.append(onnx_name)
            if alpha is not None:
                alphas.append(alpha)
                betas.append(beta)
    attrs = {"activations": names}
    if alphas:
        attrs["activation_alpha"] = alphas
        attrs["activation_beta"] = betas
    return attrs


def lstm_handler(record: FusionRecord):
    """A tf2onnx custom-op handler (`custom_op_handlers={op: (handler, [])}`)
    for the placeholders recorded in `record`."""

    def handler(ctx, node, name, args):
        token = node.get_attr_value("token")
        spec = record.specs[token.decode() if isinstance(token, bytes) else token]

        def const(label, value):
            return ctx.make_const(utils.make_name(f"{spec.layer}_{label}"), value).output[0]

        if isinstance(spec, LoopSpec):
            return lean_loop_handler(ctx, node, spec, const)
        directions = spec.weights()
        units = spec.units

        weights = [
            const("W", np.stack([d.W for d in directions])),
            const("R", np.stack([d.R for d in directions])),
            const("B", np.stack([d.B for d in directions])),
        ]
        peepholes = None
        if any(d.P is not None for d in directions):
            zeros = np.zeros(3 * units, np.float32)
            peepholes = const(
                "P", np.stack([d.P if d.P is not None else zeros for d in directions])
            )
        attrs = {"hidden_size": units, "direction": spec.direction}
        if directions[0].input_forget:
            attrs["input_forget"] = 1
        attrs.update(_activation_attrs(directions))
        dirs = len(directions)
        if spec.masked:
            return _masked(ctx, node, spec, weights, peepholes, attrs, dirs)

        x, h0, c0 = node.input
        dtype = ctx.get_dtype(node.output[0])
        for attr in list(node.attr):
            del node.attr[attr]
        node.type = "LSTM"
        node.domain = ""
        inputs = [x, *weights, "", h0, c0] + ([peepholes] if peepholes else [])
        ctx.replace_inputs(node, inputs)
        for key, value in attrs.items():
            node.set_attr(key, value)
        shapes = ([-1, dirs, -1, units], [dirs, -1, units], [dirs, -1, units])
        for output, shape in zip(node.output, shapes, strict=True):
            ctx.set_shape(output, shape)
            ctx.set_dtype(output, dtype)
        return node

    return handler


def _masked(ctx, node, spec, weights, peepholes, attrs, dirs):
    """The masked placeholder: compaction, the `LSTM` node and the gather-back
    as ONNX nodes; its consumers are rewired to them and it is removed."""
    from export.fusion.onnx_masking import masked_lstm

    x, h0, c0, mask = node.input
    results = masked_lstm(
        ctx,
        spec.layer,
        x,
        mask,
        h0,
        c0,
        (*weights, peepholes),
        attrs,
        dirs,
        spec.zeros,
        spec.sequences,
    )
    dtype = ctx.get_dtype(node.output[1])
    outputs = list(node.output)
    shapes = ([dirs, -1, -1, spec.units], *[[dirs, -1, spec.units]] * 3)
    for old, new, shape in zip(outputs, results, shapes, strict=True):
        if new is None:
            continue
        ctx.set_shape(new, shape)
        ctx.set_dtype(new, dtype)
        ctx.replace_all_inputs(old, new)
    ctx.remove_node(node.name)
    return None
