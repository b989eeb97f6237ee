"""The sentiment family's part of `lstm-zoo predict`: texts in, one line per text out.

The family `cli` protocol (full text in `zoo.models.predict_cli`; every family's
`zoo/models/<family>/cli.py` defines `COMMAND_LINE` to it, registered as
`cli="zoo.models.<family>.cli:COMMAND_LINE"`):

* `options: dict[str, str]`: the `predict` command's options the family takes, mapped
  to `predict` keywords (`{"beam": "beam_width"}` for translation, `{}` here);
  `predict_options(given, model)` maps the ones a user gave and refuses the others;
* `inputs(texts: list[str], file: Path | None, predictor) -> Any`: what to pass to
  `predictor.predict`, from the TEXT arguments and `--file`; raises `ValueError` with a
  one-line message naming the argument or option;
* `show(inputs, results) -> list[str]`: the lines printed;
* `json(results) -> Any`: the `--json` output (plain lists and numbers).

Subclass `zoo.models.predict_cli.PredictCommandLine` (or `TextCommandLine` for texts).
"""

from __future__ import annotations

from typing import Any

from zoo.models.predict_cli import TextCommandLine


class SentimentCommandLine(TextCommandLine):
    """Prints `label<TAB>probability<TAB>text` for each text."""

    def show(self, inputs: list[str], results: list[dict[str, Any]]) -> list[str]:
        lines = []
        for text, result in zip(inputs, results, strict=True):
            best = result["probabilities"][result["label"]]
            lines.append(f"{result['label']}\t{best:.4f}\t{text}")
        return lines


COMMAND_LINE = SentimentCommandLine()
