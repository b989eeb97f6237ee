"""`SearchResult`: what `tuning.search` returns, and its table of trials."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_STATUS_STYLE = {"pruned": "red", "budget_cut": "yellow", "failed": "red", "running": "dim"}


@dataclass
class SearchResult:
    """A finished (or stopped) search.

    `trials` are the records of `trials.json` (id order), `ranked` the same best first,
    `best` the best record, `default` the registered defaults' best trial (trial 0),
    `best_model_dir` the zoo model directory of the best trial (`zoo.load_model` reads it).
    """

    model: str
    tuner: str
    objective: str
    direction: str
    project_dir: Path
    trials: list[dict[str, Any]]
    ranked: list[dict[str, Any]]
    best: dict[str, Any] | None
    default: dict[str, Any] | None
    best_model_dir: Path | None
    stop_reason: str
    seconds: float
    files: list[str] = field(default_factory=list)
    role: str = "local"
    trials_run: list[str] = field(default_factory=list)
    budget: float | None = None
    export_report: Any = None
    #: `summary.json` (see `tuning.summary`) with its printed `lines`; None on a worker.
    report: dict[str, Any] | None = None

    @property
    def best_hparams(self) -> dict[str, Any] | None:
        return None if self.best is None else dict(self.best["hparams"])

    @property
    def default_objective(self) -> float | None:
        return None if not self.default else self.default.get("objective")

    def beats_default(self) -> bool | None:
        """Whether the best trial's objective is strictly better than the default's
        (None when either is missing)."""
        if self.best is None or self.default_objective is None:
            return None
        a, b = self.best["objective"], self.default_objective
        return a < b if self.direction == "min" else a > b

    def comparison(self) -> str:
        """One line: the best trial against the default hyperparameters."""
        if self.best is None:
            return "no trial has an objective yet."
        best = f"best {self.objective} {self.best['objective']:.6g} (trial {self.best['trial_id']})"
        if self.default_objective is None:
            return best + "; the registered defaults were not run (--no-baseline)."
        default = self.default_objective
        change = (self.best["objective"] - default) / abs(default) * 100 if default else 0.0
        if self.best["trial_id"] == self.default["trial_id"]:
            return f"{best}: the registered defaults are the best trial."
        verdict = "beats" if self.beats_default() else "does not beat"
        return (
            f"{best} {verdict} the registered defaults' {default:.6g} "
            f"(trial {self.default['trial_id']}, {change:+.1f}%)."
        )

    def table(self, limit: int | None = None) -> Any:
        """A `rich.table.Table` of the trials, best first, with the default run as a row."""
        from rich.table import Table

        rows = [r for r in self.ranked if r["objective"] is not None]
        rows += [r for r in self.ranked if r["objective"] is None]
        if limit:
            rows = rows[:limit]
        names = _varying(rows)
        better = "lower" if self.direction == "min" else "higher"
        table = Table(
            title=f"{self.model}: {self.tuner} search ({self.objective}, {better} is better)"
        )
        for column in ("#", "trial", "status", self.objective, "epochs", "seconds", *names):
            numeric = column in ("#", self.objective, "epochs", "seconds")
            table.add_column(column, justify="right" if numeric else "left")
        rank = 0
        for row in rows:
            is_default = bool(row.get("defaults"))
            rank += 0 if row["objective"] is None else 1
            value = row["objective"]
            cells = [
                "" if value is None else str(rank),
                str(row["trial_id"]) + (" (defaults)" if is_default else ""),
                row["status"],
                "-" if value is None else f"{value:.5g}",
                str(len(row["epochs"])),
                "-" if row.get("seconds") is None else f"{row['seconds']:.1f}",
                *(_cell(row["hparams"].get(n)) for n in names),
            ]
            style = "bold" if is_default else _STATUS_STYLE.get(row["status"])
            table.add_row(*cells, style=style)
        return table

    def text_table(self, width: int | None = None) -> str:
        """The table as plain text (for logs, READMEs and tests), as wide as its content
        unless `width` is given."""
        from rich.console import Console

        table = self.table()
        if width is None:
            probe = Console(file=io.StringIO(), width=1000, force_jupyter=False)
            width = probe.measure(table).maximum
        buffer = io.StringIO()
        Console(
            file=buffer, width=width, no_color=True, highlight=False, force_jupyter=False
        ).print(table)
        return buffer.getvalue()

    def summary(self) -> str:
        """The lines printed after a search: why it ended, best vs default, files."""
        counts: dict[str, int] = {}
        for row in self.trials:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        tally = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no trials"
        lines = [
            f"search ended: {self.stop_reason} ({tally}; {self.seconds:.0f} s).",
            self.comparison(),
        ]
        if self.report:
            lines += self.report["lines"]
        if self.best_model_dir is not None:
            lines.append(
                f"best model: {self.best_model_dir} (trial {self.best['trial_id']}; "
                "zoo.load_model reads it; best_hparams.json holds its hyperparameters)"
            )
        if self.files:
            lines.append(f"wrote {self.project_dir}: {', '.join(self.files)}")
        return "\n".join(lines)


def _varying(rows) -> list[str]:
    """Hyperparameter names, in declaration order (the ones "tuner/..." left out)."""
    names: list[str] = []
    for row in rows:
        for name in row["hparams"]:
            if name not in names and not name.startswith("tuner/"):
                names.append(name)
    return names


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)
