"""Declared types and ranges of the zoo models' hyperparameters.

Each model class lists its hyperparameters in `hparam_specs`, beside `default_hparams`:

    hparam_specs = {
        "units": integer(1),                 # an integer >= 1
        "dropout": number(0, 1, high_open=True),   # a number in [0, 1)
        "bidirectional": boolean(),
        "targets": names(optional=True),     # a list of names, or None
        "skip": choice("seasonal", "last", "none", optional=True),
    }

`ZooModel.__init__` checks every value against its spec (`Spec.check`), so a bad value
raises `HyperparameterError` (a `ValueError`) naming the hyperparameter, the value and
what is allowed, before Keras sees it. `Spec.parse` reads a value from the text of a
command-line `--set KEY=VALUE`.
"""

from __future__ import annotations

import json
import math
import numbers
from dataclasses import dataclass
from typing import Any

#: The texts `boolean()` reads as True and as False (case-insensitive).
TRUE = ("true", "yes", "on", "1")
FALSE = ("false", "no", "off", "0")
#: The texts an optional hyperparameter reads as None.
NONE = ("none", "null")


class HyperparameterError(ValueError):
    """A hyperparameter value of the wrong type or outside its range."""


def _number_text(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class Spec:
    """The type and range of one hyperparameter.

    Attributes:
        kind: "int", "float", "bool", "choice", "names" (a list of strings) or
            "numbers" (a list of numbers).
        low, high: the bounds of a number (of each element of "numbers"); None: open.
        low_open, high_open: whether a bound itself is excluded.
        choices: the values of a "choice".
        optional: None is allowed too.
    """

    kind: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple[Any, ...] = ()
    optional: bool = False

    # -- descriptions -------------------------------------------------------------------
    def _range(self) -> str:
        low, high = self.low, self.high
        if low is not None and high is not None:
            left, right = "(" if self.low_open else "[", ")" if self.high_open else "]"
            return f" in {left}{_number_text(low)}, {_number_text(high)}{right}"
        if low is not None:
            return f" {'>' if self.low_open else '>='} {_number_text(low)}"
        if high is not None:
            return f" {'<' if self.high_open else '<='} {_number_text(high)}"
        return ""

    def describe(self) -> str:
        """What is allowed, in words ("an integer >= 1", "a number in [0, 1)")."""
        if self.kind == "int":
            text = "an integer" + self._range()
        elif self.kind == "float":
            text = "a number" + self._range()
        elif self.kind == "bool":
            text = "true or false"
        elif self.kind == "choice":
            text = "one of " + ", ".join(repr(c) for c in self.choices if isinstance(c, str))
        elif self.kind == "names":
            text = 'a non-empty list of names (a,b or ["a","b"])'
        else:
            text = "a non-empty list of numbers" + (
                f", each{self._range()}" if self._range() else ""
            )
        return text + (" or None" if self.optional else "")

    # -- checks -------------------------------------------------------------------------
    def _in_range(self, value: float) -> bool:
        if not math.isfinite(value):
            return False
        low, high = self.low, self.high
        if low is not None and (value < low or (self.low_open and value == low)):
            return False
        return high is None or not (value > high or (self.high_open and value == high))

    def _number(self, value: Any, integral: bool) -> int | float | None:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return None
        if integral:
            if isinstance(value, numbers.Integral):
                return int(value)
            if math.isfinite(float(value)) and float(value).is_integer():
                return int(value)
            return None
        return float(value)

    def normalise(self, value: Any) -> Any:
        """`value` in its plain form (numpy scalars to Python, integral floats of an
        integer to int), or raises `TypeError`/`ValueError` when it does not fit."""
        if value is None:
            if self.optional:
                return None
            raise ValueError("None is not allowed")
        if self.kind in ("int", "float"):
            number = self._number(value, self.kind == "int")
            if number is None or not self._in_range(number):
                raise ValueError("out of range")
            return number
        if self.kind == "bool":
            if isinstance(value, bool) or type(value).__name__ == "bool_":
                return bool(value)
            raise ValueError("not a boolean")
        if self.kind == "choice":
            for choice in self.choices:
                if type(choice) is type(value) and choice == value:
                    return value
            raise ValueError("not a choice")
        if not isinstance(value, (list, tuple)) or not value:
            raise ValueError("not a non-empty list")
        if self.kind == "names":
            if not all(isinstance(v, str) and v for v in value):
                raise ValueError("not names")
            return value
        items = [self._number(v, False) for v in value]
        if any(v is None or not self._in_range(v) for v in items):
            raise ValueError("not numbers in range")
        return value

    def check(self, name: str, value: Any) -> Any:
        """`normalise(value)`, or `HyperparameterError` naming `name` and the range."""
        try:
            return self.normalise(value)
        except (TypeError, ValueError):
            raise HyperparameterError(
                f"hyperparameter {name} must be {self.describe()}; received {value!r}."
            ) from None

    # -- command-line text --------------------------------------------------------------
    def parse(self, text: str) -> Any:
        """The value of a command-line text; raises `ValueError` ("expected ...")."""
        raw = text.strip()
        if self.kind == "choice":
            for choice in self.choices:
                if isinstance(choice, str) and choice == raw:
                    return choice
        if self.optional and raw.lower() in NONE:
            return None
        try:
            return self._parse(raw)
        except (TypeError, ValueError):
            raise ValueError(self.expected()) from None

    def _parse(self, raw: str) -> Any:
        if self.kind == "int":
            return int(raw)
        if self.kind == "float":
            return float(raw)
        if self.kind == "bool":
            if raw.lower() in TRUE + FALSE:
                return raw.lower() in TRUE
            raise ValueError(raw)
        if self.kind == "choice":
            raise ValueError(raw)
        items = _list_items(raw)
        if self.kind == "names":
            return [str(item) for item in items]
        return [float(item) for item in items]

    def expected(self) -> str:
        """The message of a text that does not parse ("expected an integer >= 1")."""
        if self.kind == "bool":
            return "expected true or false (or yes/no, on/off, 1/0)"
        return f"expected {self.describe()}"


def _list_items(raw: str) -> list[Any]:
    """`a,b`, `[\"a\", \"b\"]` or a single `a` -> the items."""
    if raw.startswith("["):
        items = json.loads(raw)  # a JSONDecodeError is a ValueError
        if not isinstance(items, list):
            raise ValueError(raw)
        return items
    return [item.strip() for item in raw.split(",") if item.strip()]


def integer(low: int | None = None, high: int | None = None, *, optional: bool = False) -> Spec:
    """An integer within `[low, high]`."""
    return Spec("int", low=low, high=high, optional=optional)


def number(
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
    optional: bool = False,
) -> Spec:
    """A finite number within its bounds (`*_open`: the bound itself excluded)."""
    return Spec("float", low, high, low_open, high_open, optional=optional)


def boolean() -> Spec:
    """True or False."""
    return Spec("bool")


def choice(*values: Any, optional: bool = False) -> Spec:
    """One of `values`."""
    return Spec("choice", choices=tuple(values), optional=optional)


def names(*, optional: bool = False) -> Spec:
    """A non-empty list of non-empty strings."""
    return Spec("names", optional=optional)


def numbers_list(
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> Spec:
    """A non-empty list of numbers, each within the bounds."""
    return Spec("numbers", low, high, low_open, high_open)


#: Specs shared by every family.
LEARNING_RATE = number(0, low_open=True)
DROPOUT = number(0, 1, high_open=True)
FRACTION = number(0, 1, high_open=True)
SEED = integer(0, 2**32 - 1)


def check_hparams(owner: str, specs: dict[str, Spec], values: dict[str, Any]) -> dict[str, Any]:
    """`values` with each one checked against its spec (hyperparameters without one are
    kept as they are); `owner` names the model in the messages."""
    checked = dict(values)
    for key, value in values.items():
        spec = specs.get(key)
        if spec is not None:
            try:
                checked[key] = spec.check(key, value)
            except HyperparameterError as error:
                raise HyperparameterError(f"{owner}: {error}") from None
    return checked
