"""What every zoo LSTM cell and layer shares.

A zoo cell keeps its gate equations in one method, `cell_update`, which
takes the gate pre-activations of the input and of the previous hidden state,
the previous cell state and the weights as plain tensors, and returns the new
hidden state, the new cell state and a dict of every gate. A step is

    zx = input_part(x)          the input projection     (a matmul)
    zh = hidden_part(h_prev)    the recurrent projection (a matmul)
    h, c, gates = cell_update(zx, zh, c_prev)   element-wise gate equations
    output = output_part(h)     identity, or a projection (a matmul)

(`equations` chains them.) The same methods serve three callers:

* `cell.call`, so the cell also runs inside a plain `keras.layers.RNN`;
* the layer's fast loop (`zoo.layers.recurrence`), which reads the weights
  once per sequence instead of once per step and, on TensorFlow, compiles
  `cell_update` with XLA (`zoo.layers.fused`);
* `zoo.layers.trace_gates`, which keeps the gate dict for every step.

Which time loop runs (the zoo loop op by op or with the XLA step, Keras' own
driver, the whole loop under XLA, or cuDNN on a GPU) is not decided here but
in `zoo.layers.backends`, from the layer's `step_backend` and `use_cudnn`
options; every path computes these same equations.
"""

from __future__ import annotations

from typing import ClassVar

import keras
from keras import activations, constraints, initializers, ops, regularizers
from keras.src.layers.rnn.dropout_rnn_cell import DropoutRNNCell

from zoo.layers.checks import check_choice, check_implementation, check_rate, check_units
from zoo.layers.facts import OnnxLSTMFacts

#: The values of `use_cudnn`, as in `keras.layers.LSTM`.
USE_CUDNN_VALUES = ("auto", True, False)

#: The values of `step_backend` (see `zoo.layers.backends`).
STEP_BACKENDS = ("auto", "xla", "ops", "keras_rnn", "xla_loop")


def read_weight(variable):
    """The variable's value as a tensor, read here and now.

    `ops.convert_to_tensor` hands a Keras variable back unread on the
    TensorFlow backend, so a weight "read before the loop" that way is really
    read inside it, at every step, and its value pushed onto the gradient
    stack at every step as well. `ops.copy` forces the read.
    """
    return ops.copy(variable)


class BaseLSTMCell(DropoutRNNCell, keras.layers.Layer):
    """Constructor arguments, dropout and config common to all zoo cells.

    Subclasses define `build` and `cell_update`, and extend `loop_weights`
    (and `prepare_inputs`, `hidden_part`, `output_part`) where they have more
    weights or more work. A subclass whose equations are those of the ONNX
    `LSTM` operator declares it with `onnx_lstm` (see `zoo.layers.facts`).
    """

    #: How the equations map onto the ONNX `LSTM` operator, or None. Read by
    #: `export.fusion` (fused nodes) and by the GPU path (cuDNN runs cells
    #: whose facts are those of a plain LSTM). Not inherited: see
    #: `zoo.layers.facts.declared_onnx_facts`.
    onnx_lstm: ClassVar[OnnxLSTMFacts | None] = None

    #: Names of the gates `equations` reports, in the order they are drawn.
    gate_names: tuple[str, ...] = ()

    #: The `loop_weights` entries that `cell_update` reads (the element-wise
    #: weights: peepholes, norm gains); the matmul kernels are not among them.
    update_weights: tuple[str, ...] = ()

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        implementation=2,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.implementation = check_implementation(implementation)
        self.units = check_units("units", units)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = check_rate("dropout", dropout)
        self.recurrent_dropout = check_rate("recurrent_dropout", recurrent_dropout)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed=seed)
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    # -- weights ----------------------------------------------------------
    def _add_kernel(self, name, shape):
        return self.add_weight(
            shape=shape,
            name=name,
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )

    def _add_recurrent_kernel(self, name, shape):
        return self.add_weight(
            shape=shape,
            name=name,
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )

    def _add_gate_bias(self, gates: tuple[str, ...]):
        """A bias over `gates` (e.g. ("i", "f", "c", "o")), with the forget
        slice initialised to one when `unit_forget_bias`."""
        if not self.use_bias:
            return None
        units = self.units
        init = self.bias_initializer

        def bias_initializer(shape, dtype=None):
            parts = []
            for gate in gates:
                if gate == "f" and self.unit_forget_bias:
                    parts.append(ops.ones((units,), dtype=dtype))
                else:
                    parts.append(init((units,), dtype=dtype))
            return ops.concatenate(parts)

        return self.add_weight(
            shape=(units * len(gates),),
            name="bias",
            initializer=bias_initializer,
            regularizer=self.bias_regularizer,
            constraint=self.bias_constraint,
        )

    def loop_weights(self) -> dict:
        """The weights as tensors, read once before a time loop; variants add
        theirs or transform these."""
        weights = {
            "kernel": read_weight(self.kernel),
            "recurrent_kernel": read_weight(self.recurrent_kernel),
        }
        if self.use_bias:
            weights["bias"] = read_weight(self.bias)
        return weights

    def step_weights(self) -> dict:
        """`loop_weights` with the bias folded into the kernel as a last row.

        The prepared input carries a constant 1 feature to meet it, so a step
        does no bias add, and its backward pass no per-step bias reduction.
        """
        weights = self.loop_weights()
        if self.use_bias:
            bias = weights.pop("bias")
            weights["kernel"] = ops.concatenate([weights["kernel"], bias[None, :]], axis=0)
        return weights

    def prepare_inputs(self, x, weights):
        """Work on the inputs that needs no state, done for the whole sequence
        before the loop (keep it cheap: it must not widen the input much).
        Works on `(batch, features)` and `(batch, timesteps, features)`.
        Identity by default."""
        return x

    def prepared(self, x, weights):
        """`prepare_inputs`, then the constant feature that meets the bias row."""
        x = self.prepare_inputs(x, weights)
        if self.use_bias:
            x = ops.concatenate([x, ops.ones_like(x[..., :1])], axis=-1)
        return x

    def gate_matmul(self, x, kernel):
        """`x @ kernel` over all gates: one matmul (`implementation=2`), or
        one per gate block (`implementation=1`), as Keras' two modes. Same
        values either way; the modes differ only in speed."""
        if self.implementation == 1:
            blocks = int(kernel.shape[-1]) // self.units
            parts = ops.split(kernel, blocks, axis=-1)
            return ops.concatenate([ops.matmul(x, part) for part in parts], axis=-1)
        return ops.matmul(x, kernel)

    def input_part(self, x, weights):
        """The gate pre-activations that depend on the prepared input only."""
        return self.gate_matmul(x, weights["kernel"])

    def hidden_part(self, h_prev, weights):
        """The gate pre-activations that depend on the previous output."""
        return self.gate_matmul(h_prev, weights["recurrent_kernel"])

    def cell_update(self, zx, zh, c_prev, weights):
        """The gate equations: `(h, c, gates)` from the input part `zx`, the
        hidden part `zh` and `c_{t-1}`. Element-wise work only (and
        reductions over the feature axis); reads `update_weights` only."""
        raise NotImplementedError

    def output_part(self, h, weights):
        """The step's output (and next hidden state) from `h`. Identity by
        default."""
        return h

    def recurrent_part(self, zx, states, weights, recurrent_mask=None, cell_update=None):
        """The rest of a step, from the input part `zx` and the states:
        `(output, new_states, gates)`. `cell_update` replaces the cell's own
        (the time loop passes its XLA-compiled one).

        Under mixed precision the time loop carries `c` in float32: the gate
        pre-activations are then cast up, the element-wise equations run in
        float32, and `h` goes back to the compute dtype for the next matmul.
        """
        h_prev, c_prev = states
        if recurrent_mask is not None:
            h_prev = h_prev * recurrent_mask
        update = cell_update or self.cell_update
        zh = self.hidden_part(h_prev, weights)
        if zx.dtype != c_prev.dtype:
            zx, zh = ops.cast(zx, c_prev.dtype), ops.cast(zh, c_prev.dtype)
        h, c, gates = update(zx, zh, c_prev, weights)
        if h.dtype != h_prev.dtype:
            h = ops.cast(h, h_prev.dtype)
        output = self.output_part(h, weights)
        return output, [output, c], {**gates, "cell": c, "hidden": output}

    def equations(self, x, states, weights, recurrent_mask=None):
        """One step: `(output, new_states, gates)`; see the module docstring."""
        zx = self.input_part(self.prepared(x, weights), weights)
        return self.recurrent_part(zx, states, weights, recurrent_mask)

    # -- dropout ----------------------------------------------------------
    def dropout_masks(self, step_input, state, training):
        """Masks for the inputs and the recurrent state, or None when off.

        As in Gal & Ghahramani (2016), one mask is drawn per sequence and
        shared by every time step and every gate. The masks are Keras'
        `DropoutRNNCell` ones: `keras.layers.RNN` draws them once before its
        time loop and clears them after, so every time loop (the zoo's, Keras'
        driver, XLA or cuDNN) applies the same masks. (Keras' own
        `implementation=1` draws one mask per gate; the zoo keeps one.)
        """
        if not training:
            return None, None
        return self.get_dropout_mask(step_input), self.get_recurrent_dropout_mask(state)

    def call(self, inputs, states, training=False):
        input_mask, recurrent_mask = self.dropout_masks(inputs, states[0], training)
        if input_mask is not None:
            inputs = inputs * input_mask
        output, new_states, _ = self.equations(
            inputs, list(states), self.step_weights(), recurrent_mask
        )
        return output, new_states

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, size), dtype=self.compute_dtype) for size in self.state_size]

    def get_config(self):
        config = {
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias,
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
            "implementation": self.implementation,
        }
        return {**super().get_config(), **config}


_LAYER_KWARGS = ("name", "dtype", "trainable", "autocast", "input_shape", "input_dim")


class BaseLSTM(keras.layers.RNN):
    """A recurrent layer over a zoo cell, with the zoo's fast time loop.

    Subclasses set `cell_class`. Cell arguments (units, activations,
    initializers, dropout, `implementation`, variant options) go to the cell;
    the rest are the usual `keras.layers.RNN` arguments, and two that choose
    the time loop (`zoo.layers.backends`):

    * `use_cudnn`: `"auto"` (default), `True` or `False`, as in
      `keras.layers.LSTM`: on a GPU, `"auto"` runs cuDNN's LSTM kernel when
      the equations are exactly cuDNN's, `True` requires it (an error where
      it cannot run), `False` never uses it;
    * `step_backend`: `"auto"` (default: measured per machine and shape
      class, see `zoo.layers.describe_backend()`), or one path forced:
      `"xla"` (the zoo loop, element-wise step compiled with XLA), `"ops"`
      (the zoo loop op by op), `"keras_rnn"` (Keras' own driver over the
      cell) or `"xla_loop"` (the whole zoo loop compiled with XLA).

    With `unroll=True` or a backend other than TensorFlow, Keras' own driver
    runs. The equations are the same on every path.
    """

    cell_class: type[BaseLSTMCell] = BaseLSTMCell

    def __init__(
        self,
        units,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        zero_output_for_mask=False,
        activity_regularizer=None,
        use_cudnn="auto",
        step_backend="auto",
        **kwargs,
    ):
        use_cudnn = check_choice("use_cudnn", use_cudnn, USE_CUDNN_VALUES)
        step_backend = check_choice("step_backend", step_backend, STEP_BACKENDS)
        layer_kwargs = {k: kwargs.pop(k) for k in _LAYER_KWARGS if k in kwargs}
        cell = self.cell_class(
            units,
            dtype=layer_kwargs.get("dtype"),
            trainable=layer_kwargs.get("trainable", True),
            name=f"{self.cell_class.__name__.lower()}",
            **kwargs,
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            zero_output_for_mask=zero_output_for_mask,
            activity_regularizer=regularizers.get(activity_regularizer),
            **layer_kwargs,
        )
        self.use_cudnn = use_cudnn
        self.step_backend = step_backend
        from zoo.layers.backends import may_run_cudnn

        if may_run_cudnn(self):
            # As keras.layers.LSTM: cuDNN ops cannot be XLA-compiled, so a
            # model holding this layer is not jit-compiled by default.
            self.supports_jit = False

    # -- validation -------------------------------------------------------
    def _check_sequences_shape(self, shape):
        if len(shape) != 3:
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) expects inputs of rank 3 "
                f"(batch, timesteps, features); received an input of shape {tuple(shape)}."
            )

    def build(self, sequences_shape, initial_state_shape=None):
        self._check_sequences_shape(sequences_shape)
        super().build(sequences_shape, initial_state_shape)

    def _check_call_args(self, sequences, initial_state, mask):
        shape = tuple(sequences.shape)
        self._check_sequences_shape(shape)
        if mask is not None:
            m = mask[0] if isinstance(mask, (list, tuple)) else mask
            mshape = tuple(m.shape)
            if len(mshape) != 2 or any(
                a is not None and b is not None and a != b
                for a, b in zip(mshape, shape[:2], strict=False)
            ):
                raise ValueError(
                    f"Layer '{self.name}': the mask must have shape (batch, timesteps) = "
                    f"{shape[:2]} to match the inputs; received a mask of shape {mshape}."
                )
        if initial_state is None:
            return
        states = (
            list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        )
        sizes = self.cell.state_size
        if len(states) != len(sizes):
            raise ValueError(
                f"Layer '{self.name}' expects initial_state to be a list of {len(sizes)} "
                f"tensors of shapes {[(shape[0], s) for s in sizes]}; received {len(states)}."
            )
        for index, (state, size) in enumerate(zip(states, sizes, strict=True)):
            sshape = tuple(state.shape)
            expected = (shape[0], size)
            if (
                len(sshape) != 2
                or sshape[1] != size
                or (sshape[0] is not None and shape[0] is not None and sshape[0] != shape[0])
            ):
                raise ValueError(
                    f"Layer '{self.name}': initial_state[{index}] must have shape "
                    f"(batch, {size}) = {expected}; received shape {sshape}."
                )

    def call(self, sequences, initial_state=None, mask=None, training=False):
        self._check_call_args(sequences, initial_state, mask)
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    # -- the time loop ----------------------------------------------------
    def inner_loop(self, sequences, initial_state, mask, training=False):
        """The time loop; `zoo.layers.backends.time_loop` picks the path."""
        from zoo.layers.backends import time_loop

        return time_loop(self, sequences, initial_state, mask, training)

    @property
    def backend_choice(self) -> dict:
        """The path each mode ("training", "inference") took when this layer
        was last traced, with the reason: `{"training": ("xla", "...")}`."""
        return dict(getattr(self, "_zoo_backend_choice", {}))

    # -- attributes and config ---------------------------------------------
    def __getattr__(self, name):
        # Cell arguments read through the layer (layer.units, layer.dropout,
        # ...), as keras.layers.LSTM exposes them.
        if name in _CELL_ATTRIBUTES or name in getattr(type(self), "extra_cell_attributes", ()):
            return getattr(object.__getattribute__(self, "cell"), name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        cell_config = self.cell.get_config()
        for key in ("name", "dtype", "trainable"):
            cell_config.pop(key, None)
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        config["use_cudnn"] = self.use_cudnn
        config["step_backend"] = self.step_backend
        return {**config, **cell_config}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


_CELL_ATTRIBUTES = (
    "units",
    "activation",
    "recurrent_activation",
    "use_bias",
    "unit_forget_bias",
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
    "dropout",
    "recurrent_dropout",
    "seed",
    "implementation",
)
