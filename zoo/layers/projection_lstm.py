"""LSTM with a recurrent projection layer (Sak et al., 2014)."""

from __future__ import annotations

import keras
from keras import constraints, initializers, ops, regularizers

from zoo.layers.base import BaseLSTM, read_weight
from zoo.layers.checks import check_units
from zoo.layers.facts import OnnxLSTMFacts
from zoo.layers.lstm import LSTMCell


@keras.saving.register_keras_serializable(package="zoo")
class ProjectionLSTMCell(LSTMCell):
    """An LSTM cell whose output is projected to fewer dimensions.

        z = x_t W + r_{t-1} U + b,   [i, f, g, o] = split(z)
        c_t = σ(f) ⊙ c_{t-1} + σ(i) ⊙ tanh(g)
        r_t = (σ(o) ⊙ tanh(c_t)) W_proj

    The projected `r_t` (size `projection_units`) is both the output and the
    recurrent state, so `recurrent_kernel` is `(projection_units, 4 * units)`
    and `projection_kernel` is `(units, projection_units)`: the semantics of
    `torch.nn.LSTM(proj_size=...)`. States are `[r, c]` of sizes
    `[projection_units, units]`.

    Args:
        units: Positive integer, dimensionality of the cell state.
        projection_units: Positive integer smaller than `units`, the size of
            the output and of the recurrent state.
        projection_initializer: Initializer of `projection_kernel`.
        projection_regularizer: Regularizer of `projection_kernel`.
        projection_constraint: Constraint of `projection_kernel`.
        **kwargs: the `zoo.layers.LSTMCell` arguments.

    Call arguments:
        inputs: A 2D tensor `(batch, features)`.
        states: `[r_{t-1}, c_{t-1}]`.
        training: Whether dropout is applied.

    Example:

    >>> rnn = keras.layers.RNN(zoo.layers.ProjectionLSTMCell(8, projection_units=3))
    >>> rnn(np.zeros((2, 5, 4), "float32")).shape
    (2, 3)

    Reference:
        Sak, Senior & Beaufays, "Long Short-Term Memory Recurrent Neural
        Network Architectures for Large Scale Acoustic Modeling",
        Interspeech 2014.
    """

    def __init__(
        self,
        units,
        projection_units=None,
        projection_initializer="glorot_uniform",
        projection_regularizer=None,
        projection_constraint=None,
        **kwargs,
    ):
        super().__init__(units, **kwargs)
        if projection_units is None:
            raise ValueError("Argument `projection_units` is required; received None.")
        self.projection_units = check_units("projection_units", projection_units)
        if self.projection_units >= self.units:
            raise ValueError(
                "Argument `projection_units` must be smaller than `units`; received "
                f"projection_units={projection_units!r} with units={self.units}."
            )
        self.projection_initializer = initializers.get(projection_initializer)
        self.projection_regularizer = regularizers.get(projection_regularizer)
        self.projection_constraint = constraints.get(projection_constraint)
        self.state_size = [self.projection_units, self.units]
        self.output_size = self.projection_units

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self._add_kernel("kernel", (input_dim, 4 * self.units))
        self.recurrent_kernel = self._add_recurrent_kernel(
            "recurrent_kernel", (self.projection_units, 4 * self.units)
        )
        self.bias = self._add_gate_bias(("i", "f", "c", "o"))
        self.projection_kernel = self.add_weight(
            shape=(self.units, self.projection_units),
            name="projection_kernel",
            initializer=self.projection_initializer,
            regularizer=self.projection_regularizer,
            constraint=self.projection_constraint,
        )

    #: The operator runs on `h` with the recurrent kernel `P U` (`r U = h (P U)`);
    #: the export projects its outputs (no cuDNN equivalent: not a plain LSTM).
    onnx_lstm = OnnxLSTMFacts(gate_order="ifco", projection="projection_kernel")

    def loop_weights(self):
        weights = super().loop_weights()
        weights["projection_kernel"] = read_weight(self.projection_kernel)
        return weights

    def output_part(self, h, weights):
        return ops.matmul(h, weights["projection_kernel"])

    def get_config(self):
        config = {
            "projection_units": self.projection_units,
            "projection_initializer": initializers.serialize(self.projection_initializer),
            "projection_regularizer": regularizers.serialize(self.projection_regularizer),
            "projection_constraint": constraints.serialize(self.projection_constraint),
        }
        return {**super().get_config(), **config}


@keras.saving.register_keras_serializable(package="zoo")
class ProjectionLSTM(BaseLSTM):
    """LSTM layer with a recurrent projection (LSTMP, Sak et al., 2014).

    The equations are those of `zoo.layers.ProjectionLSTMCell`; the output,
    and the hidden state returned with `return_state`, have
    `projection_units` features.

    Args:
        units: Positive integer, dimensionality of the cell state.
        projection_units: Positive integer smaller than `units`.
        return_sequences, return_state, go_backwards, stateful, unroll,
        zero_output_for_mask: as in `zoo.layers.LSTM`.
        **kwargs: the `zoo.layers.ProjectionLSTMCell` arguments.

    Call arguments:
        sequences: A 3D tensor `(batch, timesteps, features)`.
        initial_state: Optional list `[r_0, c_0]` of shapes
            `(batch, projection_units)` and `(batch, units)`.
        mask: Optional boolean tensor `(batch, timesteps)`.
        training: Whether dropout is applied.

    Example:

    >>> layer = zoo.layers.ProjectionLSTM(16, projection_units=4)
    >>> layer(np.zeros((2, 6, 3), "float32")).shape
    (2, 4)

    Reference:
        Sak, Senior & Beaufays, Interspeech 2014.
    """

    cell_class = ProjectionLSTMCell
    extra_cell_attributes = (
        "projection_units",
        "projection_initializer",
        "projection_regularizer",
        "projection_constraint",
    )
