"""`summary.json`: what a search found, why, and what it is worth on held-out data.

Written at the end of a search into its project directory (and read back, validated
against `SUMMARY_SCHEMA`, by `read_summary`):

* `best_score`, `default_score`: the validation objective of the best trial and of the
  registered defaults (trial 0, scored like every other trial); `beats_defaults`;
* `validation`: the family's task metrics of both on the validation split;
* `test`: the same task metrics of `best_model/` and `default_model/` on the held-out
  test split, so that selecting on validation cannot pass for a gain;
* `importance`: each hyperparameter's share of the variance of the objective, from a
  random-forest surrogate fitted on the scored trials, decomposed as fANOVA does
  (Hutter, Hoos & Leyton-Brown 2014): the variance of the surrogate's marginal over one
  hyperparameter divided by the surrogate's total variance, both over the product of the
  values the trials tried (all of it up to 4096 points, else a uniform sample of 2048);
  the remainder is interactions. `importance.png` draws it;
* `wall_seconds`, and the per-trial `overhead`: the time of each trial outside `fit`
  (building, preprocessing, the task metric, saving, results files, the oracle) divided
  by the trial's time.
"""

from __future__ import annotations

import itertools
import json
import math
import os
from pathlib import Path
from typing import Any

SUMMARY_FILE = "summary.json"
_NUMBER_MAP = {"type": "object", "additionalProperties": {"type": "number"}}
_NULLABLE_NUMBER = {"type": ["number", "null"]}
SUMMARY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "model", "tuner", "objective", "task_metric", "trials", "best_trial", "best_score",
        "default_trial", "default_score", "beats_defaults", "best_hparams", "default_hparams",
        "validation", "test", "importance", "wall_seconds", "overhead",
    ],
    "properties": {
        "model": {"type": "string"},
        "tuner": {"type": "string"},
        "objective": {
            "type": "object",
            "required": ["name", "direction"],
            "properties": {"name": {"type": "string"}, "direction": {"enum": ["min", "max"]}},
        },
        "task_metric": {
            "type": "object",
            "required": ["name", "direction"],
            "properties": {"name": {"type": "string"}, "direction": {"enum": ["min", "max"]}},
        },
        "trials": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
        "best_trial": {"type": ["string", "null"]},
        "best_score": _NULLABLE_NUMBER,
        "default_trial": {"type": ["string", "null"]},
        "default_score": _NULLABLE_NUMBER,
        "beats_defaults": {"type": "boolean"},
        "best_hparams": {"type": ["object", "null"]},
        "default_hparams": {"type": ["object", "null"]},
        "validation": {
            "type": "object",
            "required": ["best", "default"],
            "properties": {"best": _NUMBER_MAP, "default": _NUMBER_MAP},
        },
        "test": {
            "type": ["object", "null"],
            "required": ["items", "best", "default"],
            "properties": {
                "items": {"type": "integer", "minimum": 0},
                "best": _NUMBER_MAP,
                "default": _NUMBER_MAP,
            },
        },
        "importance": {
            "type": "object",
            "required": ["shares", "method", "trials"],
            "properties": {
                "shares": _NUMBER_MAP,
                "method": {"type": "string"},
                "trials": {"type": "integer", "minimum": 0},
                "note": {"type": "string"},
            },
        },
        "wall_seconds": {"type": "number", "minimum": 0},
        "overhead": {
            "type": "object",
            "required": ["fraction", "median_fraction", "trial_seconds", "fit_seconds"],
            "properties": {
                "fraction": _NULLABLE_NUMBER,
                "median_fraction": _NULLABLE_NUMBER,
                "trial_seconds": {"type": "number", "minimum": 0},
                "fit_seconds": {"type": "number", "minimum": 0},
            },
        },
        "files": {"type": "array", "items": {"type": "string"}},
    },
}  # fmt: skip

IMPORTANCE_METHOD = (
    "fANOVA-style main effects of a scikit-learn random forest fitted on the scored trials"
)


def importance(rows: list[dict[str, Any]], direction: str, seed: int = 0) -> dict[str, Any]:
    """Each hyperparameter's share of the objective's variance (see the module).

    `rows` are the trial records (`tuning.results.read_trials`); each distinct
    configuration counts once, with its best objective (Hyperband's rounds of a
    configuration are one configuration). Hyperparameters that never varied are left out.
    Needs scikit-learn (keras-tuner's Bayesian oracle brings it in).
    """
    import numpy as np
    from sklearn.ensemble import RandomForestRegressor

    from tuning.results import plain_values

    best: dict[str, tuple[dict[str, Any], float]] = {}
    sign = 1.0 if direction == "min" else -1.0
    for r in rows:
        if r["objective"] is None or not math.isfinite(r["objective"]):
            continue
        values = plain_values(r["hparams"])
        key = json.dumps(values, sort_keys=True, default=str)
        if key not in best or sign * r["objective"] < sign * best[key][1]:
            best[key] = (values, r["objective"])
    configs = list(best.values())
    names = [n for n in _names(configs) if len({_key(c[0].get(n)) for c in configs}) > 1]
    result: dict[str, Any] = {"shares": {}, "method": IMPORTANCE_METHOD, "trials": len(configs)}
    if len(configs) < 4 or not names:
        result["note"] = (
            f"{len(configs)} scored configuration(s), {len(names)} varying hyperparameter(s): "
            "too few for a surrogate (at least 4 and 1)"
        )
        return result
    levels = {n: _levels([c[0].get(n) for c in configs]) for n in names}
    codes = {n: _encoder(levels[n]) for n in names}
    x = np.array([[codes[n](c[0].get(n)) for n in names] for c in configs])
    y = np.array([c[1] for c in configs], dtype=np.float64)
    forest = RandomForestRegressor(n_estimators=64, random_state=seed)
    forest.fit(x, y)
    sizes = [len(levels[n]) for n in names]
    if math.prod(sizes) <= 4096:  # the whole product: an exact, orthogonal decomposition
        picks = np.array(list(itertools.product(*[range(k) for k in sizes])))
    else:  # a uniform sample of it
        rng = np.random.default_rng(seed)
        picks = np.stack([rng.integers(0, k, 2048) for k in sizes], axis=1)
    grid = np.array([[codes[n](levels[n][i]) for n, i in zip(names, row)] for row in picks])
    total = float(np.var(forest.predict(grid)))
    for j, name in enumerate(names):
        marginal = []
        for level in levels[name]:
            probe = grid.copy()
            probe[:, j] = codes[name](level)
            marginal.append(float(np.mean(forest.predict(probe))))
        share = float(np.var(marginal)) / total if total > 0 else 0.0
        result["shares"][name] = max(share, 0.0)
    spread = sum(result["shares"].values())
    if spread > 1.0:  # a sampled product is not exactly orthogonal: never more than all
        result["shares"] = {k: v / spread for k, v in result["shares"].items()}
    result["shares"] = {k: round(v, 6) for k, v in result["shares"].items()}
    result["shares"] = dict(sorted(result["shares"].items(), key=lambda kv: -kv[1]))
    return result


def _names(configs) -> list[str]:
    names: list[str] = []
    for values, _ in configs:
        names += [n for n in values if n not in names]
    return names


def _key(value: Any) -> str:
    return json.dumps(value, default=str)


def _levels(values: list[Any]) -> list[Any]:
    """The distinct values, in a stable order."""
    seen: dict[str, Any] = {}
    for value in values:
        seen.setdefault(_key(value), value)
    return [seen[k] for k in sorted(seen)]


def _encoder(levels: list[Any]):
    """Numbers as themselves (log10 when they span a decade or more, like learning
    rates); anything else (strings, booleans, missing) as its index among `levels`."""
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in levels):
        spread = min(levels) > 0 and max(levels) / min(levels) >= 10
        return (lambda v: math.log10(v)) if spread else float
    keys = [_key(v) for v in levels]
    return lambda v: float(keys.index(_key(v)))


def overhead(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Time outside `fit` as a share of trial time: over all timed trials (`fraction`)
    and the median of the per-trial shares; `parts`: seconds of the build, the task
    metric and the save, summed over the trials (the rest: results files, the oracle)."""
    timed = [r for r in rows if r.get("trial_seconds") and r.get("fit_seconds") is not None]
    trial = sum(r["trial_seconds"] for r in timed)
    fit = sum(min(r["fit_seconds"], r["trial_seconds"]) for r in timed)
    shares = sorted(1 - min(r["fit_seconds"], r["trial_seconds"]) / r["trial_seconds"]
                    for r in timed)  # fmt: skip
    median = None
    if shares:
        mid = len(shares) // 2
        median = shares[mid] if len(shares) % 2 else (shares[mid - 1] + shares[mid]) / 2
    parts: dict[str, float] = {}
    for r in timed:
        for name, value in (r.get("overhead_parts") or {}).items():
            parts[name] = parts.get(name, 0.0) + value
    return {
        "parts": {k: round(v, 3) for k, v in parts.items()},
        "fraction": None if not trial else round((trial - fit) / trial, 6),
        "median_fraction": None if median is None else round(median, 6),
        "trial_seconds": round(trial, 3),
        "fit_seconds": round(fit, 3),
    }


def read_summary(path: str | os.PathLike[str]) -> dict[str, Any]:
    """`summary.json` (a file, or the project directory holding it), validated.

    Raises:
        ValueError: naming the file and the field that does not match the schema.
    """
    import jsonschema

    path = Path(path)
    if path.is_dir():
        path = path / SUMMARY_FILE
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ValueError(
            f"{path}: line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    try:
        jsonschema.validate(data, SUMMARY_SCHEMA)
    except jsonschema.ValidationError as error:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise ValueError(f"{path}: field {where}: {error.message}") from None
    return data
