"""The tf2onnx handler that turns each fused placeholder into an `LSTM` node."""

from __future__ import annotations

import numpy as np
from tf2onnx import utils

from export.fusion.context import FusionRecord
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
        directions = spec.weights()
        x, h0, c0, *rest = node.input
        lengths = rest[0] if rest else ""
        units = spec.units

        def const(label, value):
            return ctx.make_const(utils.make_name(f"{spec.layer}_{label}"), value).output[0]

        inputs = [
            x,
            const("W", np.stack([d.W for d in directions])),
            const("R", np.stack([d.R for d in directions])),
            const("B", np.stack([d.B for d in directions])),
            lengths,
            h0,
            c0,
        ]
        if any(d.P is not None for d in directions):
            peepholes = [
                d.P if d.P is not None else np.zeros(3 * units, np.float32) for d in directions
            ]
            inputs.append(const("P", np.stack(peepholes)))
        dtype = ctx.get_dtype(node.output[0])
        for attr in list(node.attr):
            del node.attr[attr]
        node.type = "LSTM"
        node.domain = ""
        ctx.replace_inputs(node, inputs)
        node.set_attr("hidden_size", units)
        node.set_attr("direction", spec.direction)
        if directions[0].input_forget:
            node.set_attr("input_forget", 1)
        for key, value in _activation_attrs(directions).items():
            node.set_attr(key, value)
        dirs = len(directions)
        for output, shape in zip(
            node.output, ([-1, dirs, -1, units], [dirs, -1, units], [dirs, -1, units])
        ):
            ctx.set_shape(output, shape)
            ctx.set_dtype(output, dtype)
        return node

    return handler
