"""The pending lean-loop nodes (`lean_loop.py`) written out as ONNX `Loop`s.

Runs on the converted `ModelProto`, with `onnx.helper`: each pending node
`(zx [T, B, 4H], h0, c0[, mask [T, B]], U, γ_h, γ_c, β_c) -> (Y [T, B, H], h, c, last)`
becomes

    T = Shape(zx)[0]
    Loop(T, true, h0, c0[, zeros]) -> h, c[, last], Y

whose body reads step `t` of `zx` (and of the mask) from the outer scope and computes

    z = zx_t + LayerNormalization(h U; γ_h)        [i, f, c̃, o] = Split(z)
    c = f(f) ⊙ c + f(i) ⊙ g(c̃)                      h = f(o) ⊙ h(LayerNormalization(c; γ_c, β_c))

(`f`, `g`, `h` the declared activations), and with a mask Keras' rule: states carried
over a masked step, the previous output (or zeros) emitted there.
"""

from __future__ import annotations

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from export.fusion.lean_loop import PENDING_DOMAIN, PENDING_OP

F32 = TensorProto.FLOAT


def _attrs(node) -> dict:
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _activation(nodes, name: str, alpha: float, beta: float, x: str, out: str) -> str:
    extra = {"alpha": alpha, "beta": beta} if name == "HardSigmoid" else {}
    nodes.append(helper.make_node(name, [x], [out], **extra))
    return out


def _body(prefix: str, inputs: list[str], attrs: dict) -> object:
    """The step graph (the outer scope's `zx`, mask and weights read by name)."""
    zx, _, _, *rest = inputs
    mask = rest[0] if attrs["masked"] else None
    U, gamma_h, gamma_c, beta_c = rest[-4:]
    p = prefix
    acts = [
        (n.decode() if isinstance(n, bytes) else n, a, b)
        for n, a, b in zip(
            attrs["activations"], attrs["activation_alpha"], attrs["activation_beta"], strict=True
        )
    ]
    (fn, fa, fb), (gn, ga, gb), (hn, ha, hb) = acts
    eps = float(attrs["epsilon"])
    nodes = [
        helper.make_node("Identity", [f"{p}cond"], [f"{p}cond_out"]),
        helper.make_node("Gather", [zx, f"{p}t"], [f"{p}zx_t"], axis=0),
        helper.make_node("MatMul", [f"{p}h", U], [f"{p}zh"]),
        helper.make_node(
            "LayerNormalization", [f"{p}zh", gamma_h], [f"{p}zh_n"], axis=-1, epsilon=eps
        ),
        helper.make_node("Add", [f"{p}zx_t", f"{p}zh_n"], [f"{p}z"]),
        helper.make_node(
            "Split", [f"{p}z", f"{p}sizes"], [f"{p}zi", f"{p}zf", f"{p}zc", f"{p}zo"], axis=1
        ),
    ]
    i = _activation(nodes, fn, fa, fb, f"{p}zi", f"{p}i")
    f = _activation(nodes, fn, fa, fb, f"{p}zf", f"{p}f")
    g = _activation(nodes, gn, ga, gb, f"{p}zc", f"{p}g")
    o = _activation(nodes, fn, fa, fb, f"{p}zo", f"{p}o")
    nodes += [
        helper.make_node("Mul", [f, f"{p}c"], [f"{p}fc"]),
        helper.make_node("Mul", [i, g], [f"{p}ig"]),
        helper.make_node("Add", [f"{p}fc", f"{p}ig"], [f"{p}c_new"]),
        helper.make_node(
            "LayerNormalization",
            [f"{p}c_new", gamma_c, beta_c],
            [f"{p}c_n"],
            axis=-1,
            epsilon=eps,
        ),
    ]
    hc = _activation(nodes, hn, ha, hb, f"{p}c_n", f"{p}hc")
    nodes.append(helper.make_node("Mul", [o, hc], [f"{p}h_new"]))
    state = [helper.make_tensor_value_info(f"{p}{n}", F32, [None, None]) for n in ("h", "c")]
    inputs_ = [
        helper.make_tensor_value_info(f"{p}t", TensorProto.INT64, []),
        helper.make_tensor_value_info(f"{p}cond", TensorProto.BOOL, []),
        *state,
    ]
    if mask is None:
        nodes.append(helper.make_node("Identity", [f"{p}h_new"], [f"{p}y"]))
        outs = [f"{p}cond_out", f"{p}h_new", f"{p}c_new", f"{p}y"]
    else:
        inputs_.append(helper.make_tensor_value_info(f"{p}out", F32, [None, None]))
        previous = f"{p}zeros" if attrs["zero_output_for_mask"] else f"{p}out"
        nodes += [
            helper.make_node("Gather", [mask, f"{p}t"], [f"{p}m_row"], axis=0),
            helper.make_node("Unsqueeze", [f"{p}m_row", f"{p}axis1"], [f"{p}m"]),
            helper.make_node("Where", [f"{p}m", f"{p}h_new", f"{p}h"], [f"{p}h_out"]),
            helper.make_node("Where", [f"{p}m", f"{p}c_new", f"{p}c"], [f"{p}c_out"]),
        ]
        if attrs["zero_output_for_mask"]:
            nodes.append(helper.make_node("Sub", [f"{p}out", f"{p}out"], [f"{p}zeros"]))
        nodes += [
            helper.make_node("Where", [f"{p}m", f"{p}h_new", previous], [f"{p}y"]),
            helper.make_node("Identity", [f"{p}y"], [f"{p}out_next"]),
        ]
        outs = [f"{p}cond_out", f"{p}h_out", f"{p}c_out", f"{p}out_next", f"{p}y"]
    outputs = [helper.make_tensor_value_info(outs[0], TensorProto.BOOL, [])] + [
        helper.make_tensor_value_info(name, F32, [None, None]) for name in outs[1:]
    ]
    return helper.make_graph(nodes, f"{p}step", inputs_, outputs)


def _expand(node, initializers: list) -> list:
    attrs = _attrs(node)
    p = f"{node.name}/"
    zx, h0, c0 = node.input[:3]
    Y, h, c, last = node.output
    initializers += [
        numpy_helper.from_array(np.array(0, np.int64), f"{p}axis0"),
        numpy_helper.from_array(np.array(True), f"{p}true"),
        numpy_helper.from_array(np.full(4, attrs["units"], np.int64), f"{p}sizes"),
    ]
    nodes = [
        helper.make_node("Shape", [zx], [f"{p}shape"]),
        helper.make_node("Gather", [f"{p}shape", f"{p}axis0"], [f"{p}steps"], axis=0),
    ]
    body = _body(p, list(node.input), attrs)
    if attrs["masked"]:
        initializers.append(numpy_helper.from_array(np.array([1], np.int64), f"{p}axis1"))
        nodes.append(helper.make_node("Sub", [h0, h0], [f"{p}out0"]))
        nodes.append(
            helper.make_node(
                "Loop", [f"{p}steps", f"{p}true", h0, c0, f"{p}out0"], [h, c, last, Y], body=body
            )
        )
    else:
        nodes.append(
            helper.make_node("Loop", [f"{p}steps", f"{p}true", h0, c0], [h, c, Y], body=body)
        )
        nodes.append(helper.make_node("Identity", [h], [last]))
    return nodes


def expand_lean_loops(model) -> int:
    """Replaces every pending lean-loop node of `model` (in place); returns how many."""
    graph = model.graph
    if not any(n.op_type == PENDING_OP and n.domain == PENDING_DOMAIN for n in graph.node):
        return 0
    kept, count, initializers = [], 0, []
    for node in graph.node:
        if node.op_type == PENDING_OP and node.domain == PENDING_DOMAIN:
            kept += _expand(node, initializers)
            count += 1
        else:
            kept.append(node)
    del graph.node[:]
    graph.node.extend(kept)
    graph.initializer.extend(initializers)
    opsets = [o for o in model.opset_import if o.domain != PENDING_DOMAIN]
    del model.opset_import[:]
    model.opset_import.extend(opsets)
    return count
