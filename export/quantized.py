"""What an int8 bundle costs and saves, measured by `verify` against its float graphs.

An int8 bundle (`export.quantize`) serves int8 graphs and keeps their float
originals. `check_quantized` reports, graph by graph, the size ratio, the latency
ratio (onnxruntime, same inputs, medians of alternating blocks) and the largest
output change against the float graph on the reference sets; and, for the model as a
whole, its family's task metric (`Family.task_metric`, see `zoo.metrics.serving`)
computed once on the float graphs and once on the int8 graphs, over the same
labelled data (the family's embedded test split unless data is given). The int8
graphs fail when the metric worsens by more than its tolerance.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


@dataclass
class QuantizedGraph:
    """One graph: bytes, median milliseconds per batch size, output change."""

    graph: str
    float_bytes: int
    int8_bytes: int
    max_abs_change: float
    float_ms: dict[int, float] = field(default_factory=dict)
    int8_ms: dict[int, float] = field(default_factory=dict)

    @property
    def size_ratio(self) -> float:
        return self.int8_bytes / self.float_bytes

    def latency_ratio(self, batch: int) -> float:
        return self.int8_ms[batch] / self.float_ms[batch]


@dataclass
class QuantizedReport:
    """`ok` when the task metric on the int8 graphs is within its tolerance of the
    float graphs' (and it could be computed)."""

    graphs: list[QuantizedGraph] = field(default_factory=list)
    float_metric: Any = None  # zoo.metrics.serving.TaskMetric
    int8_metric: Any = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return (
            self.problem is None
            and self.int8_metric is not None
            and self.int8_metric.within(self.float_metric)
        )

    @property
    def size_ratio(self) -> float:
        """All int8 graphs' bytes over all float graphs' bytes."""
        return sum(g.int8_bytes for g in self.graphs) / sum(g.float_bytes for g in self.graphs)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["ok"] = self.ok
        out["size_ratio"] = self.size_ratio if self.graphs else None
        if self.ok or self.int8_metric is not None:
            out["metric_worsening"] = self.int8_metric.worsening(self.float_metric)
        return out

    def lines(self) -> list[str]:
        lines = ["", f"int8 graphs against their float originals: {'PASS' if self.ok else 'FAIL'}"]
        batches = sorted({b for g in self.graphs for b in g.float_ms})
        head = f"{'graph':14s}{'float KB':>10s}{'int8 KB':>9s}{'size':>7s}{'max |change|':>14s}"
        lines.append(head + "".join(f"{f'latency B={b}':>15s}" for b in batches))
        for g in self.graphs:
            row = (
                f"{g.graph:14s}{g.float_bytes / 1024:10.1f}{g.int8_bytes / 1024:9.1f}"
                f"{g.size_ratio:6.2f}x{g.max_abs_change:14.2e}"
            )
            row += "".join(f"{g.latency_ratio(b):14.2f}x" for b in batches)
            lines.append(row)
        if self.problem:
            lines.append(f"task metric: not computed: {self.problem}")
        elif self.int8_metric is not None:
            f, q = self.float_metric, self.int8_metric
            lines.append(
                f"task metric {f.name} on {f.samples} labelled examples: float {f.value:.4f}, "
                f"int8 {q.value:.4f} (change {q.value - f.value:+.4f}; allowed worsening "
                f"{f.describe_tolerance()}): {'within' if q.within(f) else 'OUTSIDE'} tolerance"
            )
        return lines


def _alternating_ms(calls: dict[str, Any], repeats: int, rounds: int = 3) -> dict[str, float]:
    """Median ms per call of each callable, timed in alternating blocks so that a
    slow moment of a shared machine hits them alike."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            call()
            for _ in range(max(1, repeats // rounds)):
                start = time.perf_counter()
                call()
                times[name].append((time.perf_counter() - start) * 1e3)
    return {name: float(np.median(values)) for name, values in times.items()}


def task_metrics(manifest: dict[str, Any], path: Path, engines: dict[str, Any], data: Any):
    """`{label: TaskMetric}`: the family's task metric of the bundle's model run on
    each set of graphs in `engines` (label -> `{graph name: OnnxGraph}`), over
    `data` (None: the family's embedded test split)."""
    from export.bundle import BundleIntegrityError
    from zoo.family import family_for
    from zoo.models.loading import model_from_state

    scores = {}
    for label, graphs in engines.items():
        model = model_from_state(manifest, path, BundleIntegrityError)
        family = family_for(model)
        model.use_engine(family.resolve("runtime")(model, graphs))
        if data is None:
            data = type(model).default_data()[1]
        scores[label] = family.resolve("task_metric")(model, data)
    return scores


def check_quantized(
    bundle: Path,
    manifest: dict[str, Any],
    int8: dict[str, Any],
    floats: dict[str, Any],
    feeds: dict[str, list[dict[int, dict[str, np.ndarray]]]] | None,
    references: dict[str, list[dict[str, np.ndarray]]],
    data: Any = None,
    repeats: int = 20,
) -> QuantizedReport:
    """The int8 report (see the module docstring).

    Args:
        int8, floats: the bundle's served and float graphs (`OnnxGraph`s) by name.
        feeds: per graph, inputs by batch size to time (None: no latency).
        references: per graph, the reference sets' inputs (for the output change).
        data: labelled data for the task metric (None: the embedded test split).
    """
    from export.bundle import MANIFEST
    from zoo.family import FamilyError

    report = QuantizedReport()
    sizes = {
        name: (manifest["files"][graph["file"]]["size"], manifest["files"][entry["file"]]["size"])
        for name, graph in manifest["quantization"]["float_graphs"].items()
        for entry in [manifest["graphs"][name]]
    }
    for name, graph in int8.items():
        change = 0.0
        for inputs in references.get(name, []):
            for a, b in zip(floats[name].run(inputs), graph.run(inputs), strict=True):
                a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
                change = max(change, float(np.max(np.abs(a - b))) if a.size else 0.0)
        row = QuantizedGraph(name, sizes[name][0], sizes[name][1], change)
        for batch, inputs in (feeds or {}).get(name, {}).items():
            ms = _alternating_ms(
                {
                    "float": lambda i=inputs, g=floats[name]: g.run(i),
                    "int8": lambda i=inputs, g=graph: g.run(i),
                },
                repeats,
            )
            row.float_ms[batch], row.int8_ms[batch] = ms["float"], ms["int8"]
        report.graphs.append(row)
    try:
        scores = task_metrics(manifest, bundle / MANIFEST, {"float": floats, "int8": int8}, data)
    except FamilyError as error:
        report.problem = str(error)
    except (ValueError, KeyError) as error:  # zoo.data.DataError is a ValueError
        report.problem = (
            f"the labelled data does not fit this model ({' '.join(str(error).split())[:200]}); "
            "pass data it was trained for (verify --data)"
        )
    else:
        report.float_metric, report.int8_metric = scores["float"], scores["int8"]
    return report
