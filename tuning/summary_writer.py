"""The end of a search: both models on the test split, importance, `summary.json`.

`finish` runs once the trials are over (locally, or on the chief): it scores
`best_model/` and `default_model/` on the held-out test split with the family's task
metrics (`ZooHyperModel.test_metrics` over the model's own `evaluate`), fits the
importance surrogate, draws `importance.png`, measures the per-trial overhead and writes
`summary.json` (see `tuning.summary` for its fields and schema).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tuning.results import DEFAULT_MODEL, atomic_write_json, better, plain_values
from tuning.summary import SUMMARY_FILE, importance, overhead, read_summary


def test_scores(project_dir: Path, hypermodel: Any, test: Any) -> dict[str, Any] | None:
    """The task metrics of `best_model/` and `default_model/` on `test` (None without a
    test split, e.g. data handed in memory)."""
    import zoo

    if test is None:
        return None
    scores: dict[str, Any] = {"items": len(test), "best": {}, "default": {}}
    for key, folder in (("best", "best_model"), ("default", DEFAULT_MODEL)):
        if (project_dir / folder).is_dir():
            model = zoo.load_model(project_dir / folder)
            scores[key] = hypermodel.test_metrics(model.evaluate(test))
    return scores


def finish(
    project_dir: Path,
    manifest: dict[str, Any],
    results: dict[str, Any],
    hypermodel: Any,
    test: Any,
    *,
    seconds: float,
    seed: int = 0,
) -> dict[str, Any]:
    """Writes `summary.json` (and `importance.png`); returns it with `lines`, the
    sentences printed after the table, and `files`, the files written."""
    from tuning.plots import plot_importance

    rows, best, default = results["trials"], results["best"], results["default"]
    direction = manifest["direction"]
    header = {
        "model": manifest["model"],
        "tuner": manifest["tuner"],
        "objective": {"name": manifest["objective"], "direction": direction},
    }
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    test_report = test_scores(project_dir, hypermodel, test)
    shares = importance(rows, direction, seed=seed)
    files = [SUMMARY_FILE]
    if shares["shares"]:
        plot_importance(shares["shares"], header, project_dir / "importance.png")
        files.append("importance.png")
    summary = {
        **header,
        "task_metric": {"name": hypermodel.task_metric, "direction": hypermodel.task_direction},
        "trials": counts,
        "best_trial": best and best["trial_id"],
        "best_score": best and best["objective"],
        "default_trial": default and default["trial_id"],
        "default_score": default and default["objective"],
        "beats_defaults": bool(
            best and default and better(best["objective"], default["objective"], direction)
        ),
        "best_hparams": best and plain_values(best["hparams"]),
        "default_hparams": default and plain_values(default["hparams"]),
        "validation": {
            "best": (best or {}).get("task_metrics", {}),
            "default": (default or {}).get("task_metrics", {}),
        },
        "test": test_report,
        "importance": shares,
        "wall_seconds": round(seconds, 3),
        "overhead": overhead(rows),
        "files": files,
    }
    atomic_write_json(project_dir / SUMMARY_FILE, summary)
    read_summary(project_dir / SUMMARY_FILE)  # what we wrote meets the schema
    return {**summary, "lines": summary_lines(summary), "files": files}


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """The sentences printed after a search: the validation and test comparisons, the
    importance and the overhead."""
    task = summary["task_metric"]["name"]
    lines = []
    val = summary["validation"]
    if task and task in val["best"] and task in val["default"]:
        lines.append(
            f"validation {task}: best trial {summary['best_trial']} {val['best'][task]:.4g}, "
            f"the defaults (trial {summary['default_trial']}) {val['default'][task]:.4g}."
        )
    test = summary["test"]
    if test and task in test["best"] and task in test["default"]:
        others = [k for k in test["best"] if k != task][:2]
        extra = lambda row: "".join(f", {k} {row[k]:.4g}" for k in others if k in row)  # noqa: E731
        lines.append(
            f"held-out test ({test['items']} items), never used to select: best model {task} "
            f"{test['best'][task]:.4g}{extra(test['best'])}; the defaults' model "
            f"{test['default'][task]:.4g}{extra(test['default'])}."
        )
    shares = summary["importance"]["shares"]
    if shares:
        top = ", ".join(f"{k} {100 * v:.0f}%" for k, v in list(shares.items())[:5])
        lines.append(f"importance (share of the objective's variance): {top}.")
    cost = summary["overhead"]
    if cost["fraction"] is not None:
        lines.append(
            f"per-trial overhead: {100 * cost['fraction']:.1f}% of trial time outside fit "
            f"(median trial {100 * cost['median_fraction']:.1f}%); wall time "
            f"{summary['wall_seconds']:.0f} s."
        )
    return lines
