"""The speech family's Keras parts: frame subsampling, the CTC loss, the networks.

`build_encoder(...)` stacks zoo LSTMs (`Bidirectional` for the BLSTMP encoder, plain for
the streaming one) with a linear projection after each layer and 2x frame subsampling
after the first `subsample_layers` layers (ESPnet's "BLSTMP" encoder: BLSTM layers with
projection, subsampling "1_2_2_1_1"), and a softmax over the characters and the CTC
blank, returned as log-probabilities. Padded frames are masked (`keras.layers.Masking`),
and `FrameSubsample` subsamples the mask with the frames, so the LSTMs skip padding and
export it as `sequence_lens`.

The loss is `keras.ops.ctc_loss`, always in float32. Its `y_true` packs, per utterance,
the number of valid output frames and the padded label ids: `[frames, l_1, ..., l_L]`
(labels >= 1, padding 0), see `pack_targets`.
"""

from __future__ import annotations

import keras
from keras import ops

from zoo.models.speech.batching import output_frames, pack_targets, pad_batch

__all__ = ["CTCLogProbs", "FrameSubsample", "build_encoder", "ctc_loss", "output_frames",
           "pack_targets", "pad_batch"]  # fmt: skip


@keras.saving.register_keras_serializable(package="zoo_speech")
class FrameSubsample(keras.layers.Layer):
    """Keeps every `factor`-th frame (the first, then every `factor` after it), and the
    same steps of the mask.

    Args:
        factor: the subsampling factor (>= 1).

    Call arguments:
        inputs: `(batch, frames, features)`; mask: optional `(batch, frames)`.

    Example:

    >>> FrameSubsample(2)(np.zeros((1, 5, 3), "float32")).shape
    (1, 3, 3)
    """

    def __init__(self, factor: int = 2, **kwargs) -> None:
        super().__init__(**kwargs)
        self.factor = int(factor)
        self.supports_masking = True

    def call(self, inputs):
        return inputs[:, :: self.factor]

    def compute_mask(self, inputs, mask=None):
        return None if mask is None else mask[:, :: self.factor]

    def compute_output_shape(self, input_shape):
        frames = input_shape[1]
        frames = None if frames is None else -(-frames // self.factor)
        return (input_shape[0], frames, *input_shape[2:])

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


@keras.saving.register_keras_serializable(package="zoo_speech")
class CTCLogProbs(keras.layers.Layer):
    """Log-softmax over the classes, in float32, with the padding mask dropped (the CTC
    loss takes each utterance's frame count instead of a mask).

    Call arguments:
        inputs: logits `(batch, frames, classes)`.
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return ops.log_softmax(ops.cast(inputs, "float32"), axis=-1)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return input_shape


@keras.saving.register_keras_serializable(package="zoo_speech")
def ctc_loss(y_true, y_pred):
    """CTC loss per utterance from packed targets (module docstring), in float32."""
    y_true = ops.cast(y_true, "int32")
    frames = y_true[:, 0]
    labels = y_true[:, 1:]
    label_lengths = ops.sum(ops.cast(labels > 0, "int32"), axis=1)
    log_probs = ops.cast(y_pred, "float32")
    return ops.ctc_loss(labels, log_probs, label_lengths, frames, mask_index=0)


def recurrent_layer(units: int, bidirectional: bool, dropout: float, name: str):
    import zoo.layers as zl

    lstm = zl.LSTM(units, return_sequences=True, dropout=dropout, name=name)
    if bidirectional:
        return keras.layers.Bidirectional(lstm, name=f"bi{name}")
    return lstm


def build_encoder(
    n_mels: int,
    classes: int,
    *,
    units: int,
    layers: int,
    projection: int,
    subsample_layers: int,
    bidirectional: bool,
    dropout: float,
    name: str = "speech_ctc",
) -> keras.Model:
    """`features (batch, frames, n_mels)` -> `log_probs (batch, frames', classes)`."""
    features = keras.Input((None, n_mels), name="features")
    x = keras.layers.Masking(0.0, name="padding")(features)
    for index in range(layers):
        x = recurrent_layer(units, bidirectional, dropout, f"lstm_{index}")(x)
        if index < subsample_layers:
            x = FrameSubsample(2, name=f"subsample_{index}")(x)
        if index < layers - 1:
            x = keras.layers.Dense(projection, name=f"projection_{index}")(x)
            if dropout:
                x = keras.layers.Dropout(dropout, name=f"dropout_{index}")(x)
    logits = keras.layers.Dense(classes, name="logits")(x)
    log_probs = CTCLogProbs(name="log_probs")(logits)
    return keras.Model(features, log_probs, name=name)
