"""LSTM with diagonal peephole connections (Gers & Schmidhuber, 2000)."""

from __future__ import annotations

import keras
from keras import constraints, initializers, ops, regularizers

from zoo.layers.base import BaseLSTM, read_weight
from zoo.layers.facts import OnnxLSTMFacts
from zoo.layers.lstm import LSTMCell


@keras.saving.register_keras_serializable(package="zoo")
class PeepholeLSTMCell(LSTMCell):
    """An LSTM cell whose gates also look at the cell state.

    The input and forget gates see the previous cell state, the output gate
    the new one, through diagonal (element-wise) weights `p`:

        i_t = σ(x_t W_i + h_{t-1} U_i + p_i ⊙ c_{t-1} + b_i)
        f_t = σ(x_t W_f + h_{t-1} U_f + p_f ⊙ c_{t-1} + b_f)
        g_t = tanh(x_t W_c + h_{t-1} U_c + b_c)
        c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
        o_t = σ(x_t W_o + h_{t-1} U_o + p_o ⊙ c_t + b_o)
        h_t = o_t ⊙ tanh(c_t)

    These are the semantics of the `P` input of the ONNX `LSTM` operator
    (there packed as `[p_i, p_o, p_f]`). With zero peepholes the cell is
    exactly `zoo.layers.LSTMCell`.

    Args:
        units: Positive integer, dimensionality of the state.
        peephole_initializer: Initializer of the three peephole vectors.
            Default: `"zeros"` (the cell starts as a plain LSTM).
        peephole_regularizer: Regularizer of the peephole vectors.
        peephole_constraint: Constraint of the peephole vectors.
        **kwargs: the `zoo.layers.LSTMCell` arguments.

    Call arguments:
        inputs: A 2D tensor `(batch, features)`.
        states: `[h_{t-1}, c_{t-1}]`.
        training: Whether dropout is applied.

    Example:

    >>> rnn = keras.layers.RNN(zoo.layers.PeepholeLSTMCell(8))
    >>> rnn(np.zeros((2, 5, 3), "float32")).shape
    (2, 8)

    Reference:
        Gers & Schmidhuber, "Recurrent nets that time and count", IJCNN 2000.
    """

    def __init__(
        self,
        units,
        peephole_initializer="zeros",
        peephole_regularizer=None,
        peephole_constraint=None,
        **kwargs,
    ):
        super().__init__(units, **kwargs)
        self.peephole_initializer = initializers.get(peephole_initializer)
        self.peephole_regularizer = regularizers.get(peephole_regularizer)
        self.peephole_constraint = constraints.get(peephole_constraint)

    def build(self, input_shape):
        super().build(input_shape)
        for gate in ("input", "forget", "output"):
            weight = self.add_weight(
                shape=(self.units,),
                name=f"{gate}_peephole",
                initializer=self.peephole_initializer,
                regularizer=self.peephole_regularizer,
                constraint=self.peephole_constraint,
            )
            setattr(self, f"{gate}_peephole", weight)

    update_weights = ("input_peephole", "forget_peephole", "output_peephole")

    #: The operator's `P` input, packed in its order i, o, f.
    onnx_lstm = OnnxLSTMFacts(
        gate_order="ifco", peepholes=("input_peephole", "output_peephole", "forget_peephole")
    )

    def loop_weights(self):
        weights = super().loop_weights()
        for gate in ("input", "forget", "output"):
            weights[f"{gate}_peephole"] = read_weight(getattr(self, f"{gate}_peephole"))
        return weights

    def cell_update(self, zx, zh, c_prev, weights):
        z_i, z_f, z_c, z_o = ops.split(zx + zh, 4, axis=-1)
        i = self.recurrent_activation(z_i + weights["input_peephole"] * c_prev)
        f = self.recurrent_activation(z_f + weights["forget_peephole"] * c_prev)
        g = self.activation(z_c)
        c = f * c_prev + i * g
        o = self.recurrent_activation(z_o + weights["output_peephole"] * c)
        h = o * self.activation(c)
        return h, c, {"input_gate": i, "forget_gate": f, "candidate": g, "output_gate": o}

    def get_config(self):
        config = {
            "peephole_initializer": initializers.serialize(self.peephole_initializer),
            "peephole_regularizer": regularizers.serialize(self.peephole_regularizer),
            "peephole_constraint": constraints.serialize(self.peephole_constraint),
        }
        return {**super().get_config(), **config}


@keras.saving.register_keras_serializable(package="zoo")
class PeepholeLSTM(BaseLSTM):
    """LSTM layer with diagonal peephole connections.

    The equations are those of `zoo.layers.PeepholeLSTMCell`. Weights:
    `kernel`, `recurrent_kernel`, `bias` (as `zoo.layers.LSTM`), then
    `input_peephole`, `forget_peephole`, `output_peephole`, each `(units,)`.

    Args:
        units: Positive integer, dimensionality of the output space.
        return_sequences, return_state, go_backwards, stateful, unroll,
        zero_output_for_mask: as in `zoo.layers.LSTM`.
        **kwargs: the `zoo.layers.PeepholeLSTMCell` arguments.

    Call arguments:
        sequences: A 3D tensor `(batch, timesteps, features)`.
        initial_state: Optional list `[h_0, c_0]`.
        mask: Optional boolean tensor `(batch, timesteps)`.
        training: Whether dropout is applied.

    Example:

    >>> layer = zoo.layers.PeepholeLSTM(4, return_sequences=True)
    >>> layer(np.zeros((2, 6, 3), "float32")).shape
    (2, 6, 4)

    Reference:
        Gers & Schmidhuber, "Recurrent nets that time and count", IJCNN 2000.
    """

    cell_class = PeepholeLSTMCell
    extra_cell_attributes = ("peephole_initializer", "peephole_regularizer", "peephole_constraint")
