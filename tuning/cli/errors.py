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


def parse_overrides(items: list[str] | None) -> dict[str, Any]:
    """`["units=32", "bidirectional=true", "quantiles=[0.1,0.9]"]` -> a dict (JSON values)."""
    import json

    overrides: dict[str, Any] = {}
    for item in items or []:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--set expects KEY=VALUE; received {item!r}.")
        try:
            overrides[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            overrides[key.strip()] = raw
    return overrides
