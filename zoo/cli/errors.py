"""One-line errors for the command line: bad input never prints a traceback."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import typer


def user_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that mean "your input is wrong" rather than "a bug"."""
    from zoo.data.errors import DataError, MissingDataError
    from zoo.registry import UnknownModelError

    return (DataError, MissingDataError, UnknownModelError, FileNotFoundError, ValueError)


def one_line_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Runs `command`; a user error prints `error: <message>` on stderr and exits 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except user_errors() as error:
            message = " ".join(str(error).split()) or type(error).__name__
            print(f"error: {message}", file=sys.stderr)
            raise typer.Exit(2) from None

    return wrapper


def parse_overrides(items: list[str] | None, model: str) -> dict[str, Any]:
    """`--set KEY=VALUE` items for the registered `model` -> a dict of hyperparameters.

    Each value is read against the hyperparameter's declared type (`hparam_specs` of the
    model's class, see `zoo.hparams`): `targets=load,temp` or `targets=["load"]` is a
    list, `relative=no` is False (true/false, yes/no, on/off, 1/0), `horizon=seven` is an
    error naming the key and the expected type; the value is then checked against the
    declared range. A hyperparameter without a spec reads as JSON, else as text.

    Raises:
        ValueError: a malformed item, an unknown key (with suggestions), a value of the
            wrong type or out of range; the message names the `--set` item.
        UnknownModelError: `model` is not registered.
    """
    import difflib
    import json

    from zoo.hparams import HyperparameterError
    from zoo.registry import model_card, model_class

    if not items:
        return {}
    known = model_card(model)["hyperparameters"]
    specs = model_class(model).hparam_specs
    overrides: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ValueError(f"--set expects KEY=VALUE; received {item!r}.")
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=3, cutoff=0.5)
            hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise ValueError(
                f"--set {item}: {model} has no hyperparameter {key!r}.{hint} "
                f"Known: {', '.join(sorted(known))}."
            )
        spec = specs.get(key)
        if spec is None:
            try:
                overrides[key] = json.loads(raw)
            except json.JSONDecodeError:
                overrides[key] = raw
            continue
        try:
            overrides[key] = spec.check(key, spec.parse(raw))
        except HyperparameterError:
            raise ValueError(f"--set {item}: {key} must be {spec.describe()}.") from None
        except ValueError as error:
            raise ValueError(f"--set {item}: {error}.") from None
    return overrides
