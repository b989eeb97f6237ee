"""Argument checks shared by the zoo cells and layers: each names the argument."""

from __future__ import annotations

from typing import Any


def check_units(name: str, value: Any) -> int:
    """Returns `value` as an int, or raises naming the argument and value."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(
            f"Argument `{name}` must be a positive integer; received {name}={value!r}."
        )
    return value


def check_rate(name: str, value: Any) -> float:
    """Returns a dropout rate in [0, 1), or raises naming the argument and value."""
    try:
        rate = float(value)
    except (TypeError, ValueError):
        rate = None
    if rate is None or not 0.0 <= rate < 1.0:
        raise ValueError(f"Argument `{name}` must be a float in [0, 1); received {name}={value!r}.")
    return rate


def check_implementation(value: Any) -> int:
    """Returns Keras' `implementation` (1 or 2), or raises naming the value."""
    if isinstance(value, bool) or value not in (1, 2):
        raise ValueError(
            f"Argument `implementation` must be 1 or 2; received implementation={value!r}."
        )
    return int(value)


def check_choice(name: str, value: Any, allowed: tuple) -> Any:
    """Returns `value` if it is one of `allowed` (compared by identity for
    booleans), or raises naming the argument, the value and the choices."""
    for choice in allowed:
        if type(choice) is type(value) and choice == value:
            return value
    raise ValueError(
        f"Argument `{name}` must be one of {', '.join(repr(c) for c in allowed)}; "
        f"received {name}={value!r}."
    )
