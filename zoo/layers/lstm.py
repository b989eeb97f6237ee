"""The LSTM cell and layer, written from the gate equations."""

from __future__ import annotations

import keras
from keras import ops

from zoo.layers.base import BaseLSTM, BaseLSTMCell
from zoo.layers.facts import OnnxLSTMFacts


@keras.saving.register_keras_serializable(package="zoo")
class LSTMCell(BaseLSTMCell):
    """One step of a long short-term memory network.

    With input `x_t`, previous hidden state `h_{t-1}` and cell state
    `c_{t-1}`, and `σ` the recurrent activation (sigmoid by default):

        i_t = σ(x_t W_i + h_{t-1} U_i + b_i)          input gate
        f_t = σ(x_t W_f + h_{t-1} U_f + b_f)          forget gate
        g_t = tanh(x_t W_c + h_{t-1} U_c + b_c)       candidate memory
        o_t = σ(x_t W_o + h_{t-1} U_o + b_o)          output gate
        c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
        h_t = o_t ⊙ tanh(c_t)

    A forget gate near 0 drops the memory; near 1 it keeps it. The weights
    have the layout of `keras.layers.LSTMCell`: `kernel` `(input_dim, 4 *
    units)`, `recurrent_kernel` `(units, 4 * units)` and `bias` `(4 * units,)`,
    gates in the order i, f, c, o, so Keras weights load unchanged.

    Args:
        units: Positive integer, dimensionality of the hidden and cell state.
        activation: Activation of the candidate and of the cell output.
            Default: `"tanh"`.
        recurrent_activation: Activation of the gates. Default: `"sigmoid"`.
        use_bias: Whether the gates have a bias. Default: `True`.
        kernel_initializer: Initializer for `kernel`.
        recurrent_initializer: Initializer for `recurrent_kernel`.
        bias_initializer: Initializer for `bias`.
        unit_forget_bias: If `True`, the forget-gate bias starts at one
            (Jozefowicz et al., 2015). Default: `True`.
        kernel_regularizer, recurrent_regularizer, bias_regularizer:
            Regularizers for the three weights.
        kernel_constraint, recurrent_constraint, bias_constraint:
            Constraints for the three weights.
        dropout: Fraction of the inputs to drop, in [0, 1).
        recurrent_dropout: Fraction of the recurrent state to drop, in [0, 1).
        seed: Random seed for dropout.

    Call arguments:
        inputs: A 2D tensor `(batch, features)`.
        states: `[h_{t-1}, c_{t-1}]`, each `(batch, units)`.
        training: Whether dropout is applied.

    Example:

    >>> cell = zoo.layers.LSTMCell(8)
    >>> rnn = keras.layers.RNN(cell)
    >>> rnn(np.zeros((2, 5, 3), "float32")).shape
    (2, 8)

    Reference:
        Hochreiter & Schmidhuber, "Long Short-Term Memory", Neural
        Computation 9(8), 1997; forget gate: Gers, Schmidhuber & Cummins,
        "Learning to Forget", 2000.
    """

    gate_names = ("input_gate", "forget_gate", "candidate", "output_gate", "cell", "hidden")

    #: The ONNX `LSTM` operator as it is (and, with tanh and sigmoid, cuDNN's).
    onnx_lstm = OnnxLSTMFacts(gate_order="ifco")

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self._add_kernel("kernel", (input_dim, 4 * self.units))
        self.recurrent_kernel = self._add_recurrent_kernel(
            "recurrent_kernel", (self.units, 4 * self.units)
        )
        self.bias = self._add_gate_bias(("i", "f", "c", "o"))

    def cell_update(self, zx, zh, c_prev, weights):
        z_i, z_f, z_c, z_o = ops.split(zx + zh, 4, axis=-1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        g = self.activation(z_c)
        o = self.recurrent_activation(z_o)
        c = f * c_prev + i * g
        h = o * self.activation(c)
        return h, c, {"input_gate": i, "forget_gate": f, "candidate": g, "output_gate": o}


@keras.saving.register_keras_serializable(package="zoo")
class LSTM(BaseLSTM):
    """Long short-term memory layer, written from the gate equations.

    A drop-in for `keras.layers.LSTM`: the same arguments, the same weight
    layout (`set_weights(keras_lstm.get_weights())` gives the same outputs),
    masks from `Embedding(mask_zero=True)` or `Masking`, `Bidirectional`,
    `stateful` with `reset_states`, and `initial_state`. Its gates are
    readable with `zoo.layers.trace_gates`. The equations are those of
    `zoo.layers.LSTMCell`; the time loop is `zoo.layers.recurrence`, which
    reads the weights once per sequence.

    Args:
        units: Positive integer, dimensionality of the output space.
        return_sequences: Return the full sequence instead of the last output.
        return_state: Also return the last `h` and `c`.
        go_backwards: Process the input sequence backwards and return the
            reversed sequence.
        stateful: Keep the last states of each batch as the initial states of
            the next one; `reset_states()` clears them.
        unroll: Unroll the loop with Keras' own driver (short sequences only).
        zero_output_for_mask: Emit zeros at masked steps instead of repeating
            the previous output (`Bidirectional` sets this).
        **kwargs: the `zoo.layers.LSTMCell` arguments (activation,
            recurrent_activation, use_bias, initializers, regularizers,
            constraints, unit_forget_bias, dropout, recurrent_dropout, seed)
            and the base layer arguments (name, dtype, trainable).

    Call arguments:
        sequences: A 3D tensor `(batch, timesteps, features)`.
        initial_state: Optional list `[h_0, c_0]`, each `(batch, units)`.
        mask: Optional boolean tensor `(batch, timesteps)`.
        training: Whether dropout is applied.

    Example:

    >>> inputs = np.random.random((32, 10, 8)).astype("float32")
    >>> lstm = zoo.layers.LSTM(4)
    >>> lstm(inputs).shape
    (32, 4)
    >>> lstm = zoo.layers.LSTM(4, return_sequences=True, return_state=True)
    >>> whole_sequence_output, final_h, final_c = lstm(inputs)
    >>> whole_sequence_output.shape
    (32, 10, 4)

    Reference:
        Hochreiter & Schmidhuber, "Long Short-Term Memory", 1997.
    """

    cell_class = LSTMCell
