"""Every zoo layer under `mixed_float16` and `mixed_bfloat16`.

The layers keep float32 weights, run their matmuls in the compute dtype and
carry the cell state `c` in float32 through the zoo loops (the element-wise
equations run in float32). Tolerances against the same layer in float32, on
20 steps with weights of scale 0.4: 2e-3 for float16 (10 mantissa bits) and
2e-2 for bfloat16 (7 bits), about four times the largest error measured.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from zoo.layers import paths

TOLERANCE = {"mixed_float16": 2e-3, "mixed_bfloat16": 2e-2}
POLICIES = sorted(TOLERANCE)
D, T = 3, 20


@pytest.fixture
def policy(request):
    yield request.param
    keras.config.set_dtype_policy("float32")


def _weights(layer, rng):
    return [rng.normal(scale=0.4, size=w.shape).astype("float32") for w in layer.get_weights()]


@pytest.mark.parametrize(
    "dtype, path",
    [
        ("mixed_float16", "xla"),
        ("mixed_bfloat16", "ops"),
        # the GPU path, on a CPU: its float32 parity runs by default (test_backends.py)
        pytest.param("mixed_bfloat16", "xla_loop", marks=pytest.mark.slow),
    ],
)
def test_outputs_and_gradients_match_float32(layer_factory, dtype, path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, T, D)).astype("float32")
    mask = np.ones((4, T), bool)
    mask[1, 14:] = False
    results = {}
    for policy in ("float32", dtype):
        layer = layer_factory(return_sequences=True, dtype=policy, step_backend=path)
        layer.build((None, None, D))
        if policy == "float32":
            values = _weights(layer, rng)
        layer.set_weights(values)
        with tf.GradientTape() as tape:
            y = layer(x, mask=mask, training=True)
            loss = tf.reduce_mean(tf.square(tf.cast(y, "float32")))
        grads = tape.gradient(loss, layer.trainable_variables)
        assert y.dtype == keras.mixed_precision.Policy(policy).compute_dtype
        assert all(w.dtype == "float32" for w in layer.weights)
        results[policy] = (y.numpy().astype("float32"), [g.numpy() for g in grads])
    expected, actual = results["float32"], results[dtype]
    np.testing.assert_allclose(actual[0], expected[0], atol=TOLERANCE[dtype])
    scale = max(np.abs(g).max() for g in expected[1])
    for a, b in zip(actual[1], expected[1], strict=True):
        assert np.isfinite(a).all()
        np.testing.assert_allclose(a, b, atol=TOLERANCE[dtype] * max(scale, 1.0))


@pytest.mark.parametrize("dtype", POLICIES)
def test_the_loop_carries_the_cell_state_in_float32(layer_factory, dtype, monkeypatch):
    prepared, finals = [], []
    prepare, zoo_loop = paths.prepare, paths.zoo_loop

    def spy_prepare(*args):
        prepared.append(prepare(*args))
        return prepared[-1]

    def spy_loop(*args, **kwargs):
        result = zoo_loop(*args, **kwargs)
        finals.append(result[2])
        return result

    monkeypatch.setattr(paths, "prepare", spy_prepare)
    monkeypatch.setattr(paths, "zoo_loop", spy_loop)
    layer = layer_factory(dtype=dtype, step_backend="ops", return_state=True)
    _, h, c = layer(np.zeros((2, T, D), "float32"), training=True)
    ((_, loop_states, weights, _),) = prepared
    (final,) = finals
    assert loop_states[0].dtype == layer.compute_dtype == h.dtype == c.dtype
    assert loop_states[1].dtype == "float32" and final[1].dtype == "float32"
    assert all(weights[name].dtype == "float32" for name in layer.cell.update_weights)


@pytest.mark.parametrize("policy", POLICIES, indirect=True)
def test_every_layer_trains_under_the_global_policy(layer_factory, policy):
    keras.config.set_dtype_policy(policy)
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 8, D)).astype("float32")
    y = x[:, :, :1].sum(axis=1)
    model = keras.Sequential(
        [keras.Input((8, D)), layer_factory(), keras.layers.Dense(1, dtype="float32")]
    )
    model.compile(keras.optimizers.Adam(0.02), "mse")
    history = model.fit(x, y, epochs=6, batch_size=8, verbose=0).history["loss"]
    assert model.layers[0].compute_dtype == keras.mixed_precision.Policy(policy).compute_dtype
    assert np.isfinite(history).all() and history[-1] < 0.8 * history[0], history
