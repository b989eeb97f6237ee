"""A short measurement of the training-step paths, cached per machine and shape class.

The fastest CPU path differs by CPU: on the AMD EPYC CI machine the zoo loop
with its XLA step trains fastest, on an Intel Xeon with AMX the zoo cell in
Keras' own driver did. So a layer with `step_backend="auto"` measures,
the first time a shape class trains on a machine, one forward-and-backward
step of each candidate path (`zoo.layers.backends`) on a copy of itself, and
keeps the fastest.

* A shape class is the cell class, its options that change the work
  (`implementation`, the projection), the units, input features and batch
  rounded up to powers of two, the compute dtype and whether a mask is used.
* The measurement runs in a separate thread on a fresh copy with
  deterministic weights: it touches neither the model, nor the caller's
  graph or distribution strategy, nor any random state.
* Results are kept in memory and in `<cache>/backends.json` (`cache_file()`;
  `LSTM_ZOO_CACHE_DIR`, else `$XDG_CACHE_HOME/lstm-zoo`, else
  `~/.cache/lstm-zoo`), keyed by a fingerprint of the machine (CPU model,
  cores, TensorFlow and Keras versions, devices). The file is read with a
  size limit and checked against a JSON schema; a file that fails is left
  alone and ignored. Writes are atomic.
* Below a floor of work per step (`MIN_WORK`: tiny layers, a few
  milliseconds a step on any path) nothing is measured and the default runs.
* `LSTM_ZOO_AUTOTUNE=0` turns it off. The default is then the XLA step (or
  op by op with XLA off), the path measured fastest on the CI machine.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import json
import os
import platform
import statistics
import tempfile
import threading
import time
import warnings
from pathlib import Path

import numpy as np

from zoo.layers.backends_schema import CACHE_SCHEMA, FORMAT, MAX_BYTES

#: Time steps, rounds and warm-up calls of one measurement.
STEPS, ROUNDS, WARMUP = 32, 5, 2

#: Below this many multiply-adds per step and sequence batch (batch x gates
#: x units x (features + units)), a training step takes a few milliseconds
#: on any path and a measurement (seconds) costs more than it can save: the
#: default path runs there.
MIN_WORK = 1 << 20
_LOCK = threading.Lock()
_MEMO: dict[str, dict] = {}
_WARNED: set[str] = set()


def enabled() -> bool:
    """Whether the autotune may measure (`LSTM_ZOO_AUTOTUNE`, default on)."""
    return os.environ.get("LSTM_ZOO_AUTOTUNE", "1").strip() != "0"


def cache_file() -> Path:
    """Where the measurements are kept."""
    root = os.environ.get("LSTM_ZOO_CACHE_DIR")
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        root = str(Path(base) / "lstm-zoo")
    return Path(root) / "backends.json"


def _cpu_model() -> str:
    with (
        contextlib.suppress(OSError),
        open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh,
    ):
        for line in fh.read(1 << 16).splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine() or "unknown"


@functools.lru_cache(maxsize=1)
def machine_fingerprint() -> dict:
    """What a measurement depends on besides the shape."""
    import keras
    import tensorflow as tf

    gpus = tf.config.list_logical_devices("GPU")
    device = "cpu"
    if gpus:
        details = tf.config.experimental.get_device_details(
            tf.config.list_physical_devices("GPU")[0]
        )
        device = f"{len(gpus)} GPU {details.get('device_name', 'unknown')}"
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count() or 0,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "device": device,
    }


def machine_key() -> str:
    text = json.dumps(machine_fingerprint(), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _bucket(value, low: int, high: int) -> int:
    value = max(int(value), 1)
    return min(max(1 << (value - 1).bit_length(), low), high)


def shape_class(layer, sequences, masked: bool, candidates) -> tuple[str, tuple[int, int, int]]:
    """`(key, (batch, steps, features) to measure at)` for one trace."""
    import keras

    cell = layer.cell
    batch = sequences.shape[0]
    b = _bucket(batch, 1, 512) if batch is not None else 32
    d = _bucket(sequences.shape[-1], 1, 4096)
    h = _bucket(cell.units, 1, 4096)
    extra = ""
    if getattr(cell, "projection_units", None):
        extra = f"-p{_bucket(cell.projection_units, 1, 4096)}"
    dtype = keras.backend.standardize_dtype(layer.compute_dtype)
    key = (
        f"{type(cell).__name__}-i{cell.implementation}{extra}-h{h}-d{d}-b{b}-{dtype}"
        f"-{'masked' if masked else 'dense'}-{'+'.join(candidates)}"
    )
    return key, (b, STEPS, d)


def _read() -> dict:
    """The validated cache for all machines, or {} (missing or invalid)."""
    import jsonschema

    path = cache_file()
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return {}
    except OSError as error:
        _warn(f"cannot read {path}: {error}")
        return {"_invalid": True}
    try:
        if len(raw) > MAX_BYTES:
            raise ValueError(f"larger than {MAX_BYTES} bytes")
        data = json.loads(raw.decode("utf-8"))
        jsonschema.validate(data, CACHE_SCHEMA)
    except (ValueError, jsonschema.ValidationError) as error:
        message = error.message if isinstance(error, jsonschema.ValidationError) else error
        _warn(f"ignoring {path}: not a valid lstm-zoo backend cache ({message})")
        return {"_invalid": True}
    return data


def _warn(message: str) -> None:
    if message not in _WARNED:
        _WARNED.add(message)
        warnings.warn(message, RuntimeWarning, stacklevel=3)


def cached_entries() -> dict[str, dict]:
    """This machine's measured shape classes (file and memory)."""
    data = _read()
    entries = {}
    if not data.get("_invalid"):
        entries.update(data.get("machines", {}).get(machine_key(), {}).get("entries", {}))
    entries.update(_MEMO)
    return entries


def _write(key: str, entry: dict) -> None:
    """Adds one entry to the cache file, atomically; never replaces a file
    that is not a valid cache."""
    data = _read()
    if data.get("_invalid"):
        return
    data = data or {"format": FORMAT, "machines": {}}
    machine = data["machines"].setdefault(
        machine_key(), {"machine": machine_fingerprint(), "entries": {}}
    )
    machine["entries"][key] = entry
    path = cache_file()
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".backends-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as error:
        _warn(f"cannot write the backend cache {path}: {error}")
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _measure(layer, shape, masked: bool, candidates) -> dict[str, float]:
    """Median milliseconds of one training step (forward and gradients) of
    a copy of `layer` per candidate path, in alternating rounds."""
    import keras
    import tensorflow as tf

    batch, steps, features = shape
    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(size=shape).astype("float32"))
    mask = None
    if masked:
        lengths = rng.integers(steps // 2, steps + 1, size=batch)
        mask = tf.constant(np.arange(steps)[None, :] < lengths[:, None])
    config = layer.get_config()
    for name in list(config):
        if name.endswith("_initializer"):
            config[name] = "zeros"  # no random draw; real weights are set below
    config.update(
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=0,
        stateful=False,
        return_state=False,
        use_cudnn=False,
    )
    functions, weights = {}, None
    for path in candidates:
        copy = type(layer).from_config({**config, "name": f"autotune_{path}", "step_backend": path})
        copy.build((None, steps, features))
        if weights is None:
            weights = [rng.normal(scale=0.2, size=w.shape).astype("float32") for w in copy.weights]
        copy.set_weights(weights)

        def train_step(x, copy=copy):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = tf.cast(copy(x, mask=mask, training=True), "float32")
                loss = tf.reduce_sum(y * y)
            return tape.gradient(loss, [x, *copy.trainable_variables])

        functions[path] = tf.function(train_step)
    for fn in functions.values():
        for _ in range(WARMUP):
            keras.ops.convert_to_numpy(fn(x)[0])
    samples = {path: [] for path in candidates}
    for _ in range(ROUNDS):
        for path, fn in functions.items():
            start = time.perf_counter()
            keras.ops.convert_to_numpy(fn(x)[0])
            samples[path].append(1000 * (time.perf_counter() - start))
    return {path: statistics.median(values) for path, values in samples.items()}


def _measure_isolated(layer, shape, masked, candidates) -> dict[str, float]:
    """`_measure` in a fresh thread: its own eager context, graph, Keras
    global state (random seeds, dtype policy) and distribution strategy."""
    result: dict = {}

    def work():
        try:
            result["timings"] = _measure(layer, shape, masked, candidates)
        except Exception as error:  # reported below, in the caller's thread
            result["error"] = error

    thread = threading.Thread(target=work, name="lstm-zoo-autotune", daemon=True)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["timings"]


def choose(layer, sequences, mask, candidates: list[str]) -> tuple[str, str]:
    """`(path, reason)`: the measured fastest of `candidates` for this
    layer's shape class, measuring it now if no measurement is cached."""
    if len(candidates) == 1:
        return candidates[0], "the only candidate"
    if not enabled():
        return candidates[0], f"autotune off (LSTM_ZOO_AUTOTUNE=0): default {candidates[0]}"
    key, shape = shape_class(layer, sequences, mask is not None, candidates)
    cell = layer.cell
    work = shape[0] * int(cell.kernel.shape[-1]) * (shape[2] + int(cell.recurrent_kernel.shape[0]))
    if work < MIN_WORK:
        return candidates[0], (
            f"default {candidates[0]}: below the autotune floor ({work} < {MIN_WORK} "
            "multiply-adds per step)"
        )
    with _LOCK:
        entry = _MEMO.get(key) or cached_entries().get(key)
        source = "cached"
        if entry is None or set(entry["timings_ms"]) != set(candidates):
            try:
                timings = _measure_isolated(layer, shape, mask is not None, candidates)
            except Exception as error:  # a failed measurement must not fail training
                _warn(f"autotune of {key} failed ({type(error).__name__}: {error})")
                return candidates[0], f"autotune failed: default {candidates[0]}"
            entry = {
                "choice": min(timings, key=timings.get),
                "timings_ms": {p: round(t, 3) for p, t in timings.items()},
                "shape": list(shape),
                "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            }
            _write(key, entry)
            source = "measured"
        _MEMO[key] = entry
    timings = ", ".join(f"{p} {t:.2f}" for p, t in entry["timings_ms"].items())
    return entry["choice"], (
        f"autotune ({source}, training step ms at B,T,D={tuple(entry['shape'])}: {timings})"
    )
