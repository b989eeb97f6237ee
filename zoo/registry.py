"""The model registry: readable names, `create_model`, `list_models`, cards.

In the style of timm's `_registry.py`: a name says what a model is
("sentiment-bilstm", "forecast-quantile-lstm"), never how it is configured;
configuration goes through `create_model(name, **overrides)`.
"""

from __future__ import annotations

import difflib
import fnmatch
import importlib
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ModelCard:
    """What a registered model is, for people and for `lstm-zoo models`."""

    name: str
    model_class: type
    task: str
    summary: str
    inputs: str
    outputs: str
    reference: str
    loaders: tuple[str, ...]
    defaults: dict[str, Any] = field(default_factory=dict)

    def hyperparameters(self) -> dict[str, Any]:
        """The class defaults with this entry's own defaults on top."""
        return {**self.model_class.default_hparams, **self.defaults}

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "class": class_path(self.model_class),
            "task": self.task,
            "summary": self.summary,
            "inputs": self.inputs,
            "outputs": self.outputs,
            "reference": self.reference,
            "loaders": list(self.loaders),
            "hyperparameters": self.hyperparameters(),
        }


_REGISTRY: dict[str, ModelCard] = {}


def _family_modules() -> tuple[str, ...]:
    """The packages under `zoo/models/` (each a family), found in the installed code."""
    import pkgutil
    from pathlib import Path

    here = Path(__file__).resolve().parent / "models"
    return tuple(
        f"zoo.models.{info.name}"
        for info in sorted(pkgutil.iter_modules([str(here)]), key=lambda i: i.name)
        if info.ispkg and not info.name.startswith("_")
    )


#: The family packages, every package of `zoo/models/`: importing one registers its models
#: and its `zoo.family.Family`, so a new family is a new folder there and nothing else.
FAMILY_MODULES = _family_modules()


def register_model(
    name: str,
    model_class: type,
    *,
    summary: str,
    inputs: str,
    outputs: str,
    reference: str,
    loaders: tuple[str, ...] | list[str] = (),
    **defaults: Any,
) -> ModelCard:
    """Registers `model_class` under `name` with its own default hyperparameters.

    Raises:
        ValueError: if the name is taken by another class, or a default is not
            a hyperparameter of the class.
    """
    existing = _REGISTRY.get(name)
    if existing is not None and existing.model_class is not model_class:
        raise ValueError(f"Model name {name!r} is already registered for {existing.model_class}.")
    unknown = sorted(set(defaults) - set(model_class.default_hparams))
    if unknown:
        raise ValueError(f"{model_class.__name__} has no hyperparameter {unknown[0]!r}.")
    card = ModelCard(
        name=name,
        model_class=model_class,
        task=model_class.task,
        summary=summary,
        inputs=inputs,
        outputs=outputs,
        reference=reference,
        loaders=tuple(loaders),
        defaults=dict(defaults),
    )
    _REGISTRY[name] = card
    return card


def unregister_model(name: str) -> None:
    """Removes `name` from the registry (a plug-in's or a test's); unknown names are ignored."""
    _REGISTRY.pop(name, None)


def load_families() -> None:
    """Imports every family package of `FAMILY_MODULES` (once; cheap afterwards)."""
    for module in FAMILY_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name != module:
                raise


def list_models(pattern: str | None = None) -> list[str]:
    """Registered names, sorted; `pattern` is a shell-style filter ("sentiment-*")."""
    load_families()
    names = sorted(_REGISTRY)
    if pattern:
        names = [n for n in names if fnmatch.fnmatch(n, pattern)]
    return names


class UnknownModelError(KeyError):
    """An unregistered model name (the message suggests close matches)."""

    def __str__(self) -> str:
        return str(self.args[0])


def _get(name: str) -> ModelCard:
    load_families()
    if name not in _REGISTRY:
        close = difflib.get_close_matches(name, list(_REGISTRY), n=3, cutoff=0.4)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise UnknownModelError(
            f"Unknown model {name!r}.{hint} Known models: {', '.join(sorted(_REGISTRY))}."
        )
    return _REGISTRY[name]


def model_card(name: str) -> dict[str, Any]:
    """Task, inputs, outputs, default hyperparameters, reference and loaders."""
    return _get(name).as_dict()


def create_model(name: str, **overrides: Any):
    """A new, unfitted zoo model: the registered defaults with `overrides` on top."""
    card = _get(name)
    return card.model_class(name=name, **{**card.defaults, **overrides})


def class_path(klass: type) -> str:
    """`module.QualName` of `klass`, as files record it (for information only)."""
    return f"{klass.__module__}.{klass.__qualname__}"


def model_class(name: str, recorded_class: str | None = None) -> type:
    """The class registered under `name`.

    Nothing named in a file is ever imported: a model resolves only through
    the registry. `recorded_class` (the `"class"` a saved file carries, if
    any) is compared with the registered class's path, never imported.

    Raises:
        UnknownModelError: `name` is not a registered model.
        ValueError: `recorded_class` is not the registered class's path.
    """
    klass = _get(name).model_class
    if recorded_class is not None and recorded_class != class_path(klass):
        raise ValueError(
            f"class {recorded_class!r} is not the class registered as {name!r} "
            f"({class_path(klass)})"
        )
    return klass
