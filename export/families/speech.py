"""Speech recognizers export the whole-utterance network and, for the unidirectional
model, a `stream` graph with explicit h and c inputs and outputs.

`network`: stacked feature frames `(batch, frames, F)` (zero rows are padding, masked
and exported as the `LSTM` nodes' `sequence_lens`) -> CTC log-posteriors.
`stream`: a chunk of frames `(1, frames, F)` and each LSTM layer's `h`, `c` -> the
chunk's log-posteriors and the new states; the same weights, without the padding mask.
The runtime (`zoo.models.speech.streaming.StreamingTranscriber`) feeds it chunks whose
length is a multiple of the model's subsampling, so every chunk starts on a subsampled
frame and the streamed posteriors are those of the whole utterance.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from export.convert import InputSpec
from export.families.spec import GraphSpec, stream_states


def can_stream(model: Any) -> str | None:
    """Why `model` cannot be exported for streaming, or None."""
    if model.hparams["bidirectional"]:
        return (
            f"model {model.name!r} is bidirectional: its backward LSTMs need the whole "
            "utterance; stream with speech-ctc-lstm-streaming"
        )
    if model.hparams["normalization"] == "utterance":
        return (
            f"model {model.name!r} normalises each utterance by its own statistics, "
            "which a stream does not know yet; train it with normalization=global"
        )
    return None


def stream_network(model: Any):
    """`[features, h1, c1, ...] -> [log_probs, h1, c1, ...]` sharing the model's weights."""
    import keras

    import zoo.layers as zl

    network = model.inference_networks()["network"]
    width = network.input_shape[-1]
    features = keras.Input((None, width), name="features")
    inputs, outputs, x, index = [features], [], features, 0
    for layer in network.layers[1:]:
        if isinstance(layer, (keras.layers.Masking, keras.layers.Dropout)):
            continue
        if isinstance(layer, zl.BaseLSTM):
            index += 1
            config = {**layer.get_config(), "return_state": True, "name": f"stream_lstm_{index}"}
            copy = type(layer).from_config(config)
            h = keras.Input((layer.cell.units,), name=f"h{index}")
            c = keras.Input((layer.cell.units,), name=f"c{index}")
            x, h1, c1 = copy(x, initial_state=[h, c])
            copy.set_weights(layer.get_weights())
            inputs += [h, c]
            outputs += [h1, c1]
        else:
            x = layer(x)
    return keras.Model(inputs, [x, *outputs], name="stream")


def real_features(model: Any, samples: Any = None) -> np.ndarray | None:
    """A padded batch of network inputs from real (synthetic) speech or `samples`
    (recordings or audio paths); None for `samples=False`."""
    from zoo.models.speech.batching import pad_batch

    if samples is False:
        return None
    if samples is None:
        from zoo.models.speech.synth import TEST_VOICES, synthesize

        data = synthesize(3, TEST_VOICES, seed=7)
        audio = model.recordings(data)
    else:
        audio = model.recordings(samples)
    return pad_batch([model.network_input(a) for a in audio])


def graphs(model: Any, streaming: bool = False, samples: Any = None) -> list[GraphSpec]:
    network = model.inference_networks()["network"]
    width = network.input_shape[-1]
    real = real_features(model, samples)
    specs = [
        GraphSpec(
            name="network",
            network=network,
            inputs=[InputSpec("features", (None, None, width))],
            outputs=["log_probs"],
            sizes={"time": 2 * model.subsampling()},
            real=None if real is None else {"features": real},
        )
    ]
    if streaming:
        reason = can_stream(model)
        if reason:
            raise ValueError(reason)
        stream = stream_network(model)
        states = stream_states(model)
        stream_real = None
        if real is not None:
            stream_real = {"features": real[:1, : 2 * model.output_step()]}
            stream_real.update({s.name: np.zeros((1, s.shape[1]), "float32") for s in states})
        specs.append(
            GraphSpec(
                name="stream",
                network=stream,
                inputs=[InputSpec("features", (None, None, width)), *states],
                outputs=["log_probs", *(f"{s.name}_out" for s in states)],
                sizes={"time": model.output_step()},
                real=stream_real,
            )
        )
    return specs
