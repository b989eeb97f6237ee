"""Attention over the encoder's outputs, with Luong (multiplicative) or Bahdanau (additive) scores.

`SequenceAttention` takes the decoder's outputs as queries ``s_t`` and the encoder's outputs
``h_i`` as values, scores every pair, masks the source padding, and returns the context
vectors ``c_t = Σ_i a_ti h_i`` with the weights ``a_t = softmax_i(score(s_t, h_i))``:

* ``score="luong"``: the *general* multiplicative score of Luong, Pham & Manning (2015),
  ``score(s, h) = sᵀ W h``;
* ``score="bahdanau"``: the additive score of Bahdanau, Cho & Bengio (2015),
  ``score(s, h) = vᵀ tanh(W₁ h + W₂ s)``.

Only the score differs; where the context goes (Luong's attentional hidden state
``tanh(W_c [c_t; s_t])``) is the model's business. `PaddingMask` turns token ids into the
boolean source mask the attention needs (``id != 0``).
"""

from __future__ import annotations

import keras
from keras import ops

__all__ = ["SCORES", "PaddingMask", "SequenceAttention"]

SCORES = ("luong", "bahdanau")
_MASKED = -1e9  # a masked score; finite, so a sentence with no tokens gets uniform weights


@keras.saving.register_keras_serializable(package="zoo")
class PaddingMask(keras.layers.Layer):
    """Token ids ``(batch, steps)`` -> boolean mask, ``True`` where the id is not padding."""

    def __init__(self, pad_id: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.pad_id = int(pad_id)

    def call(self, tokens):
        return ops.not_equal(tokens, self.pad_id)

    def compute_output_spec(self, tokens):
        return keras.KerasTensor(tokens.shape, dtype="bool")

    def get_config(self):
        return {**super().get_config(), "pad_id": self.pad_id}


@keras.saving.register_keras_serializable(package="zoo")
class SequenceAttention(keras.layers.Layer):
    """Masked attention of decoder states over encoder outputs.

    Args:
        score: ``"luong"`` (general, ``sᵀ W h``) or ``"bahdanau"`` (additive,
            ``vᵀ tanh(W₁ h + W₂ s)``).
        units: Width of the additive score's hidden layer (``bahdanau`` only; default: the
            query width).

    Call arguments:
        query: Decoder states ``(batch, target_steps, query_dim)``.
        values: Encoder outputs ``(batch, source_steps, value_dim)``.
        source_mask: Boolean ``(batch, source_steps)``, ``False`` at padding.

    Returns:
        ``(context, weights)``: ``(batch, target_steps, value_dim)`` and
        ``(batch, target_steps, source_steps)``; each row of weights sums to one over the
        unmasked source steps (uniform over all steps when a source has none).
    """

    def __init__(self, score: str = "luong", units: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if score not in SCORES:
            raise ValueError(f"score must be one of {SCORES}; received score={score!r}.")
        self.score = score
        self.units = None if units is None else int(units)

    def build(self, query_shape, values_shape, source_mask_shape=None):
        query_dim, value_dim = int(query_shape[-1]), int(values_shape[-1])
        if self.score == "luong":
            self.kernel = self.add_weight(
                shape=(value_dim, query_dim), name="kernel", initializer="glorot_uniform"
            )
        else:
            units = self.units or query_dim
            self.value_kernel = self.add_weight(
                shape=(value_dim, units), name="value_kernel", initializer="glorot_uniform"
            )
            self.query_kernel = self.add_weight(
                shape=(query_dim, units), name="query_kernel", initializer="glorot_uniform"
            )
            self.bias = self.add_weight(shape=(units,), name="bias", initializer="zeros")
            self.scale = self.add_weight(shape=(units,), name="scale", initializer="glorot_uniform")

    def scores(self, query, values):
        """Unmasked scores ``(batch, target_steps, source_steps)``."""
        if self.score == "luong":
            keys = ops.matmul(values, self.kernel)  # W h: (B, S, Dq)
            return ops.matmul(query, ops.transpose(keys, (0, 2, 1)))
        keys = ops.matmul(values, self.value_kernel) + self.bias  # W1 h + b: (B, S, A)
        queries = ops.matmul(query, self.query_kernel)  # W2 s: (B, T, A)
        hidden = ops.tanh(ops.expand_dims(queries, 2) + ops.expand_dims(keys, 1))
        return ops.einsum("btsa,a->bts", hidden, self.scale)

    def call(self, query, values, source_mask):
        scores = self.scores(query, values)
        mask = ops.expand_dims(ops.cast(source_mask, "bool"), 1)
        scores = ops.where(mask, scores, ops.cast(_MASKED, scores.dtype))
        weights = ops.softmax(scores, axis=-1)
        return ops.matmul(weights, values), weights

    def compute_output_spec(self, query, values, source_mask):
        batch, steps = query.shape[0], query.shape[1]
        context = keras.KerasTensor((batch, steps, values.shape[-1]), dtype=self.compute_dtype)
        weights = keras.KerasTensor((batch, steps, values.shape[1]), dtype=self.compute_dtype)
        return context, weights

    def get_config(self):
        return {**super().get_config(), "score": self.score, "units": self.units}
