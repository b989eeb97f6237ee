"""Model families: one registration per family, found by generic code.

In the spirit of keras-hub's Task = Backbone + Preprocessor, a family is a folder of
`zoo/models/` holding its `ZooModel` subclass, a public preprocessor free of TensorFlow,
and one `register_family(Family(...))` that names everything generic code needs from it:

    register_family(Family(
        task="forecasting",
        hypermodel="tuning.hypermodels.forecasting:ForecastingHyperModel",
        export_graphs="export.families.forecasting:graphs",
        runtime="export.runtime.engine:onnx_engine",
        cli="zoo.models.forecasting.cli:COMMAND_LINE",
    ))

References are "module:attribute" strings written in the code, resolved on first use, so
`import zoo` imports neither TensorFlow nor `tuning`/`export`. They are never read from a
file: a saved model or bundle names its model, and the model's registered class names its
task. `tuning/`, `export/` and the command line ask `family_for(model)` and never branch
on a task name.
"""

from __future__ import annotations

import difflib
import importlib
from dataclasses import dataclass, field
from typing import Any

#: The parts a family may name, and what each is.
PARTS = {
    "hypermodel": "the keras-tuner HyperModel class: (model_name, data, **options)",
    "export_graphs": "(model, streaming=False, samples=None) -> list of export GraphSpecs",
    "runtime": "(model, graphs) -> the inference engine a bundle's model runs on",
    "cli": "the command line's reading of inputs and showing of predictions",
    "stream": "(predictor) -> an incremental predictor over a bundle's `stream` graph",
    "preprocessing_schema": "the JSON Schema of the family's saved preprocessing state",
    "check_preprocessing": "(state, file, error) -> None: checks a schema-valid state further",
    "task_metric": "(model, data) -> zoo.metrics.serving.TaskMetric: the score (with its "
    "tolerance) an int8 bundle is held to against its float graphs",
    "derived_outputs": "(model, graph, feeds, outputs) -> {name: array}: what the model derives "
    "from a graph's outputs outside the graph (decoded tag paths), which verify compares too",
}


class FamilyError(LookupError):
    """A task with no registered family, or a family without the part asked for."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Family:
    """What generic code needs to know about one model family.

    Args:
        task: the family's task ("sentiment", "forecasting", ...); a `ZooModel`
            subclass names it in its `task`.
        hypermodel, export_graphs, runtime, cli, stream, preprocessing_schema,
            check_preprocessing, task_metric, derived_outputs: "module:attribute" references
            (see `PARTS`); an empty
            string means the family has no such part.
        graphs: the inference graphs every bundle of the family holds (the names of
            `ZooModel.inference_networks`); optional_graphs: those it may hold too.
        summary: one line for people.
        options: small facts generic code may ask about (for example which inputs the
            command line's `predict` takes), as plain data.
    """

    task: str
    hypermodel: str = ""
    export_graphs: str = ""
    runtime: str = ""
    cli: str = ""
    stream: str = ""
    preprocessing_schema: str = ""
    check_preprocessing: str = ""
    task_metric: str = ""
    derived_outputs: str = ""
    graphs: tuple[str, ...] = ("network",)
    optional_graphs: tuple[str, ...] = ()
    summary: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for part in PARTS:
            reference = getattr(self, part)
            if reference and (reference.count(":") != 1 or reference.startswith(":")):
                raise ValueError(
                    f"family {self.task!r}: {part} must be 'module:attribute'; "
                    f"received {reference!r}"
                )

    def has(self, part: str) -> bool:
        return bool(getattr(self, part, ""))

    def resolve(self, part: str) -> Any:
        """Imports and returns the object the family names for `part`.

        Raises:
            FamilyError: the family names nothing for `part`.
        """
        if part not in PARTS:
            raise ValueError(f"unknown family part {part!r}; parts: {', '.join(PARTS)}")
        reference = getattr(self, part)
        if not reference:
            raise FamilyError(f"the {self.task} family has no {part} ({PARTS[part]}).")
        module, _, attribute = reference.partition(":")
        target: Any = importlib.import_module(module)
        for name in attribute.split("."):
            target = getattr(target, name)
        return target


_FAMILIES: dict[str, Family] = {}


def register_family(family: Family) -> Family:
    """Registers `family` under its task; registering the same task again replaces it only
    with an equal registration (a module imported twice), otherwise it raises."""
    existing = _FAMILIES.get(family.task)
    if existing is not None and existing != family:
        raise ValueError(f"a different family is already registered for task {family.task!r}")
    _FAMILIES[family.task] = family
    return family


def unregister_family(task: str) -> None:
    """Removes the family of `task` (a plug-in's or a test's); unknown tasks are ignored."""
    _FAMILIES.pop(task, None)


def list_families() -> list[str]:
    """The registered tasks, sorted."""
    from zoo.registry import load_families

    load_families()
    return sorted(_FAMILIES)


def family_for(model: Any) -> Family:
    """The family of `model`: a `ZooModel` (or its class), a registered model name, or a
    task name.

    Raises:
        FamilyError: no family is registered for that task (with close matches).
    """
    from zoo.registry import load_families, model_card

    load_families()
    task = getattr(model, "task", None)
    if task is None and isinstance(model, str):
        task = model if model in _FAMILIES else model_card(model)["task"]
    if task not in _FAMILIES:
        close = difflib.get_close_matches(str(task), list(_FAMILIES), n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise FamilyError(
            f"no model family is registered for task {task!r}.{hint} "
            f"Registered: {', '.join(sorted(_FAMILIES)) or 'none'}."
        )
    return _FAMILIES[task]
