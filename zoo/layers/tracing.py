"""Gate tracing: every gate, the candidate, c and h at every time step.

`keras.layers.LSTM` and `torch.nn.LSTM` return h (and the last c); the gates
that decide what is kept and what is dropped stay hidden. `trace_gates`
replays a zoo layer's own `equations` step by step on an input and keeps them,
and `plot_gates` draws them as labelled heatmaps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np
from keras import ops

from zoo.layers.base import BaseLSTM


@dataclass
class GateTrace:
    """Per-step gate values of one recurrent layer.

    Attributes:
        layer_name: name of the traced layer.
        gates: gate name -> array `(batch, timesteps, units)` in input time
            order (also for `go_backwards` layers), e.g. "input_gate",
            "forget_gate", "candidate", "output_gate", "cell", "hidden".
        mask: `(batch, timesteps)` boolean array, False at padded steps
            (where the states were carried over), or None.
    """

    layer_name: str
    gates: dict[str, np.ndarray] = field(default_factory=dict)
    mask: np.ndarray | None = None

    def __getitem__(self, name: str) -> np.ndarray:
        return self.gates[name]


def _trace_layer(layer: BaseLSTM, x, mask=None, initial_state=None) -> GateTrace:
    x = ops.convert_to_tensor(x, dtype=layer.compute_dtype)
    if len(x.shape) != 3:
        raise ValueError(
            f"trace_gates expects inputs of rank 3 (batch, timesteps, features) for layer "
            f"'{layer.name}'; received shape {tuple(x.shape)}."
        )
    if not layer.built:
        layer(x)
    cell = layer.cell
    batch, steps = int(x.shape[0]), int(x.shape[1])
    if initial_state is None:
        states = cell.get_initial_state(batch)
    else:
        states = [ops.convert_to_tensor(s, dtype=layer.compute_dtype) for s in initial_state]
    weights = cell.step_weights()
    mask_np = None if mask is None else np.asarray(mask, dtype=bool)
    order = range(steps - 1, -1, -1) if layer.go_backwards else range(steps)
    collected: dict[str, list] = {}
    for t in order:
        _, new_states, gates = cell.equations(x[:, t, :], states, weights)
        gates = {name: ops.convert_to_numpy(value) for name, value in gates.items()}
        if mask_np is not None:
            keep = mask_np[:, t, None]
            new_states = [
                ops.where(ops.convert_to_tensor(keep), n, s)
                for n, s in zip(new_states, states, strict=True)
            ]
            # A padded step changes nothing: no gate fired, the states carry over.
            gates = {name: np.where(keep, value, np.nan) for name, value in gates.items()}
            gates["hidden"] = ops.convert_to_numpy(new_states[0])
            gates["cell"] = ops.convert_to_numpy(new_states[1])
        states = new_states
        for name, value in gates.items():
            collected.setdefault(name, []).append(value)
    if layer.go_backwards:
        collected = {name: values[::-1] for name, values in collected.items()}
    stacked = {name: np.stack(values, axis=1) for name, values in collected.items()}
    return GateTrace(layer.name, stacked, mask_np)


def _recurrent_layers(model: keras.Model):
    """(zoo layer, the top-level layer whose input feeds it) pairs, in order."""
    for layer in model.layers:
        if isinstance(layer, keras.layers.Bidirectional):
            for inner in (layer.forward_layer, layer.backward_layer):
                if isinstance(inner, BaseLSTM):
                    yield inner, layer
        elif isinstance(layer, BaseLSTM):
            yield layer, layer


def trace_gates(layer_or_model, x, mask=None, initial_state=None):
    """Runs `x` through zoo recurrent layers and returns every gate per step.

    Args:
        layer_or_model: a zoo recurrent layer (`zoo.layers.LSTM` and the
            variants), or a functional/sequential `keras.Model` holding some,
            directly or inside `keras.layers.Bidirectional`.
        x: for a layer, a `(batch, timesteps, features)` array; for a model,
            the model's input.
        mask: optional `(batch, timesteps)` boolean array (layers only; for
            models the mask comes from the model, e.g. `Embedding(mask_zero)`).
        initial_state: optional list of initial states (layers only).

    Returns:
        A `GateTrace` for a layer; for a model, a dict mapping each recurrent
        layer's name to its `GateTrace`, in model order.

    Example:

    >>> layer = zoo.layers.LSTM(8)
    >>> trace = zoo.layers.trace_gates(layer, np.random.rand(2, 5, 3).astype("float32"))
    >>> trace["forget_gate"].shape
    (2, 5, 8)
    """
    if isinstance(layer_or_model, BaseLSTM):
        return _trace_layer(layer_or_model, x, mask=mask, initial_state=initial_state)
    if not isinstance(layer_or_model, keras.Model):
        raise TypeError(
            "trace_gates expects a zoo recurrent layer or a keras.Model; received "
            f"{type(layer_or_model).__name__}."
        )
    model = layer_or_model
    traces = {}
    for layer, feeder in _recurrent_layers(model):
        node = feeder._inbound_nodes[0]
        wanted = [node.arguments.args[0]]
        mask_tensor = node.arguments.kwargs.get("mask")
        if mask_tensor is not None:
            wanted.append(mask_tensor)
        probed = keras.Model(model.input, wanted)(x)
        features = probed[0]
        layer_mask = None if mask_tensor is None else ops.convert_to_numpy(probed[1])
        traces[layer.name] = _trace_layer(layer, features, mask=layer_mask)
    if not traces:
        raise ValueError(f"Model '{model.name}' holds no zoo recurrent layer to trace.")
    return traces


def plot_gates(trace: GateTrace, path, sample: int = 0, max_units: int = 32, tokens=None) -> Path:
    """Draws one heatmap per gate (units × time) for one sample into a PNG.

    Gates are drawn on [0, 1] (a forget gate near 0 drops the memory, near 1
    keeps it); the candidate, c and h on a symmetric diverging scale.

    Args:
        trace: a `GateTrace` from `trace_gates`.
        path: where to write the PNG.
        sample: which batch element to draw.
        max_units: draw at most this many units.
        tokens: optional labels for the time axis (e.g. the words).

    Returns:
        The path written.
    """
    # A standalone Figure (no pyplot): drawing never changes the caller's
    # matplotlib backend, e.g. a notebook's inline one.
    from matplotlib.figure import Figure

    names = list(trace.gates)
    fig = Figure(figsize=(10, 1.6 * len(names) + 0.8))
    axes = np.atleast_1d(fig.subplots(len(names), 1, sharex=True))
    for ax, name in zip(axes, names, strict=True):
        values = trace.gates[name][sample, :, :max_units].T
        if name.endswith("gate"):
            image = ax.imshow(values, aspect="auto", cmap="viridis", vmin=0.0, vmax=1.0)
        else:
            bound = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0
            bound = bound or 1.0
            image = ax.imshow(values, aspect="auto", cmap="RdBu_r", vmin=-bound, vmax=bound)
        ax.set_ylabel(name.replace("_", " "), rotation=0, ha="right", va="center")
        ax.set_yticks([])
        fig.colorbar(image, ax=ax, pad=0.01)
    steps = trace.gates[names[0]].shape[1]
    if tokens is not None:
        axes[-1].set_xticks(range(steps))
        axes[-1].set_xticklabels(list(tokens)[:steps], rotation=60, ha="right")
    axes[-1].set_xlabel("time step")
    fig.suptitle(f"Gate activations of '{trace.layer_name}' (sample {sample})")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    return path
