"""The NER family's part of `lstm-zoo predict`: texts in, their entities out.

Each text prints as `TEXT` followed by one line per entity, `  start-end<TAB>TYPE<TAB>text`
(character offsets, end exclusive); `--json` gives, per text, its tokens, tags and
entities with `text`, `type`, `start` and `end`.
"""

from __future__ import annotations

from typing import Any

from zoo.models.predict_cli import TextCommandLine


class EntityCommandLine(TextCommandLine):
    """Prints each text, then its entities with their character spans and types."""

    def show(self, inputs: list[str], results: list[dict[str, Any]]) -> list[str]:
        lines = []
        for text, result in zip(inputs, results, strict=True):
            lines.append(text)
            for entity in result["entities"]:
                lines.append(
                    f"  {entity['start']}-{entity['end']}\t{entity['type']}\t{entity['text']}"
                )
            if not result["entities"]:
                lines.append("  (no entities)")
        return lines


COMMAND_LINE = EntityCommandLine()
