"""The tagger's pictures: the CRF transition matrix and the gates over one sentence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np


def plot_transitions(model: Any, path: str | Path, ax: Any = None) -> Path | Any:
    """The CRF's transition scores (from row tag to column tag) as a heatmap; into `ax`
    (returned) when given, else a PNG at `path`."""
    from matplotlib.figure import Figure

    transitions, _, _ = model.crf_weights()
    tags = model.preprocessor.tags
    fig = None
    if ax is None:
        fig = Figure(figsize=(1.0 + 0.55 * len(tags), 0.8 + 0.5 * len(tags)))
        ax = fig.subplots()
    bound = float(np.abs(transitions).max()) or 1.0
    image = ax.imshow(transitions, cmap="RdBu_r", vmin=-bound, vmax=bound)
    ax.set_xticks(range(len(tags)), tags, rotation=60, ha="right")
    ax.set_yticks(range(len(tags)), tags)
    ax.set_xlabel("to tag")
    ax.set_ylabel("from tag")
    ax.set_title("CRF transition scores")
    ax.figure.colorbar(image, ax=ax)
    if fig is None:
        return ax
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return path


def sentence_gates(model: Any, tokens: list[str]):
    """The `GateTrace` of the first word-level BiLSTM's forward LSTM over `tokens`."""
    import zoo.layers as zl

    arrays = model.preprocessor.transform([tokens])
    traces = zl.trace_gates(model.network, [arrays[n] for n in model.preprocessor.input_names()])
    name = next(k for k in traces if "char" not in k)
    trace = traces[name]
    trace.gates = {k: v[:, : len(tokens)] for k, v in trace.gates.items()}
    return trace


def plot_sentence_gates(model: Any, tokens: list[str], path: str | Path) -> Path:
    import zoo.layers as zl

    return zl.plot_gates(
        sentence_gates(model, list(tokens)), Path(path), tokens=tokens, max_units=24
    )
