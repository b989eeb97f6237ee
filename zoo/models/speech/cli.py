"""The speech family's part of `lstm-zoo predict`: audio files in, one transcript each.

`lstm-zoo predict BUNDLE a.wav b.flac [--file list.txt] [--beam 8]` prints
`transcript<TAB>file` per recording (`--file`: audio paths, one per line, relative to
the list's folder).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from zoo.models.predict_cli import PredictCommandLine, read_text_lines


class SpeechCommandLine(PredictCommandLine):
    def inputs(self, texts: list[str], file: Path | None, predictor: Any) -> list[str]:
        paths = []
        for index, text in enumerate(texts or [], start=1):
            if not text.strip():
                raise ValueError(f"audio argument {index} is empty: give an audio file path")
            paths.append(text)
        if file is not None:
            for line in read_text_lines(file):
                path = Path(line.strip())
                paths.append(str(path if path.is_absolute() else file.parent / path))
        if not paths:
            raise ValueError("nothing to transcribe: give audio files as arguments or --file")
        for index, path in enumerate(paths, start=1):
            if not Path(path).is_file():
                raise ValueError(f"audio file {index} not found: {path}")
        return paths

    def show(self, inputs: list[str], results: list[str]) -> list[str]:
        return [f"{text}\t{path}" for path, text in zip(inputs, results, strict=True)]


COMMAND_LINE = SpeechCommandLine({"beam": "beam_width"})
