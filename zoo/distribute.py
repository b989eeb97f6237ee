"""Training on `tf.distribute`: one machine's devices, or several machines.

    with distributed("multi-worker", backup_root=Path("runs/m.backup")) as run:
        model.fit(train, callbacks=run.callbacks())
        ...
        if run.is_chief:
            model.save(out)

* `"mirrored"`: `tf.distribute.MirroredStrategy`, every GPU of this machine
  (or its CPU).
* `"multi-worker"`: `tf.distribute.MultiWorkerMirroredStrategy` over the
  machines listed in the standard `TF_CONFIG` environment variable, which
  is checked first (one line naming what is wrong). Every worker runs the
  same command on its own copy of the data; Keras shards the input per
  worker (`AutoShardPolicy.DATA`: worker k of n takes every n-th element),
  so one step sees the same global batch as a single process would. The
  chief (the `chief` task, else worker 0) is the one that writes outputs.
* Each worker backs its training up after every epoch into its own folder
  under `backup_root` (`keras.callbacks.BackupAndRestore`): a job restarted
  after a worker was killed resumes from the last finished epoch. Keras
  removes the backups when training ends; the empty root is removed too.

Keras 3.15 calls `Strategy.reduce` with a nested structure (its symbolic
build) and with `axis=0` on scalars (its logs), which the multi-worker
strategy refuses (keras-team/keras#20585). `multi_worker_strategy()` returns
a subclass whose `reduce` takes both: per leaf, and a scalar's mean over
replicas for `axis=0`. It is a subclass, not a patch: nothing else changes.

Importing this module does not import TensorFlow.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STRATEGIES = ("mirrored", "multi-worker")
_TF_CONFIG_LIMIT = 1 << 16


class DistributeError(ValueError):
    """A distribution setting that cannot work (the message names it)."""


def read_tf_config(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """The validated `TF_CONFIG`: `{"cluster": {job: [host:port, ...]},
    "task": {"type": job, "index": i}}`, or DistributeError naming the field."""
    raw = (os.environ if environ is None else environ).get("TF_CONFIG")
    if not raw:
        raise DistributeError(
            "--distribute multi-worker needs the TF_CONFIG environment variable "
            '(e.g. {"cluster": {"worker": ["host1:port", "host2:port"]}, '
            '"task": {"type": "worker", "index": 0}}).'
        )
    if len(raw) > _TF_CONFIG_LIMIT:
        raise DistributeError(f"TF_CONFIG: longer than {_TF_CONFIG_LIMIT} characters.")
    try:
        config = json.loads(raw)
    except ValueError as error:
        raise DistributeError(f"TF_CONFIG: not JSON ({error}).") from None
    import jsonschema

    address = {"type": "string", "pattern": r"^[A-Za-z0-9_.:\[\]-]+:[0-9]{1,5}$"}
    schema = {
        "type": "object",
        "required": ["cluster", "task"],
        "properties": {
            "cluster": {
                "type": "object",
                "minProperties": 1,
                "propertyNames": {"enum": ["chief", "worker", "evaluator", "ps"]},
                "additionalProperties": {
                    "type": "array",
                    "items": address,
                    "minItems": 1,
                    "maxItems": 1024,
                },
            },
            "task": {
                "type": "object",
                "required": ["type", "index"],
                "properties": {
                    "type": {"type": "string"},
                    "index": {"type": "integer", "minimum": 0},
                },
            },
        },
    }
    try:
        jsonschema.validate(config, schema)
    except jsonschema.ValidationError as error:
        where = "/".join(str(p) for p in error.absolute_path) or "top level"
        raise DistributeError(f"TF_CONFIG: {where}: {error.message}.") from None
    task = config["task"]
    jobs = config["cluster"]
    if task["type"] not in jobs or task["index"] >= len(jobs[task["type"]]):
        raise DistributeError(
            f"TF_CONFIG: task {task['type']}:{task['index']} is not in the cluster "
            f"({', '.join(f'{j}: {len(a)}' for j, a in jobs.items())})."
        )
    if "ps" in jobs:
        raise DistributeError(
            "TF_CONFIG: a 'ps' job is for parameter-server training; --distribute "
            "multi-worker takes chief and worker tasks."
        )
    return config


def is_chief(config: dict[str, Any]) -> bool:
    """Whether this task writes the outputs: the chief, or worker 0 without one."""
    task = config["task"]
    if "chief" in config["cluster"]:
        return task["type"] == "chief"
    return task["type"] == "worker" and task["index"] == 0


@functools.lru_cache(maxsize=1)
def _multi_worker_class():
    import tensorflow as tf

    class KerasMultiWorkerMirroredStrategy(tf.distribute.MultiWorkerMirroredStrategy):
        """`MultiWorkerMirroredStrategy` whose `reduce` accepts what Keras 3
        passes it (see the module docstring)."""

        def reduce(self, reduce_op, value, axis):
            def one(leaf):
                local = self.experimental_local_results(leaf)[0]
                rank = getattr(getattr(local, "shape", None), "rank", None)
                return super(KerasMultiWorkerMirroredStrategy, self).reduce(
                    reduce_op, leaf, None if rank == 0 else axis
                )

            return tf.nest.map_structure(one, value)

    return KerasMultiWorkerMirroredStrategy


def multi_worker_strategy():
    """The multi-worker strategy for this process's `TF_CONFIG` (checked)."""
    read_tf_config()
    return _multi_worker_class()()


def check_strategy(kind: str | None) -> str | None:
    """`kind` if it is one of `STRATEGIES` (or None), else DistributeError."""
    if kind is not None and kind not in STRATEGIES:
        raise DistributeError(
            f"--distribute must be one of {', '.join(STRATEGIES)}; received {kind!r}."
        )
    return kind


def make_strategy(kind: str):
    """A `tf.distribute.Strategy` for `kind` (one of `STRATEGIES`)."""
    check_strategy(kind)
    if kind == "multi-worker":
        return multi_worker_strategy()
    import tensorflow as tf

    return tf.distribute.MirroredStrategy()


@dataclass
class DistributedRun:
    """What a training run needs to know about its strategy."""

    kind: str | None = None
    strategy: Any = None
    is_chief: bool = True
    task: str = "local"
    backup_dir: Path | None = None
    replicas: int = 1
    _extra: dict = field(default_factory=dict)

    def callbacks(self) -> list:
        """`keras.callbacks.BackupAndRestore` into this task's folder, or []."""
        if self.backup_dir is None:
            return []
        import keras

        return [keras.callbacks.BackupAndRestore(str(self.backup_dir))]


def _remove_if_empty(root: Path) -> None:
    from zoo import outputs

    with contextlib.suppress(OSError, ValueError):
        if root.is_dir() and all(p.name.startswith(outputs.MARKER) for p in root.iterdir()):
            outputs.remove_output_dir(root, outputs.RUN)


@contextlib.contextmanager
def distributed(kind: str | None, backup_root: Path | None = None) -> Iterator[DistributedRun]:
    """Within the block, models are built and trained under the strategy
    for `kind` (None: no strategy, as without the option); see the module
    docstring for the backups under `backup_root`."""
    if kind is None:
        yield DistributedRun()
        return
    strategy = make_strategy(kind)
    run = DistributedRun(kind, strategy, replicas=strategy.num_replicas_in_sync)
    if kind == "multi-worker":
        config = read_tf_config()
        run.is_chief = is_chief(config)
        run.task = f"{config['task']['type']}-{config['task']['index']}"
    else:
        run.task = "mirrored"
    if backup_root is not None:
        from zoo import outputs

        backup_root = Path(backup_root)
        outputs.make_output_dir(backup_root, outputs.RUN, option="backup folder")
        run.backup_dir = backup_root / run.task
    with strategy.scope():
        yield run
    if backup_root is not None:
        _remove_if_empty(backup_root)
