"""The translation family's part of `lstm-zoo predict` (protocol: `zoo.models.predict_cli`):
sentences in, one translation per line out; `--beam` sets the beam width."""

from __future__ import annotations

from zoo.models.predict_cli import TextCommandLine


class TranslationCommandLine(TextCommandLine):
    """Prints one translation per sentence; takes `--beam` (the `beam_width` of `predict`)."""

    def show(self, inputs: list[str], results: list[str]) -> list[str]:
        return [str(result) for result in results]


COMMAND_LINE = TranslationCommandLine(options={"beam": "beam_width"})
