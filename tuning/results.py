"""The results of a search, derived from keras-tuner's own trial files.

Everything here is read back from `DIR/PROJECT/trial_*/trial.json` (keras-tuner's record
of each trial, with our per-trial record under the key "zoo") and `trial_*/zoo_trial.json`
(the tuner's task metrics and timing of the trial), so the results files cannot drift
from the search state. The registered defaults are a trial like the others (trial 0,
`"defaults": true`; Hyperband's later rounds of it too):

* `trials.json`: every trial (id, status, hyperparameters, objective, objective per
  epoch, task metrics on the validation split, seconds, time in fit, tuner id, pruning),
  and the defaults' best trial as "default";
* `trials.csv`: the same, one row per trial, best first;
* `best_hparams.json`: the best trial, its hyperparameters (those of the model in
  `best_model/`), the fixed ones, and the defaults' objective;
* at the end of a search (`final`), `best_model/`: the best trial's zoo model directory
  (`zoo.load_model` reads it), and `default_model/`: the defaults' (both scored on the
  test split); the other trials' saved models are dropped;
* and `trials.png`, `parallel.png` (`importance.png` and `summary.json` follow, see
  `tuning.summary`).

Each file is written to a temporary name and renamed into place.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

#: Statuses of a trial in the results files.
ENDED = ("completed", "pruned", "budget_cut", "failed")
SCORED = ("completed", "pruned", "budget_cut")


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Writes `text` to `path` through a temporary file in the same directory."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.chmod(temporary, 0o666 & ~_umask())
        with os.fdopen(handle, "w") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def atomic_write_json(path: str | os.PathLike[str], data: Any) -> Path:
    return atomic_write_text(path, json.dumps(data, indent=2, default=_plain) + "\n")


def read_json(path: str | os.PathLike[str], default: Any = None) -> Any:
    path = Path(path)
    if not path.is_file():
        return default
    return json.loads(path.read_text())


def trial_status(kt_status: str, record: dict[str, Any]) -> str:
    """Our status of a trial: keras-tuner's, with "pruned" and "budget_cut" added."""
    if kt_status == "COMPLETED":
        if "pruned" in record:
            return "pruned"
        if "budget_cut" in record:
            return "budget_cut"
        return "completed"
    if kt_status in ("FAILED", "INVALID"):
        return kt_status.lower()
    return "running"  # RUNNING, IDLE or STOPPED on disk: a trial that has not ended


#: The schema of `trial_*/zoo_trial.json` (written by `tuning.tuner`, checked on reading).
TRIAL_RECORD_SCHEMA = {
    "type": "object",
    "required": ["task_metrics", "fit_seconds", "trial_seconds"],
    "properties": {
        "task_metrics": {"type": "object", "additionalProperties": {"type": "number"}},
        "fit_seconds": {"type": "number", "minimum": 0},
        "trial_seconds": {"type": "number", "minimum": 0},
        "parts": {"type": "object", "additionalProperties": {"type": "number"}},
    },
}


def read_trial_record(path: Path) -> dict[str, Any]:
    """`zoo_trial.json` of one trial, validated; {} when missing or invalid (a trial
    killed before it ended has none)."""
    import jsonschema

    try:
        record = json.loads(path.read_text())
        jsonschema.validate(record, TRIAL_RECORD_SCHEMA)
    except (OSError, ValueError, jsonschema.ValidationError):
        return {}
    return record


def read_trials(
    project_dir: str | os.PathLike[str], objective: str, names: list[str] | None = None
) -> list[dict[str, Any]]:
    """One record per `trial_*/trial.json`, in trial-id order; the hyperparameters in the
    order of `names` (the space's declaration order, which gRPC does not keep)."""
    rows = []
    for path in sorted(Path(project_dir).glob("trial_*/trial.json")):
        state = json.loads(path.read_text())
        record = state.get("zoo") or {}
        history = state["metrics"]["metrics"].get(objective, {}).get("observations", [])
        epochs = [
            {"epoch": int(o["step"]) + 1, "value": sum(o["value"]) / len(o["value"])}
            for o in sorted(history, key=lambda o: o["step"])
        ]
        status = trial_status(state["status"], record)
        score = state.get("score") if status in SCORED else None
        best_step = state.get("best_step")
        extra = read_trial_record(path.parent / "zoo_trial.json") if status in ENDED else {}
        rows.append(
            {
                "trial_id": state["trial_id"],
                "status": status,
                "objective": None if score is None else float(score),
                "best_epoch": None if score is None or best_step is None else int(best_step) + 1,
                "epochs": epochs,
                "seconds": record.get("seconds") if status in ENDED else None,
                "started": record.get("started"),
                "tuner_id": record.get("tuner_id"),
                "pruned_at_epoch": record.get("pruned", {}).get("epoch"),
                "prune_median": record.get("pruned", {}).get("median"),
                "hparams": _ordered(state["hyperparameters"]["values"], names or []),
                "defaults": bool(record.get("defaults")),
                "task_metrics": extra.get("task_metrics", {}),
                "fit_seconds": extra.get("fit_seconds"),
                "trial_seconds": extra.get("trial_seconds"),
                "overhead_parts": extra.get("parts", {}),
                "requeued": list(record.get("requeued", [])),
            }
        )
    rows = sorted(rows, key=lambda r: _id_key(r["trial_id"]))
    marked = [plain_values(r["hparams"]) for r in rows if r["defaults"]]
    for r in rows:  # Hyperband's later rounds of the defaults are the defaults too
        r["defaults"] = r["defaults"] or (bool(marked) and plain_values(r["hparams"]) in marked)
    return rows


def plain_values(values: dict[str, Any]) -> dict[str, Any]:
    """A trial's hyperparameters without Hyperband's "tuner/..." bookkeeping."""
    return {k: v for k, v in values.items() if not k.startswith("tuner/")}


def _ordered(values: dict[str, Any], names: list[str]) -> dict[str, Any]:
    first = {k: values[k] for k in names if k in values}
    return {**first, **{k: v for k, v in values.items() if k not in first}}


def _id_key(trial_id: str) -> tuple[int, str]:
    return (int(trial_id), "") if str(trial_id).isdigit() else (1 << 62, str(trial_id))


def ranked(rows: list[dict[str, Any]], direction: str) -> list[dict[str, Any]]:
    """Rows with an objective, best first, then the others in id order."""
    sign = 1.0 if direction == "min" else -1.0
    scored = [r for r in rows if r["objective"] is not None]
    scored.sort(key=lambda r: (sign * r["objective"], str(r["trial_id"])))
    return scored + [r for r in rows if r["objective"] is None]


def better(a: float | None, b: float | None, direction: str) -> bool:
    """Whether objective `a` is strictly better than `b` (None is never better)."""
    if a is None:
        return False
    if b is None:
        return True
    return a < b if direction == "min" else a > b


#: The defaults' best trial's fitted model, kept beside `best_model/`.
DEFAULT_MODEL = "default_model"


def default_row(rows: list[dict[str, Any]], direction: str) -> dict[str, Any] | None:
    """The defaults' trial with the best objective (Hyperband may run several rounds of
    it), else their first trial; None when the defaults were not run."""
    mine = [r for r in rows if r["defaults"]]
    scored = [r for r in ranked(mine, direction) if r["objective"] is not None]
    return scored[0] if scored else (mine[0] if mine else None)


def write_results(
    project_dir: str | os.PathLike[str], manifest: dict[str, Any], final: bool = False
) -> dict[str, Any]:
    """Derives and writes the results files of the project; returns the summary
    (`trials`, `ranked`, `best`, `default`, `best_model`, `default_model`, `files`).
    After each trial only the light files are written; `final` adds the pictures."""
    from tuning.plots import plot_parallel, plot_trials

    project_dir = Path(project_dir)
    objective, direction = manifest["objective"], manifest["direction"]
    rows = read_trials(project_dir, objective, manifest.get("hparams"))
    default = default_row(rows, direction)
    order = ranked(rows, direction)
    best = order[0] if order and order[0]["objective"] is not None else None
    header = {
        "model": manifest["model"],
        "tuner": manifest["tuner"],
        "objective": {"name": objective, "direction": direction},
    }
    atomic_write_json(project_dir / "trials.json", {**header, "default": default, "trials": rows})
    atomic_write_text(project_dir / "trials.csv", trials_csv(order, None))
    best_model = default_model = None
    if final:  # copied once, at the end: per trial it would only add to the overhead
        best_model = _update_model(project_dir, "best_model", best)
        default_model = _update_model(project_dir, DEFAULT_MODEL, default)
        keep = {r["trial_id"] for r in (best, default) if r}
        for r in rows:  # the other ended trials' saved models are dropped
            if r["status"] in ENDED and r["trial_id"] not in keep:
                folder = project_dir / f"trial_{r['trial_id']}" / "zoo_model"
                shutil.rmtree(folder, ignore_errors=True)
    best_record = {
        **header,
        "trial_id": best and best["trial_id"],
        "value": best and best["objective"],
        "hparams": best and plain_values(best["hparams"]),
        "fixed": dict(manifest.get("fixed") or {}),
        "task_metrics": best and best["task_metrics"],
        "default_trial_id": default and default["trial_id"],
        "default_value": default and default["objective"],
        "default_hparams": default and plain_values(default["hparams"]),
        "beats_default": bool(
            best and default and better(best["objective"], default["objective"], direction)
        ),
        "best_model": "best_model" if best else None,
        "best_model_source": best and best["trial_id"],
    }
    atomic_write_json(project_dir / "best_hparams.json", best_record)
    files = ["trials.json", "trials.csv", "best_hparams.json"]
    if final and any(r["objective"] is not None for r in rows):
        plot_trials(rows, default, header, project_dir / "trials.png")
        plot_parallel(rows, header, project_dir / "parallel.png")
        files += ["trials.png", "parallel.png"]
    return {
        "trials": rows,
        "ranked": order,
        "best": best,
        "default": default,
        "best_model": best_model,
        "default_model": default_model,
        "files": files + (["best_model/"] if best_model else []),
    }


def trials_csv(order: list[dict[str, Any]], default: Any = None) -> str:
    """The CSV text: one row per trial, best first (the defaults' trials marked)."""
    rows = list(order)
    names = sorted({k for r in rows for k in r["hparams"]}, key=_hp_order(rows))
    tasks = sorted({k for r in rows for k in r.get("task_metrics", {})})
    most = max((max((e["epoch"] for e in r["epochs"]), default=0) for r in rows), default=0)
    fields = ["trial_id", "status", "defaults", "objective", "best_epoch", "epochs_run"]
    fields += ["seconds", "fit_seconds", "tuner_id", "pruned_at_epoch", "prune_median"]
    fields += [f"val_{t}" for t in tasks] + names
    fields += [f"epoch_{i}" for i in range(1, most + 1)]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        line = {k: r.get(k) for k in fields[:11] if k != "epochs_run"}
        line["epochs_run"] = len(r["epochs"])
        line.update({f"val_{t}": r.get("task_metrics", {}).get(t) for t in tasks})
        line.update({k: r["hparams"].get(k) for k in names})
        line.update({f"epoch_{e['epoch']}": e["value"] for e in r["epochs"]})
        writer.writerow({k: "" if v is None else v for k, v in line.items()})
    return out.getvalue()


def _hp_order(rows: list[dict[str, Any]]):
    seen: dict[str, int] = {}
    for r in rows:
        for k in r["hparams"]:
            seen.setdefault(k, len(seen))
    return lambda k: seen[k]


def _update_model(project_dir: Path, name: str, row: dict[str, Any] | None) -> Path | None:
    """Copies `row`'s saved zoo model to `project_dir/name` when it changed (the source
    trial id is kept in `name/.source`). A model that is not here (a worker on another
    machine without a shared directory) leaves no stale copy behind."""
    target = project_dir / name
    marker = target / ".source"
    previous = marker.read_text().strip() if marker.is_file() else None
    source_id = row and row["trial_id"]
    source = row and project_dir / f"trial_{row['trial_id']}" / "zoo_model"
    if source and source.is_dir() and (previous != source_id or not target.is_dir()):
        staging = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=project_dir))
        staging.chmod(0o777 & ~_umask())
        shutil.copytree(source, staging, dirs_exist_ok=True)
        (staging / ".source").write_text(f"{source_id}\n")
        old = project_dir / f".{name}.old"
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    elif previous != source_id and target.is_dir() and (target / ".lstm-zoo").exists():
        shutil.rmtree(target)  # the new source's model is not here (another machine's)
    return target if target.is_dir() else None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (set, tuple)):
        return list(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
