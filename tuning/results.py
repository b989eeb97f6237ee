"""The results of a search, derived from keras-tuner's own trial files.

Everything here is read back from `DIR/PROJECT/trial_*/trial.json` (keras-tuner's record
of each trial, with our per-trial record under the key "zoo") and `baseline.json` (the
default hyperparameters' run), so the results files cannot drift from the search state:

* `trials.json`: every trial (id, status, hyperparameters, objective, objective per
  epoch, seconds, tuner id, pruning) and the default run;
* `trials.csv`: the same, one row per trial, best first, the default run as trial
  "default";
* `best_hparams.json`: the best trial, its hyperparameters, and the default's objective;
* `trials.png`: the objective of each trial, the running best and the default;
* `best_model/`: the best trial's zoo model directory (`zoo.load_model` reads it), or the
  default hyperparameters' model (`default_model/`) when no trial beat it.

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
        rows.append(
            {
                "trial_id": state["trial_id"],
                "status": status,
                "objective": None if score is None else float(score),
                "best_epoch": None if score is None or best_step is None else int(best_step) + 1,
                "epochs": epochs,
                "seconds": record.get("seconds") if status in ENDED else None,
                "tuner_id": record.get("tuner_id"),
                "pruned_at_epoch": record.get("pruned", {}).get("epoch"),
                "prune_median": record.get("pruned", {}).get("median"),
                "hparams": _ordered(state["hyperparameters"]["values"], names or []),
            }
        )
    return sorted(rows, key=lambda r: _id_key(r["trial_id"]))


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


#: The default hyperparameters' fitted model, saved by the baseline run.
DEFAULT_MODEL = "default_model"


def write_results(project_dir: str | os.PathLike[str], manifest: dict[str, Any]) -> dict[str, Any]:
    """Derives and writes every results file of the project; returns the summary
    (`trials`, `ranked`, `best`, `default`, `best_model`, `files`)."""
    from tuning.plots import plot_trials

    project_dir = Path(project_dir)
    objective, direction = manifest["objective"], manifest["direction"]
    rows = read_trials(project_dir, objective, manifest.get("hparams"))
    default = read_json(project_dir / "baseline.json")
    order = ranked(rows, direction)
    best = order[0] if order and order[0]["objective"] is not None else None
    header = {
        "model": manifest["model"],
        "tuner": manifest["tuner"],
        "objective": {"name": objective, "direction": direction},
    }
    atomic_write_json(project_dir / "trials.json", {**header, "default": default, "trials": rows})
    atomic_write_text(project_dir / "trials.csv", trials_csv(order, default))
    use_default = bool(
        default
        and default.get("objective") is not None
        and (project_dir / DEFAULT_MODEL).is_dir()
        and (best is None or better(default["objective"], best["objective"], direction))
    )
    best_model = _update_best_model(project_dir, best, rows, use_default)
    best_record = {
        **header,
        "trial_id": best and best["trial_id"],
        "value": best and best["objective"],
        "hparams": best and best["hparams"],
        "default_value": default and default.get("objective"),
        "default_hparams": default and default.get("hparams"),
        "beats_default": bool(
            best and default and better(best["objective"], default.get("objective"), direction)
        ),
        "best_model": best_model and best_model.name,
        "best_model_source": "default" if use_default else (best and best["trial_id"]),
    }
    atomic_write_json(project_dir / "best_hparams.json", best_record)
    files = ["trials.json", "trials.csv", "best_hparams.json"]
    if any(r["objective"] is not None for r in rows):
        plot_trials(rows, default, header, project_dir / "trials.png")
        files.append("trials.png")
    return {
        "trials": rows,
        "ranked": order,
        "best": best,
        "default": default,
        "best_model": best_model,
        "files": files + (["best_model/"] if best_model else []),
    }


def trials_csv(order: list[dict[str, Any]], default: dict[str, Any] | None) -> str:
    """The CSV text: one row per trial (best first), then the default run."""
    rows = list(order)
    if default:
        rows.append(
            {
                "trial_id": "default",
                "status": "baseline",
                "objective": default.get("objective"),
                "best_epoch": default.get("best_epoch"),
                "epochs": default.get("epochs", []),
                "seconds": default.get("seconds"),
                "tuner_id": None,
                "pruned_at_epoch": None,
                "prune_median": None,
                "hparams": default.get("hparams", {}),
            }
        )
    names = sorted({k for r in rows for k in r["hparams"]}, key=_hp_order(rows))
    most = max((max((e["epoch"] for e in r["epochs"]), default=0) for r in rows), default=0)
    fields = ["trial_id", "status", "objective", "best_epoch", "epochs_run", "seconds"]
    fields += ["tuner_id", "pruned_at_epoch", "prune_median", *names]
    fields += [f"epoch_{i}" for i in range(1, most + 1)]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        line = {k: r.get(k) for k in fields[:9] if k != "epochs_run"}
        line["epochs_run"] = len(r["epochs"])
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


def _update_best_model(project_dir: Path, best, rows, use_default: bool = False) -> Path | None:
    """Copies the best model to `best_model/` (when it changed): the best trial's, or the
    default hyperparameters' model when no trial beat it. Drops the saved models of the
    other ended trials."""
    target = project_dir / "best_model"
    record = read_json(project_dir / "best_hparams.json") or {}
    previous = record.get("best_model_source", record.get("trial_id"))
    if use_default:
        source_id, source = "default", project_dir / DEFAULT_MODEL
    else:
        source_id = best and best["trial_id"]
        source = best and project_dir / f"trial_{best['trial_id']}" / "zoo_model"
    if source and source.is_dir() and (previous != source_id or not target.is_dir()):
        staging = Path(tempfile.mkdtemp(prefix=".best_model.", dir=project_dir))
        staging.chmod(0o777 & ~_umask())
        shutil.copytree(source, staging, dirs_exist_ok=True)
        old = project_dir / ".best_model.old"
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    elif previous != source_id and target.is_dir():
        shutil.rmtree(target)  # the best trial's model is not here (another machine's)
    for r in rows:
        if r["status"] in ENDED and (best is None or r["trial_id"] != best["trial_id"]):
            shutil.rmtree(project_dir / f"trial_{r['trial_id']}" / "zoo_model", ignore_errors=True)
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
