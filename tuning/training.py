"""Train, evaluate beside the baselines, save: what `lstm-zoo train` runs."""

from __future__ import annotations

import json
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
    width = max(len(r) for r in rows) + 2
    lines = [f"{'':{width}s}" + "".join(f"{c:>12s}" for c in columns)]
    for name, row in rows.items():
        cells = "".join(
            f"{row[c]:12.4f}" if isinstance(row.get(c), (int, float)) else f"{'-':>12s}"
            for c in columns
        )
        lines.append(f"{name:{width}s}{cells}")
    return "\n".join(lines)


def train_and_report(
    name: str,
    data: Path | None = None,
    epochs: int | None = None,
    out: Path = Path("runs/model"),
    seed: int = 0,
    overrides: dict[str, Any] | None = None,
    verbose: int | str = 2,
) -> dict[str, Any]:
    """Creates `name`, fits it on `data` (or the embedded default), evaluates it
    on the held-out split, saves it to `out` with `metrics.json` and plots."""
    import zoo

    model = zoo.create_model(name, **(overrides or {}))
    if data is not None:
        if not Path(data).exists():
            raise FileNotFoundError(f"--data {data}: no such file or directory.")
        train, test = model.load_data(data, seed=seed)
    else:
        train, test = model.default_data(seed=seed)
    print(f"training {name} on {getattr(train, 'source', 'data')} ({len(train)} training items)")
    start = time.perf_counter()
    model.fit(train, epochs=epochs, verbose=verbose)
    seconds = time.perf_counter() - start
    report = model.evaluate(test)
    print(f"\nheld-out metrics ({len(test)} items), model beside its baselines:")
    print(metrics_table(report))
    out = Path(out)
    model.save(out)
    record = {
        "model": name,
        "hparams": model.hparams,
        "data": getattr(train, "source", str(data) if data else "embedded default"),
        "train_seconds": round(seconds, 1),
        "epochs_run": len(next(iter(model.history.values()), [])),
        "held_out": report,
    }
    (out / "metrics.json").write_text(json.dumps(record, indent=2) + "\n")
    plots = model.plots(test, out)
    files = ["model.keras", "zoo_model.json", "metrics.json", *(p.name for p in plots)]
    return {"out": out, "files": files, "report": report, "seconds": seconds}
