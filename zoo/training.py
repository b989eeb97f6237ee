"""Train, evaluate beside the baselines, save: what `lstm-zoo train` runs."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any


def metrics_table(report: dict[str, Any]) -> str:
    """The scalar metrics of each row of an `evaluate` report, as text."""
    rows = {k: v for k, v in report.items() if isinstance(v, dict)}
    columns = sorted(
        {m for row in rows.values() for m, x in row.items() if isinstance(x, (int, float))},
        key=lambda m: (m not in ("accuracy", "macro_f1", "mse", "mae", "mase"), m),
    )
    rows = {k: v for k, v in rows.items() if any(m in columns for m in v)}
    width = max(len(r) for r in rows) + 2
    sizes = {c: max(12, len(c) + 2) for c in columns}  # names never run together
    lines = [f"{'':{width}s}" + "".join(f"{c:>{sizes[c]}s}" for c in columns)]
    for name, row in rows.items():
        cells = "".join(
            f"{row[c]:{sizes[c]}.4f}"
            if isinstance(row.get(c), (int, float))
            else f"{'-':>{sizes[c]}s}"
            for c in columns
        )
        lines.append(f"{name:{width}s}{cells}")
    return "\n".join(lines)


def check_data_options(model: Any, options: dict[str, Any]) -> None:
    """Raises `ValueError` naming the first option of `options` that the model's
    `load_data` does not take (e.g. `--delimiter` for a sentiment model)."""
    import inspect

    accepted = inspect.signature(model.load_data).parameters
    for key in options:
        if key not in accepted:
            option = "--" + key.replace("_", "-")
            raise ValueError(f"{option} does not apply to {model.name}'s data")


def train_and_report(
    name: str,
    data: Path | None = None,
    epochs: int | None = None,
    out: Path = Path("runs/model"),
    seed: int = 0,
    overrides: dict[str, Any] | None = None,
    verbose: int | str = 2,
    overwrite: bool = False,
    callbacks: list | None = None,
    write: bool = True,
    data_options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Creates `name`, fits it on `data` (or the embedded default), evaluates it
    on the held-out split, saves it to `out` with `metrics.json` and plots.

    `out` is checked before anything is trained (see `zoo.outputs.check_destination`):
    the working directory, its parents, home, a file, an unwritable place and a
    non-empty folder that lstm-zoo did not write are refused; an earlier model
    directory of ours is replaced when it holds the same registered model (training it
    again), another model's only when `overwrite`. The model, `metrics.json`
    and the plots are written into one staging folder and renamed into place
    together, so a failure leaves nothing half-written.

    `data` is a path or the name of an embedded dataset (`lstm-zoo datasets`);
    `data_options` (delimiter, date_column, value_columns) go to the model's `load_data`.

    `callbacks` go to the model's `fit` (e.g. `zoo.distribute`'s backups);
    with `write=False` (a multi-worker job's non-chief workers) nothing is
    written and `files` is empty."""
    import zoo
    from zoo import outputs

    model = zoo.create_model(name, **(overrides or {}))
    out = Path(out)
    outputs.check_destination(out, outputs.MODEL, overwrite=overwrite, option="--out", owner=name)
    options = {k: v for k, v in (data_options or {}).items() if v is not None}
    check_data_options(model, options)
    if data is not None:
        from zoo.data.datasets import is_dataset

        if not is_dataset(data) and not Path(data).exists():
            raise FileNotFoundError(
                f"--data {data}: no such file, directory or embedded dataset "
                "(see `lstm-zoo datasets`)."
            )
        train, test = model.load_data(data, seed=seed, **options)
    else:
        train, test = model.default_data(seed=seed)
    print(f"training {name} on {getattr(train, 'source', 'data')} ({len(train)} training items)")
    for line in model.data_notes:
        print(line)
    start = time.perf_counter()
    fit_options = {"callbacks": callbacks} if callbacks else {}
    model.fit(train, epochs=epochs, verbose=verbose, **fit_options)
    seconds = time.perf_counter() - start
    report = model.evaluate(test)
    print(f"\nheld-out metrics ({len(test)} items), model beside its baselines:")
    print(metrics_table(report))
    record = {
        "model": name,
        "hparams": model.hparams,
        "data": getattr(train, "source", str(data) if data else "embedded default"),
        "train_seconds": round(seconds, 1),
        "epochs_run": len(next(iter(model.history.values()), [])),
        "held_out": report,
    }
    if not write:  # another worker of a multi-worker job: only the chief writes, but
        # saving and the plots' predictions are collective steps every worker must
        # take, in the chief's order: this worker takes them into a scratch folder
        with tempfile.TemporaryDirectory(prefix="lstm-zoo-worker-") as scratch:
            model.save_into(Path(scratch))
            model.plots(test, Path(scratch))
        return {"out": out, "files": [], "report": report, "seconds": seconds}
    mode = {"overwrite": overwrite, "option": "--out", "owner": name}
    with outputs.staged(out, outputs.MODEL, **mode) as staging:
        model.save_into(staging)
        (staging / "metrics.json").write_text(json.dumps(record, indent=2) + "\n")
        plots = model.plots(test, staging)
    files = ["model.keras", "zoo_model.json", "metrics.json", *(p.name for p in plots)]
    return {"out": out, "files": files, "report": report, "seconds": seconds}
