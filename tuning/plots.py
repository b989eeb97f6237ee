"""`trials.png`: the objective of each trial, the running best and the default run."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

_STYLES = {
    "completed": {"marker": "o", "color": "#1f77b4", "label": "completed"},
    "pruned": {"marker": "x", "color": "#d62728", "label": "pruned (median stopping)"},
    "budget_cut": {"marker": "s", "color": "#ff7f0e", "label": "cut by the time budget"},
}


def plot_trials(
    rows: list[dict[str, Any]],
    default: dict[str, Any] | None,
    header: dict[str, Any],
    path: str | os.PathLike[str],
) -> Path:
    """Draws the objective of every scored trial against its trial number, the best so
    far as a step line, and the default hyperparameters' objective as a dashed line.

    Uses `matplotlib.figure.Figure` with the Agg canvas: no pyplot, no global state.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    objective, direction = header["objective"]["name"], header["objective"]["direction"]
    scored = [r for r in rows if r["objective"] is not None]
    positions = {r["trial_id"]: i + 1 for i, r in enumerate(rows)}
    figure = Figure(figsize=(7.5, 4.2), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    for status, style in _STYLES.items():
        points = [r for r in scored if r["status"] == status]
        if points:
            axes.scatter(
                [positions[r["trial_id"]] for r in points],
                [r["objective"] for r in points],
                s=42,
                zorder=3,
                **style,
            )
    best, steps = None, []
    for r in rows:
        value = r["objective"]
        if value is not None and (
            best is None or (value < best if direction == "min" else value > best)
        ):
            best = value
        steps.append(best)
    xs = [positions[r["trial_id"]] for r in rows]
    axes.step(xs, steps, where="post", color="#2ca02c", linewidth=1.8, label="best so far")
    if default and default.get("objective") is not None:
        axes.axhline(
            default["objective"],
            color="#7f7f7f",
            linestyle="--",
            linewidth=1.2,
            label=f"default hyperparameters ({default['objective']:.4g})",
        )
    values = [r["objective"] for r in scored]
    if default and default.get("objective") is not None:
        values.append(default["objective"])
    if values and min(values) > 0 and max(values) / min(values) > 20:
        axes.set_yscale("log")
    axes.set_xlabel("trial")
    axes.set_ylabel(f"{objective} ({'lower' if direction == 'min' else 'higher'} is better)")
    axes.set_xticks(xs)
    axes.set_xticklabels([str(r["trial_id"]) for r in rows], fontsize=8)
    axes.set_title(f"{header['model']}: {header['tuner']} search, {objective} per trial")
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize=8, loc="best")
    figure.tight_layout()
    path = Path(path)
    temporary = path.with_name(f".{path.stem}.tmp.png")
    figure.savefig(temporary)
    os.replace(temporary, path)
    return path
