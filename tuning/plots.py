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
            label=f"the registered defaults, trial {default['trial_id']} ({default['objective']:.4g})",
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


def _save(figure, path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    temporary = path.with_name(f".{path.stem}.tmp.png")
    figure.savefig(temporary)
    os.replace(temporary, path)
    return path


def plot_parallel(
    rows: list[dict[str, Any]], header: dict[str, Any], path: str | os.PathLike[str]
) -> Path:
    """Parallel coordinates of the scored trials: one line per trial across its
    hyperparameters (each axis scaled to the values tried; log10 for ranges over a
    decade, categories by index) and the objective, coloured by the objective; the
    registered defaults in black."""
    import math

    from matplotlib import cm, colormaps, colors
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    objective, direction = header["objective"]["name"], header["objective"]["direction"]
    scored = [r for r in rows if r["objective"] is not None and math.isfinite(r["objective"])]
    names = []
    for r in scored:
        names += [n for n in r["hparams"] if n not in names and not n.startswith("tuner/")]
    names = [n for n in names if len({str(r["hparams"].get(n)) for r in scored}) > 1]
    axes_names = [*names, objective]
    columns, ticks = [], []
    for name in axes_names:
        values = [r["objective"] if name == objective else r["hparams"].get(name) for r in scored]
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
        if numeric:
            logged = min(values) > 0 and max(values) / min(values) >= 10
            raw = [math.log10(v) if logged else float(v) for v in values]
            low, high = min(raw), max(raw)
            labels = [(0.0, f"{min(values):.3g}"), (1.0, f"{max(values):.3g}")]
        else:
            levels = sorted({str(v) for v in values})
            raw = [float(levels.index(str(v))) for v in values]
            low, high = 0.0, float(max(len(levels) - 1, 1))
            labels = [(i / high, level) for i, level in enumerate(levels)]
        span = (high - low) or 1.0
        columns.append([(v - low) / span for v in raw])
        ticks.append(labels)
    figure = Figure(figsize=(max(6.0, 1.1 * len(axes_names) + 2), 4.4), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    values = [r["objective"] for r in scored]
    norm = colors.Normalize(min(values, default=0), max(values, default=1))
    cmap = colormaps["viridis_r" if direction == "min" else "viridis"]
    xs = list(range(len(axes_names)))
    for i, r in enumerate(scored):
        ys = [column[i] for column in columns]
        if r.get("defaults"):
            axes.plot(xs, ys, color="black", linewidth=2.2, linestyle="--", zorder=4)
        else:
            axes.plot(xs, ys, color=cmap(norm(r["objective"])), alpha=0.8, linewidth=1.2)
    for x, labels in zip(xs, ticks):
        axes.axvline(x, color="#999999", linewidth=0.8)
        for y, text in labels:
            axes.text(x + 0.03, y, text, fontsize=6, va="center")
    axes.set_xticks(xs)
    axes.set_xticklabels(axes_names, rotation=30, ha="right", fontsize=8)
    axes.set_yticks([])
    axes.set_ylim(-0.05, 1.05)
    mappable = cm.ScalarMappable(norm=norm, cmap=cmap)
    figure.colorbar(mappable, ax=axes, label=objective)
    axes.set_title(
        f"{header['model']}: {len(scored)} trials ({objective}; dashed black: the defaults)",
        fontsize=9,
    )
    figure.tight_layout()
    return _save(figure, path)


def plot_importance(
    shares: dict[str, float], header: dict[str, Any], path: str | os.PathLike[str]
) -> Path:
    """A horizontal bar per hyperparameter: its share of the objective's variance."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    names = list(shares)[::-1]
    figure = Figure(figsize=(6.5, 0.4 * len(names) + 1.4), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    axes.barh(names, [100 * shares[n] for n in names], color="#1f77b4")
    for i, n in enumerate(names):
        axes.text(100 * shares[n] + 0.5, i, f"{100 * shares[n]:.1f}%", va="center", fontsize=8)
    axes.set_xlabel(f"share of the variance of {header['objective']['name']} (%)")
    axes.set_xlim(0, max(100 * max(shares.values(), default=0) * 1.2, 10))
    axes.set_title(f"{header['model']}: hyperparameter importance (fANOVA-style)", fontsize=9)
    figure.tight_layout()
    return _save(figure, path)
