"""How `lstm-zoo predict` reads a family's inputs and shows its predictions.

The command is generic: it loads a bundle, asks the model's family for its `cli` part
(`zoo.family.family_for(predictor.model).resolve("cli")`) and hands it what the user
typed. A family registers `cli="zoo.models.<family>.cli:COMMAND_LINE"`, an object that
follows this protocol (subclass `PredictCommandLine` to get `predict_options` and `json`):

`options: dict[str, str]`
    The `predict` command's options the family takes, as `{option: predict keyword}`
    (translation: `{"beam": "beam_width"}`; sentiment and forecasting: `{}`). The
    command collects every family option the user gave (unset ones are None) and calls
    `predict_options(given, model)`, which maps them to keyword arguments of
    `predictor.predict` and refuses, in one line naming the option, one the family does
    not take. A family with an option of its own adds it to the command's signature.

`inputs(texts: list[str], file: Path | None, predictor) -> Any`
    What to pass to `predictor.predict`, from the command's TEXT arguments and its
    `--file` (already checked not to be a directory). Raises `ValueError` (or
    `FileNotFoundError`) with a one-line message naming the argument or option
    ("text argument 2 is empty", "pass --file SERIES.csv", the file and line).

`show(inputs, results) -> list[str]`
    The lines to print for `results = predictor.predict(inputs, **options)`.

`json(results) -> Any`
    `results` as JSON-serialisable data (`--json`); the default turns NumPy arrays into
    lists (dates as ISO strings).

Nothing here imports TensorFlow: the command runs on the TensorFlow-free runtime.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: The most `--file` may hold (texts or sentences, one per line).
MAX_TEXT_BYTES = 64 * 1024 * 1024

__all__ = [
    "MAX_TEXT_BYTES",
    "PredictCommandLine",
    "TextCommandLine",
    "jsonable",
    "read_text_lines",
]


def jsonable(value: Any) -> Any:
    """`value` with NumPy arrays and scalars as plain lists and numbers (dates as strings)."""
    import numpy as np

    if isinstance(value, np.ndarray):
        if value.dtype.kind == "M":
            return [str(v) for v in value]
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def read_text_lines(path: Path, limit: int = MAX_TEXT_BYTES) -> list[str]:
    """The non-blank lines of the UTF-8 text file `path`, read with a size bound.

    Raises:
        FileNotFoundError: no such file.
        ValueError: a directory or other non-file, a file past `limit`, bytes that
            are not UTF-8 or a NUL byte; the message names the file, line and column.
    """
    from zoo.jsonfile import read_bounded

    data = read_bounded(path, limit, ValueError, what="text file (--file)")
    lines = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValueError(
                f"{path}: line {number}, column {error.start + 1}: not UTF-8 text "
                f"(byte 0x{raw[error.start]:02x}); save the file as UTF-8"
            ) from None
        if "\x00" in line:
            raise ValueError(
                f"{path}: line {number}, column {line.index(chr(0)) + 1}: a NUL byte; "
                "--file expects a text file"
            )
        if number == 1:
            line = line.removeprefix("\ufeff")
        line = line.rstrip("\r")
        if line.strip():
            lines.append(line)
    return lines


class PredictCommandLine:
    """Base of a family's `cli` part (see the module docstring for the protocol).

    Args:
        options: the command's options the family takes, `{option: predict keyword}`.
    """

    def __init__(self, options: dict[str, str] | None = None) -> None:
        self.options = dict(options or {})

    def predict_options(self, given: dict[str, Any], model: str = "this model") -> dict[str, Any]:
        """Keyword arguments of `predict` for the options the user gave (not None).

        Raises:
            ValueError: an option the family does not take, naming it.
        """
        kwargs = {}
        for option, value in given.items():
            if value is None:
                continue
            if option not in self.options:
                takes = ", ".join(f"--{o}" for o in sorted(self.options)) or "no options"
                raise ValueError(f"--{option} does not apply to {model} (it takes {takes})")
            kwargs[self.options[option]] = value
        return kwargs

    def inputs(self, texts: list[str], file: Path | None, predictor: Any) -> Any:
        raise NotImplementedError

    def show(self, inputs: Any, results: Any) -> list[str]:
        raise NotImplementedError

    def json(self, results: Any) -> Any:
        return jsonable(results)


class TextCommandLine(PredictCommandLine):
    """Inputs of a family that predicts from texts: the TEXT arguments, then the
    non-blank lines of `--file` (UTF-8, at most `MAX_TEXT_BYTES`)."""

    def inputs(self, texts: list[str], file: Path | None, predictor: Any) -> list[str]:
        """The texts to predict for.

        Raises:
            ValueError: an empty TEXT argument (naming its 1-based position), a `--file`
                that is not UTF-8 text (naming the line and column), or no texts at all.
        """
        texts = list(texts or [])
        blank = [index for index, text in enumerate(texts, start=1) if not text.strip()]
        if blank:
            raise ValueError(f"text argument {blank[0]} is empty: nothing to predict from")
        if file is not None:
            texts += read_text_lines(file)
        if not texts:
            raise ValueError("nothing to predict: give texts as arguments or --file")
        return texts
