"""LSTM with coupled input and forget gates (CIFG)."""

from __future__ import annotations

import keras
from keras import ops

from zoo.layers.base import BaseLSTM, BaseLSTMCell
from zoo.layers.facts import OnnxLSTMFacts


@keras.saving.register_keras_serializable(package="zoo")
class CIFGLSTMCell(BaseLSTMCell):
    """An LSTM cell whose forget gate is one minus its input gate.

        i_t = σ(x_t W_i + h_{t-1} U_i + b_i)
        f_t = 1 − i_t
        g_t = tanh(x_t W_c + h_{t-1} U_c + b_c)
        o_t = σ(x_t W_o + h_{t-1} U_o + b_o)
        c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
        h_t = o_t ⊙ tanh(c_t)

    New memory is written only as far as old memory is forgotten. Greff et
    al. found this variant as accurate as the full LSTM with a quarter fewer
    weights. Weights: `kernel` `(input_dim, 3 * units)`, `recurrent_kernel`
    `(units, 3 * units)` and `bias` `(3 * units,)`, gates in the order i, c,
    o. This is the ONNX `LSTM` operator with `input_forget=1`.

    Args:
        units: Positive integer, dimensionality of the state.
        unit_forget_bias: If `True`, the input-gate bias starts at -1, so the
            forget gate starts at σ(1), as an LSTM's does with its forget bias
            of one.
        **kwargs: the other `zoo.layers.LSTMCell` arguments.

    Call arguments:
        inputs: A 2D tensor `(batch, features)`.
        states: `[h_{t-1}, c_{t-1}]`.
        training: Whether dropout is applied.

    Example:

    >>> rnn = keras.layers.RNN(zoo.layers.CIFGLSTMCell(8))
    >>> rnn(np.zeros((2, 5, 3), "float32")).shape
    (2, 8)

    Reference:
        Greff, Srivastava, Koutník, Steunebrink & Schmidhuber, "LSTM: A Search
        Space Odyssey", IEEE TNNLS 28(10), 2017.
    """

    gate_names = ("input_gate", "forget_gate", "candidate", "output_gate", "cell", "hidden")

    #: Three gate blocks (no forget block): the operator's `input_forget=1`.
    onnx_lstm = OnnxLSTMFacts(gate_order="ico", input_forget=True)

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self._add_kernel("kernel", (input_dim, 3 * self.units))
        self.recurrent_kernel = self._add_recurrent_kernel(
            "recurrent_kernel", (self.units, 3 * self.units)
        )
        self.bias = None
        if self.use_bias:
            units, init, coupled = self.units, self.bias_initializer, self.unit_forget_bias

            def bias_initializer(shape, dtype=None):
                first = init((units,), dtype=dtype)
                if coupled:
                    first = -ops.ones((units,), dtype=dtype)
                return ops.concatenate([first, init((2 * units,), dtype=dtype)])

            self.bias = self.add_weight(
                shape=(3 * self.units,),
                name="bias",
                initializer=bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def cell_update(self, zx, zh, c_prev, weights):
        z_i, z_c, z_o = ops.split(zx + zh, 3, axis=-1)
        i = self.recurrent_activation(z_i)
        f = 1.0 - i
        g = self.activation(z_c)
        o = self.recurrent_activation(z_o)
        c = f * c_prev + i * g
        h = o * self.activation(c)
        return h, c, {"input_gate": i, "forget_gate": f, "candidate": g, "output_gate": o}


@keras.saving.register_keras_serializable(package="zoo")
class CIFGLSTM(BaseLSTM):
    """LSTM layer with coupled input and forget gates, f = 1 − i.

    The equations are those of `zoo.layers.CIFGLSTMCell`.

    Args:
        units: Positive integer, dimensionality of the output space.
        return_sequences, return_state, go_backwards, stateful, unroll,
        zero_output_for_mask: as in `zoo.layers.LSTM`.
        **kwargs: the `zoo.layers.CIFGLSTMCell` arguments.

    Call arguments:
        sequences: A 3D tensor `(batch, timesteps, features)`.
        initial_state: Optional list `[h_0, c_0]`.
        mask: Optional boolean tensor `(batch, timesteps)`.
        training: Whether dropout is applied.

    Example:

    >>> layer = zoo.layers.CIFGLSTM(4)
    >>> layer(np.zeros((2, 6, 3), "float32")).shape
    (2, 4)

    Reference:
        Greff et al., "LSTM: A Search Space Odyssey", IEEE TNNLS, 2017.
    """

    cell_class = CIFGLSTMCell
