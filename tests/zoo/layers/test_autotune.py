"""The autotune: measured once per machine and shape class, cached, isolated."""

from __future__ import annotations

import json
import random

import keras
import numpy as np
import pytest
import tensorflow as tf

import zoo.layers as zl
from zoo.layers import autotune

D = 4


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh cache folder, an empty memory and no floor."""
    monkeypatch.setenv("LSTM_ZOO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("LSTM_ZOO_AUTOTUNE", raising=False)
    monkeypatch.setattr(autotune, "_MEMO", {})
    monkeypatch.setattr(autotune, "MIN_WORK", 0)
    monkeypatch.setattr(autotune, "ROUNDS", 2)
    monkeypatch.setattr(autotune, "STEPS", 6)
    return tmp_path / "cache" / "backends.json"


def _train_once(layer, batch=4):
    x = tf.constant(np.random.default_rng(0).normal(size=(batch, 5, D)).astype("float32"))
    with tf.GradientTape():
        layer(x, training=True)
    return layer.backend_choice["training"]


def test_measures_keeps_the_fastest_and_caches_it(cache, monkeypatch):
    path, reason = _train_once(zl.LSTM(3))
    data = json.loads(cache.read_text())
    (machine,) = data["machines"].values()
    assert machine["machine"] == autotune.machine_fingerprint()
    (entry,) = machine["entries"].values()
    assert set(entry["timings_ms"]) == {"xla", "ops", "keras_rnn"}
    assert path == entry["choice"] == min(entry["timings_ms"], key=entry["timings_ms"].get)
    assert reason.startswith("autotune (measured")

    def no_measuring(*args):
        raise AssertionError("measured again")

    monkeypatch.setattr(autotune, "_measure", no_measuring)
    monkeypatch.setattr(autotune, "_MEMO", {})  # a new process: the file is read
    again, reason = _train_once(zl.LSTM(3))
    assert again == path and reason.startswith("autotune (cached")
    text = zl.describe_backend()
    assert "autotune: on" in text and entry["choice"] in text and str(cache) in text


def test_shape_classes_group_nearby_shapes(cache):
    layer = zl.LSTM(100)
    layer.build((None, None, 60))
    key, shape = autotune.shape_class(layer, tf.zeros((48, 9, 60)), False, ["xla", "ops"])
    other, _ = autotune.shape_class(layer, tf.zeros((64, 30, 33)), False, ["xla", "ops"])
    assert key == other and shape == (64, autotune.STEPS, 64)
    masked, _ = autotune.shape_class(layer, tf.zeros((64, 30, 33)), True, ["xla", "ops"])
    assert masked != key


def test_measurement_leaves_random_state_and_model_alone(cache, monkeypatch):
    """Same seed, same training, whether or not a measurement ran inside."""
    x = np.random.default_rng(1).normal(size=(8, 5, D)).astype("float32")
    y = x.sum(axis=(1, 2))[:, None]

    def fit():
        keras.utils.set_random_seed(3)
        model = keras.Sequential(
            [keras.Input((5, D)), zl.LSTM(3, dropout=0.2), keras.layers.Dense(1)]
        )
        model.compile("adam", "mse")
        model.fit(x, y, epochs=2, batch_size=4, verbose=0)
        draws = (random.random(), np.random.random(), float(keras.random.uniform(())))
        return model.get_weights(), draws, model.layers[0].backend_choice["training"]

    assert not cache.exists()
    measured = fit()  # measures inside the trace of the training step
    assert len(autotune.cached_entries()) == 1
    monkeypatch.setattr(autotune, "_measure", None)  # must not be called again
    cached = fit()
    assert measured[2] == cached[2] and "autotune (cached" in cached[2][1]
    for a, b in zip(measured[0], cached[0], strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)
    assert measured[1] == cached[1]


def test_off_switch_and_floor(cache, monkeypatch):
    monkeypatch.setenv("LSTM_ZOO_AUTOTUNE", "0")
    path, reason = _train_once(zl.LSTM(3))
    assert path == "xla" and "LSTM_ZOO_AUTOTUNE=0" in reason
    monkeypatch.delenv("LSTM_ZOO_AUTOTUNE")
    monkeypatch.setattr(autotune, "MIN_WORK", 1 << 30)
    path, reason = _train_once(zl.LSTM(3))
    assert path == "xla" and "below the autotune floor" in reason
    assert not cache.exists()


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({"format": "lstm-zoo-backends/1", "machines": {}, "extra": 1}),
        json.dumps({"format": "other", "machines": {}}),
        json.dumps(
            {
                "format": "lstm-zoo-backends/1",
                "machines": {
                    "0123456789abcdef": {
                        "machine": {
                            "cpu": "x",
                            "cores": 1,
                            "tensorflow": "1",
                            "keras": "1",
                            "device": "cpu",
                        },
                        "entries": {
                            "k": {
                                "choice": "os.system",
                                "timings_ms": {"ops": 1},
                                "shape": [1, 1, 1],
                                "measured_at": "",
                            }
                        },
                    }
                },
            }
        ),
    ],
    ids=["not-json", "extra-key", "wrong-format", "unknown-path"],
)
def test_an_invalid_cache_is_ignored_and_left_alone(cache, content):
    cache.parent.mkdir(parents=True)
    cache.write_text(content)
    with pytest.warns(RuntimeWarning, match="ignoring .*backends.json"):
        path, reason = _train_once(zl.LSTM(3))
    assert path in ("xla", "ops", "keras_rnn") and "measured" in reason
    assert cache.read_text() == content  # not replaced
    assert [p.name for p in cache.parent.iterdir()] == ["backends.json"]


def test_an_oversized_cache_is_not_read(cache, monkeypatch):
    monkeypatch.setattr(autotune, "MAX_BYTES", 64)
    cache.parent.mkdir(parents=True)
    cache.write_text(json.dumps({"format": "lstm-zoo-backends/1", "machines": {}}) + " " * 100)
    with pytest.warns(RuntimeWarning, match="larger than 64 bytes"):
        assert autotune.cached_entries() == {}


def test_a_failed_measurement_falls_back_to_the_default(cache, monkeypatch):
    def broken(*args):
        raise RuntimeError("no timer")

    monkeypatch.setattr(autotune, "_measure", broken)
    with pytest.warns(RuntimeWarning, match="no timer"):
        path, reason = _train_once(zl.LSTM(3))
    assert path == "xla" and "autotune failed" in reason
    assert not cache.exists()
