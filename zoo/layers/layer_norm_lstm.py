"""LSTM with layer-normalised gate pre-activations and cell (Ba et al., 2016)."""

from __future__ import annotations

import keras
from keras import initializers, ops

from zoo.layers.base import BaseLSTM, read_weight
from zoo.layers.facts import OnnxLoopFacts
from zoo.layers.lstm import LSTMCell


def _rms_scale(x, epsilon):
    """`x / sqrt(mean(x²) + ε)` over the last axis, with a hand-written gradient.

    Autodiff of the composite expression emits about twice the ops of this
    gradient; in the op-by-op time loop (gradients taken outside training, or
    `step_backend="ops"`) every op counts (about 8% of a training
    step, measured). d/dx: `inv · (dy − y · mean(dy · y))`.
    """

    @ops.custom_gradient
    def scale(x):
        inv = ops.rsqrt(ops.mean(ops.square(x), axis=-1, keepdims=True) + epsilon)
        y = x * inv

        def grad(*args, upstream=None):
            if upstream is None:
                (upstream,) = args
            return inv * (upstream - y * ops.mean(upstream * y, axis=-1, keepdims=True))

        return y, grad

    return scale(x)


def _standardize(x, epsilon):
    """`(x − mean(x)) / sqrt(var(x) + ε)` over the last axis, hand-written
    gradient: `inv · (dy − mean(dy) − y · mean(dy · y))`."""

    @ops.custom_gradient
    def standardize(x):
        centred = x - ops.mean(x, axis=-1, keepdims=True)
        inv = ops.rsqrt(ops.mean(ops.square(centred), axis=-1, keepdims=True) + epsilon)
        y = centred * inv

        def grad(*args, upstream=None):
            if upstream is None:
                (upstream,) = args
            mean_dy = ops.mean(upstream, axis=-1, keepdims=True)
            return inv * (upstream - mean_dy - y * ops.mean(upstream * y, axis=-1, keepdims=True))

        return y, grad

    return standardize(x)


def _centre_columns(kernel):
    """`kernel` minus its mean over the output axis.

    Centring is linear: `x @ k - mean(x @ k) == x @ (k - mean_cols(k))`, so the
    layer norm of a projection can take its mean out of the kernel once per
    sequence instead of out of the activations at every step.
    """
    return kernel - ops.mean(kernel, axis=-1, keepdims=True)


@keras.saving.register_keras_serializable(package="zoo")
class LayerNormLSTMCell(LSTMCell):
    """An LSTM cell with layer normalisation inside the recurrence.

    Following section 3.1 of Ba et al., the input and recurrent projections
    are normalised separately over all four gates, and the cell state is
    normalised before the output non-linearity (LN(v; γ, β) subtracts the
    mean of `v`, divides by its standard deviation, scales by γ, adds β):

        [i, f, g, o] = LN(x_t W; γ_x, 0) + LN(h_{t-1} U; γ_h, 0) + b
        c_t = σ(f) ⊙ c_{t-1} + σ(i) ⊙ tanh(g)
        h_t = σ(o) ⊙ tanh(LN(c_t; γ_c, β_c))

    The bias `b` plays the role of the gates' β. Weights: those of
    `zoo.layers.LSTMCell`, then `kernel_gamma` and `recurrent_gamma`
    `(4 * units,)`, and `cell_gamma` and `cell_beta` `(units,)`.

    Args:
        units: Positive integer, dimensionality of the state.
        epsilon: Small float added to the variance. Default: `1e-5`.
        gamma_initializer: Initializer of the γ vectors. Default: `"ones"`.
        beta_initializer: Initializer of `cell_beta`. Default: `"zeros"`.
        **kwargs: the `zoo.layers.LSTMCell` arguments.

    Call arguments:
        inputs: A 2D tensor `(batch, features)`.
        states: `[h_{t-1}, c_{t-1}]`.
        training: Whether dropout is applied.

    Example:

    >>> rnn = keras.layers.RNN(zoo.layers.LayerNormLSTMCell(8))
    >>> rnn(np.zeros((2, 5, 3), "float32")).shape
    (2, 8)

    Reference:
        Ba, Kiros & Hinton, "Layer Normalization", arXiv:1607.06450, 2016.
    """

    def __init__(
        self,
        units,
        epsilon=1e-5,
        gamma_initializer="ones",
        beta_initializer="zeros",
        **kwargs,
    ):
        super().__init__(units, **kwargs)
        if not float(epsilon) > 0:
            raise ValueError(f"Argument `epsilon` must be positive; received epsilon={epsilon!r}.")
        self.epsilon = float(epsilon)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_initializer = initializers.get(beta_initializer)

    def build(self, input_shape):
        super().build(input_shape)
        gates = 4 * self.units
        self.kernel_gamma = self.add_weight(
            shape=(gates,), name="kernel_gamma", initializer=self.gamma_initializer
        )
        self.recurrent_gamma = self.add_weight(
            shape=(gates,), name="recurrent_gamma", initializer=self.gamma_initializer
        )
        self.cell_gamma = self.add_weight(
            shape=(self.units,), name="cell_gamma", initializer=self.gamma_initializer
        )
        self.cell_beta = self.add_weight(
            shape=(self.units,), name="cell_beta", initializer=self.beta_initializer
        )

    update_weights = ("recurrent_gamma", "cell_gamma", "cell_beta")

    #: The normalisations have no ONNX `LSTM` (nor cuDNN) equivalent; the export
    #: writes a lean `Loop` from these facts (`export.fusion.lean_loop`).
    onnx_lstm = None
    onnx_loop = OnnxLoopFacts()

    def loop_weights(self):
        weights = super().loop_weights()
        centred = _centre_columns(weights["kernel"])
        # LN(x W) γ = (x W_c / σ) γ = (x / σ) (W_c γ), with σ² = mean((x W_c)²),
        # a scalar per step: the input's normaliser folds into the kernel and
        # σ² is the quadratic form x G xᵀ with G = W_c W_cᵀ / (4 units).
        weights["kernel"] = centred * read_weight(self.kernel_gamma)
        weights["kernel_gram"] = ops.matmul(centred, ops.transpose(centred)) / (4 * self.units)
        weights["recurrent_kernel"] = _centre_columns(weights["recurrent_kernel"])
        for name in ("recurrent_gamma", "cell_gamma", "cell_beta"):
            weights[name] = read_weight(getattr(self, name))
        return weights

    def prepare_inputs(self, x, weights):
        variance = ops.sum(ops.matmul(x, weights["kernel_gram"]) * x, axis=-1, keepdims=True)
        return x * ops.rsqrt(variance + self.epsilon)

    def cell_update(self, zx, zh, c_prev, weights):
        eps = self.epsilon
        # recurrent_kernel is centred by loop_weights: zh has mean 0.
        z = zx + _rms_scale(zh, eps) * weights["recurrent_gamma"]
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        g = self.activation(z_c)
        o = self.recurrent_activation(z_o)
        c = f * c_prev + i * g
        c_norm = _standardize(c, eps) * weights["cell_gamma"] + weights["cell_beta"]
        h = o * self.activation(c_norm)
        return h, c, {"input_gate": i, "forget_gate": f, "candidate": g, "output_gate": o}

    def get_config(self):
        config = {
            "epsilon": self.epsilon,
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_initializer": initializers.serialize(self.beta_initializer),
        }
        return {**super().get_config(), **config}


@keras.saving.register_keras_serializable(package="zoo")
class LayerNormLSTM(BaseLSTM):
    """LSTM layer with layer-normalised gates and cell (Ba et al., 2016).

    The equations are those of `zoo.layers.LayerNormLSTMCell`.

    Args:
        units: Positive integer, dimensionality of the output space.
        return_sequences, return_state, go_backwards, stateful, unroll,
        zero_output_for_mask: as in `zoo.layers.LSTM`.
        **kwargs: the `zoo.layers.LayerNormLSTMCell` arguments.

    Call arguments:
        sequences: A 3D tensor `(batch, timesteps, features)`.
        initial_state: Optional list `[h_0, c_0]`.
        mask: Optional boolean tensor `(batch, timesteps)`.
        training: Whether dropout is applied.

    Example:

    >>> layer = zoo.layers.LayerNormLSTM(4)
    >>> layer(np.zeros((2, 6, 3), "float32")).shape
    (2, 4)

    Reference:
        Ba, Kiros & Hinton, "Layer Normalization", arXiv:1607.06450, 2016.
    """

    cell_class = LayerNormLSTMCell
    extra_cell_attributes = ("epsilon", "gamma_initializer", "beta_initializer")
