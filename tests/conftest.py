"""Fixtures of the whole suite."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def no_autotune(monkeypatch, tmp_path_factory):
    """Every test (and every command line a test starts, which inherits the environment)
    sees the layers' documented default path, not this machine's measurement, and never
    writes the user's cache; `tests/zoo/layers/test_autotune.py` turns the autotune back
    on with its own cache folder."""
    monkeypatch.setenv("LSTM_ZOO_AUTOTUNE", "0")
    monkeypatch.setenv("LSTM_ZOO_QUICK", "1")  # small embedded defaults (synthetic speech)
    monkeypatch.setenv("LSTM_ZOO_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "lstm-zoo-cache"))
