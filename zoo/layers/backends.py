"""Which time loop a zoo layer runs, and why.

Every zoo layer computes its cell's gate equations; what differs is the loop
that drives them over time. The paths (`zoo.layers.paths`, `zoo.layers.cudnn`):

* `"xla"`: the zoo loop (`zoo.layers.recurrence`), each step's element-wise
  equations compiled as one XLA cluster forward and one backward;
* `"ops"`: the zoo loop, op by op;
* `"keras_rnn"`: Keras' own driver (`keras.layers.RNN`) over the zoo cell;
* `"xla_loop"`: the whole zoo loop, matmuls included, compiled with XLA;
* `"cudnn"`: cuDNN's LSTM kernel, as `keras.layers.LSTM` runs it.

A layer chooses from its `use_cudnn` and `step_backend` options:

1. With `unroll=True` or a Keras backend other than TensorFlow: `keras_rnn`.
2. `cudnn` when `use_cudnn=True`, or `use_cudnn="auto"` with
   `step_backend="auto"`, if a GPU is there and the equations are exactly
   cuDNN's (a cell declaring plain-LSTM ONNX facts, tanh and sigmoid, no
   recurrent dropout in training, not unrolled, float32 or float16). A mask
   must be right-padded: with `"auto"` a mask that is not runs the next
   choice instead (decided per batch); `use_cudnn=True` where cuDNN cannot
   run is an error, as in Keras.
3. A `step_backend` other than `"auto"` is used as given.
4. `"auto"` on a GPU: `xla_loop` (one XLA program instead of a kernel
   launch per op and step). On a CPU, inference runs `ops` (the fastest
   forward pass measured) and training runs what `zoo.layers.autotune`
   measured fastest for this machine and shape class, cached on disk; with
   `LSTM_ZOO_AUTOTUNE=0`, `xla`.

`LSTM_ZOO_XLA_CELLS=0` (read when a layer is traced) or `set_xla_cells(False)`
keeps the automatic choice off the XLA paths. `describe_backend()` shows the
machine, the cached measurements and the recent choices.
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import os
from collections.abc import Callable, Iterator
from typing import Any

import keras

from zoo.layers.facts import declared_onnx_facts

#: Path name -> one line on what it is.
PATHS = {
    "xla": "zoo loop, element-wise step compiled with XLA",
    "ops": "zoo loop, op by op",
    "keras_rnn": "Keras' own driver over the zoo cell",
    "xla_loop": "whole zoo loop compiled with XLA",
    "cudnn": "cuDNN's LSTM kernel",
}

#: A scoped replacement of the time loop: `(hook, path)`; see `loop_override`.
_OVERRIDE: contextvars.ContextVar = contextvars.ContextVar("zoo_loop_override", default=None)

#: `set_xla_cells` value; None: read LSTM_ZOO_XLA_CELLS.
_XLA_SWITCH: dict[str, bool | None] = {"enabled": None}

#: (layer name, mode) -> (layer class, path, reason), most recent last.
_RECENT: collections.OrderedDict = collections.OrderedDict()
_RECENT_MAX = 64

LoopHook = Callable[..., Any]


def set_xla_cells(enabled: bool | None) -> None:
    """Allows (True) or keeps off (False) the XLA paths in the automatic
    choice, for TensorFlow builds without XLA or to compare; None goes back
    to `LSTM_ZOO_XLA_CELLS` (default on). Takes effect when a model's step
    function is next traced. A layer's explicit `step_backend` still wins."""
    _XLA_SWITCH["enabled"] = None if enabled is None else bool(enabled)


def xla_cells_enabled() -> bool:
    """Whether the automatic choice may use XLA (`set_xla_cells`, else the
    environment variable `LSTM_ZOO_XLA_CELLS`, read now; on unless "0")."""
    if _XLA_SWITCH["enabled"] is not None:
        return _XLA_SWITCH["enabled"]
    return os.environ.get("LSTM_ZOO_XLA_CELLS", "1").strip() != "0"


@contextlib.contextmanager
def loop_override(hook: LoopHook | None = None, path: str | None = None) -> Iterator[None]:
    """Within the block (this thread or task only), every zoo layer first
    offers its time loop to `hook(layer, sequences, initial_state, mask,
    training)`; a non-None result replaces the loop. A layer the hook
    declines runs `path` (one of `PATHS`) instead of its own choice, if given.

    `export.fusion.fusing` uses it to trace fusable layers as ONNX `LSTM`
    placeholders and the others op by op, which ONNX converters read.
    """
    if path is not None and path not in PATHS:
        raise ValueError(f"path must be one of {sorted(PATHS)}; received path={path!r}.")
    token = _OVERRIDE.set((hook, path))
    try:
        yield
    finally:
        _OVERRIDE.reset(token)


def gpu_available() -> bool:
    """Whether TensorFlow sees a GPU."""
    import tensorflow as tf

    return bool(tf.config.list_logical_devices("GPU"))


def _activation(function) -> str:
    name = keras.activations.serialize(function)
    return name if isinstance(name, str) else str(name)


def _compute_dtype(layer) -> str:
    return keras.backend.standardize_dtype(layer.compute_dtype)


def cudnn_reason(layer, training: bool = True, check_device: bool = True) -> str | None:
    """Why cuDNN cannot run `layer`'s equations, or None when it can
    (masks aside: those are checked per batch)."""
    cell = layer.cell
    facts = declared_onnx_facts(cell)
    if facts is None or not facts.is_plain_lstm:
        return f"{type(cell).__name__}'s equations are not cuDNN's LSTM"
    if (_activation(cell.activation), _activation(cell.recurrent_activation)) != (
        "tanh",
        "sigmoid",
    ):
        return "cuDNN's LSTM needs activation='tanh' and recurrent_activation='sigmoid'"
    if layer.unroll:
        return "unroll=True"
    if training and cell.recurrent_dropout > 0:
        return "recurrent_dropout in training"
    if _compute_dtype(layer) not in ("float32", "float16"):
        return (
            f"compute dtype {_compute_dtype(layer)} (cuDNN's LSTM in TensorFlow: float32, float16)"
        )
    if keras.backend.backend() != "tensorflow":
        return f"Keras backend {keras.backend.backend()}"
    if check_device and not gpu_available():
        return "no GPU"
    return None


def _wants_cudnn(layer) -> bool:
    return layer.use_cudnn is True or (layer.use_cudnn == "auto" and layer.step_backend == "auto")


def may_run_cudnn(layer) -> bool:
    """Whether `layer` can take the cuDNN path here (for `supports_jit`)."""
    return _wants_cudnn(layer) and cudnn_reason(layer, training=False) is None


def _record(layer, mode: str, path: str, reason: str) -> None:
    choices = layer.__dict__.get("_zoo_backend_choice")
    if choices is None:
        choices = {}
        object.__setattr__(layer, "_zoo_backend_choice", choices)
    choices[mode] = (path, reason)
    key = (layer.name, mode)
    _RECENT.pop(key, None)
    _RECENT[key] = (type(layer).__name__, path, reason)
    while len(_RECENT) > _RECENT_MAX:
        _RECENT.popitem(last=False)


def automatic_path(layer, sequences, mask, training: bool) -> tuple[str, str]:
    """The path `step_backend="auto"` takes when cuDNN does not, and why."""
    xla = xla_cells_enabled()
    if gpu_available():
        if xla:
            return "xla_loop", "GPU: the whole loop as one XLA program"
        return "ops", "GPU, XLA kept off (LSTM_ZOO_XLA_CELLS=0 or set_xla_cells(False))"
    if not training:
        return "ops", "inference on CPU: op by op is the fastest forward pass"
    candidates = ["xla"] if xla else []
    candidates.append("ops")
    if _compute_dtype(layer) == "float32":
        candidates.append("keras_rnn")  # carries c in the compute dtype
    from zoo.layers import autotune

    return autotune.choose(layer, sequences, mask, candidates)


def choose_path(layer, sequences, mask, training) -> tuple[str, str]:
    """`(path, reason)` for one trace of `layer`'s time loop."""
    training = training is True
    if keras.backend.backend() != "tensorflow":
        return "keras_rnn", f"Keras backend {keras.backend.backend()}: Keras' driver"
    if layer.unroll:
        return "keras_rnn", "unroll=True: Keras' unrolled driver"
    if _wants_cudnn(layer):
        reason = cudnn_reason(layer, training)
        if reason is None:
            return "cudnn", f"use_cudnn={layer.use_cudnn!r}: the equations are cuDNN's"
        if layer.use_cudnn is True:
            raise ValueError(
                f"Layer '{layer.name}': use_cudnn=True was specified, but cuDNN cannot run "
                f"this layer configuration ({reason}). Pass use_cudnn='auto' to fall back to "
                "a non-cuDNN implementation."
            )
    if layer.step_backend != "auto":
        return layer.step_backend, f"step_backend={layer.step_backend!r}"
    return automatic_path(layer, sequences, mask, training)


def time_loop(layer, sequences, initial_state, mask, training=False):
    """Runs `layer`'s time loop on the chosen path: `(last_output, outputs,
    states)` with `keras.layers.RNN.inner_loop`'s contract."""
    from zoo.layers import paths

    override = _OVERRIDE.get()
    mode = "training" if training is True else "inference"
    if override is not None:
        hook, forced = override
        if hook is not None:
            result = hook(layer, sequences, initial_state, mask, training)
            if result is not None:
                _record(layer, mode, "hook", "replaced by loop_override's hook")
                return result
        if forced is not None:
            _record(layer, mode, forced, "forced by loop_override")
            return paths.run(forced, layer, sequences, initial_state, mask, training)
    path, reason = choose_path(layer, sequences, mask, training)
    _record(layer, mode, path, reason)
    return paths.run(path, layer, sequences, initial_state, mask, training)


def describe_backend(layer=None) -> str:
    """A readable account of the time-loop choice.

    With a layer: the path each mode took at its last trace and why. Without:
    the machine, whether XLA and the autotune are on, the cached
    measurements for this machine and the most recent choices.
    """
    from zoo.layers import autotune

    if layer is not None:
        choices = layer.backend_choice
        if not choices:
            return f"{layer.name}: not traced yet (step_backend={layer.step_backend!r})"
        return "\n".join(
            f"{layer.name} [{mode}]: {path} ({PATHS.get(path, path)}): {reason}"
            for mode, (path, reason) in choices.items()
        )
    machine = autotune.machine_fingerprint()
    lines = [
        f"machine: {machine['cpu']} ({machine['cores']} cores), devices: {machine['device']}, "
        f"tensorflow {machine['tensorflow']}, keras {machine['keras']}",
        f"XLA paths in the automatic choice: {'on' if xla_cells_enabled() else 'off'}",
        f"autotune: {'on' if autotune.enabled() else 'off (LSTM_ZOO_AUTOTUNE=0)'}, "
        f"cache {autotune.cache_file()}",
    ]
    entries = autotune.cached_entries()
    if entries:
        lines.append("measured training steps (ms, median) per shape class:")
        for key, entry in sorted(entries.items()):
            timings = ", ".join(f"{p} {t:.2f}" for p, t in entry["timings_ms"].items())
            lines.append(f"  {key}: {entry['choice']} ({timings})")
    if _RECENT:
        lines.append("recent choices:")
        for (name, mode), (cls, path, reason) in _RECENT.items():
            lines.append(f"  {name} ({cls}) [{mode}]: {path}: {reason}")
    return "\n".join(lines)
