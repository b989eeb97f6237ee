"""Hyperparameter search for zoo models, and the `lstm-zoo` command line.

    import tuning
    result = tuning.search("sentiment-lstm", tuner="random", max_trials=4, max_epochs=3)
    hm = tuning.hypermodel_for("forecast-lstm")     # a keras-tuner HyperModel

The names below are imported when first used, so `import tuning` (and the command line's
`--help`) does not import TensorFlow.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "search": "tuning.run",
    "SearchConfig": "tuning.config",
    "ConfigError": "tuning.config",
    "SearchResult": "tuning.result",
    "read_summary": "tuning.summary",
    "hypermodel_for": "tuning.hypermodels",
    "ZooHyperModel": "tuning.hypermodels",
    "ZooTuner": "tuning.tuner",
    "make_oracle": "tuning.oracle",
    "MedianStoppingRule": "tuning.pruning",
    "parse_duration": "tuning.budget",
    "SearchInputError": "tuning.validation",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'tuning' has no attribute {name!r}")
