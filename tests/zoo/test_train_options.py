"""`lstm-zoo train --distribute` and `--precision`, and `zoo.distribute`.

The loopback test runs two multi-worker processes on 127.0.0.1 (free ports)
and a single process, with the same seed and global batch: both workers
finish, only the chief writes, and its model equals the single process's
within 1e-5 (measured: 4e-7). Dropout is off there: each replica draws its
masks for its own half of the batch, which no single process reproduces.
"""

from __future__ import annotations

import json
import socket
import subprocess

import keras
import numpy as np
import pytest

import zoo
import zoo.layers as zl
from tests.trust_helpers import CLI, invoke, one_line_error
from zoo import distribute
from zoo.distribute import DistributeError, distributed, is_chief, read_tf_config

TINY = [
    "--set", "units=8", "--set", "embedding_dim=8", "--set", "max_length=12",
    "--set", "batch_size=32", "--set", "dropout=0", "--epochs", "1",
]  # fmt: skip


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def _env(tmp_path, tf_config=None):
    import os
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.update(LSTM_ZOO_AUTOTUNE="0", LSTM_ZOO_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("TF_CONFIG", None)
    if tf_config is not None:
        env["TF_CONFIG"] = json.dumps(tf_config)
    return env


def test_two_workers_on_loopback_match_a_single_process(tmp_path):
    """The single process and the two workers run at the same time (about 30 s on 2 cores,
    against 50 s one after the other)."""
    args = ["train", "sentiment-lstm", *TINY]

    def start(out, env):
        return subprocess.Popen(
            [*CLI, *args, *out],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    single = start(["--out", "single"], _env(tmp_path))
    cluster = {"worker": [f"127.0.0.1:{port}" for port in _free_ports(2)]}
    workers = [
        start(
            ["--distribute", "multi-worker", "--out", "dist"],
            _env(tmp_path, {"cluster": cluster, "task": {"type": "worker", "index": i}}),
        )
        for i in range(2)
    ]
    logs = [w.communicate(timeout=600)[0] for w in workers]
    single_log = single.communicate(timeout=600)[0]
    assert single.returncode == 0, single_log
    assert [w.returncode for w in workers] == [0, 0], "\n----\n".join(logs)
    assert "wrote dist" in logs[0]
    assert "worker-1: trained; the chief writes dist" in logs[1]
    chief, reference = zoo.load_model(tmp_path / "dist"), zoo.load_model(tmp_path / "single")
    for a, b in zip(chief.network.get_weights(), reference.network.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist", "single"]  # no backups left


def test_backups_resume_an_interrupted_run_and_are_removed(tmp_path):
    root = tmp_path / "run.backup"
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)

    class Interrupt(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                raise RuntimeError("killed")

    def fit(extra):
        with distributed("mirrored", root) as run:
            assert run.task == "mirrored" and run.is_chief
            model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
            model.compile("sgd", "mse")
            history = model.fit(x, y, epochs=4, verbose=0, callbacks=run.callbacks() + extra)
        return history

    with pytest.raises(RuntimeError, match="killed"):
        fit([Interrupt()])
    assert (root / "mirrored" / "training_metadata.json").is_file()
    resumed = fit([])
    assert len(resumed.history["loss"]) == 2  # epochs 3 and 4 only
    assert not root.exists()


def test_without_a_strategy_nothing_changes(tmp_path):
    with distributed(None, tmp_path / "b") as run:
        assert run.strategy is None and run.is_chief and run.callbacks() == []
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize(
    "value, fragment",
    [
        (None, "needs the TF_CONFIG environment variable"),
        ("{not json", "TF_CONFIG: not JSON"),
        ('{"cluster": {"worker": ["h:1"]}}', "'task' is a required property"),
        ('{"cluster": {"worker": ["no port"]}, "task": {"type": "worker", "index": 0}}', "cluster/worker/0"),
        ('{"cluster": {"worker": ["h:1"]}, "task": {"type": "worker", "index": 1}}', "task worker:1 is not in"),
        ('{"cluster": {"worker": ["h:1"], "ps": ["h:2"]}, "task": {"type": "worker", "index": 0}}', "parameter-server"),
    ],
)  # fmt: skip
def test_tf_config_is_checked(value, fragment):
    with pytest.raises(DistributeError, match="TF_CONFIG") as error:
        read_tf_config({} if value is None else {"TF_CONFIG": value})
    assert fragment in str(error.value)


def test_the_chief_is_the_chief_task_or_worker_zero():
    workers = {"worker": ["a:1", "b:2"]}
    assert is_chief({"cluster": workers, "task": {"type": "worker", "index": 0}})
    assert not is_chief({"cluster": workers, "task": {"type": "worker", "index": 1}})
    both = {"chief": ["c:3"], **workers}
    assert is_chief({"cluster": both, "task": {"type": "chief", "index": 0}})
    assert not is_chief({"cluster": both, "task": {"type": "worker", "index": 0}})


def test_bad_options_are_one_line_errors(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    one_line_error(
        invoke("train", "sentiment-lstm", "--distribute", "ring"), "--distribute", "ring"
    )
    one_line_error(invoke("train", "sentiment-lstm", "--precision", "fp8"), "--precision", "fp8")
    one_line_error(invoke("train", "sentiment-lstm", "--distribute", "multi-worker"), "TF_CONFIG")
    assert distribute.check_strategy(None) is None


def test_train_with_mixed_bfloat16(tmp_path, monkeypatch):
    monkeypatch.setenv("LSTM_ZOO_AUTOTUNE", "0")
    out = tmp_path / "bf16"
    result = invoke("train", "sentiment-lstm", *TINY, "--precision", "mixed_bfloat16", "--out", out)
    assert result.exit_code == 0, result.output
    assert keras.config.dtype_policy().name == "float32"  # restored
    model = zoo.load_model(out)  # the layers keep their policy in the saved config
    assert all(w.dtype == "float32" for w in model.network.weights)
    lstm = next(layer for layer in model.network.layers if isinstance(layer, zl.LSTM))
    assert lstm.dtype_policy.name == "mixed_bfloat16" and lstm.compute_dtype == "bfloat16"
