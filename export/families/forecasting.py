"""Forecasters export the window network and, when they can stream, a
one-step graph with explicit h and c state inputs and outputs.

The stream graph runs the same LSTM stack (same weights) over a chunk of
steps from given states and returns the head's output before the skip
connection; the runtime adds the skip term from the steps it keeps
(`export.runtime.streaming`). A model trained with `relative=True` sees its
window minus the window's last value, which changes at every step, so it
cannot stream, nor can the hybrid GARCH-LSTM (`garch=True`, stock-volatility-lstm),
whose GARCH filter and skip connection read the whole window: exporting them with
`streaming=True` raises.
"""

from __future__ import annotations

import numpy as np

from export.convert import InputSpec
from export.families.spec import GraphSpec, stream_states


def can_stream(model) -> str | None:
    """Why `model` cannot be exported for streaming, or None."""
    if model.hparams.get("garch"):
        return (
            f"model {model.name!r} has garch=True (its GARCH variance and skip connection "
            "are computed from the whole input window); retrain it with garch=False and "
            "relative=False to stream"
        )
    if model.hparams["relative"]:
        return (
            f"model {model.name!r} has relative=True (its LSTM sees the window minus the "
            "window's last value, which changes at every step); retrain it with "
            "relative=False to stream"
        )
    return None


def stream_network(model):
    """A Keras model `[steps, h1, c1, ...] -> [head, h1, c1, ...]` sharing the
    forecaster's weights (copied into stateful-style LSTMs)."""
    import keras

    width = model.preprocessor.feature_count
    steps = keras.Input((None, width), name="steps")
    inputs, outputs, x = [steps], [], steps
    for i, old in enumerate(model.recurrent_layers(), start=1):
        config = {
            **old.get_config(),
            "return_sequences": True,
            "return_state": True,
            "name": f"stream_lstm_{i}",
        }
        layer = type(old).from_config(config)
        h = keras.Input((old.cell.units,), name=f"h{i}")
        c = keras.Input((old.cell.units,), name=f"c{i}")
        x, h1, c1 = layer(x, initial_state=[h, c])
        layer.set_weights(old.get_weights())
        inputs += [h, c]
        outputs += [h1, c1]
    last = keras.layers.Lambda(lambda t: t[:, -1], name="last_step")(x)
    head = model.head_layer()(last)
    head = keras.layers.Reshape(model.output_shape(), name="head_output")(head)
    return keras.Model(inputs, [head, *outputs], name="stream")


def _real_windows(model, samples) -> np.ndarray | None:
    from zoo.data.errors import DataError

    if samples is False:
        return None
    try:
        pre = model.preprocessor
        if samples is not None:
            series = pre.as_series(samples)
        elif pre.reference is not None:  # the real stretch of its training series
            series = pre.reference
        else:
            series = model.default_data()[1]
        x, _, _ = pre.windows(series)
    except (DataError, ValueError, KeyError):
        return None  # the embedded default does not fit this model's columns
    pick = np.linspace(0, len(x) - 1, num=min(8, len(x))).astype(int)
    return x[pick].astype("float32")


def graphs(model, streaming: bool = False, samples=None) -> list[GraphSpec]:
    pre = model.preprocessor
    width = pre.feature_count
    windows = _real_windows(model, samples)
    specs = [
        GraphSpec(
            name="network",
            network=model.inference_networks()["network"],
            inputs=[InputSpec("window", (None, pre.input_width, width))],
            outputs=["forecast_scaled"],
            real=None if windows is None else {"window": windows},
        )
    ]
    if streaming:
        reason = can_stream(model)
        if reason:
            raise ValueError(reason)
        net = stream_network(model)
        states = stream_states(model)
        real = None
        if windows is not None:
            real = {"steps": windows[:, :5]}
            real.update({s.name: np.zeros((len(windows), s.shape[1]), "float32") for s in states})
        specs.append(
            GraphSpec(
                name="stream",
                network=net,
                inputs=[InputSpec("steps", (None, None, width)), *states],
                outputs=["head", *(f"{s.name}_out" for s in states)],
                sizes={"time": 3},
                real=real,
            )
        )
    return specs
