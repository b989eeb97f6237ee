"""The attention heatmap of one translated sentence (source × target tokens)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


def plot_attention(
    source_tokens: list[str],
    target_tokens: list[str],
    weights: np.ndarray,
    path: str | os.PathLike[str],
    reference: str | None = None,
) -> Path:
    """A heatmap of ``weights[t, i]`` (output token ``t`` × source token ``i``), as PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    weights = np.asarray(weights, dtype=float)
    rows, cols = weights.shape
    fig = Figure(figsize=(1.0 + 0.55 * max(cols, 4), 1.4 + 0.42 * max(rows, 3)))
    ax = fig.add_subplot()
    image = ax.imshow(weights, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_xticks(range(cols), source_tokens[:cols], rotation=60, ha="right")
    ax.set_yticks(range(rows), target_tokens[:rows])
    ax.set_xlabel("source tokens")
    ax.set_ylabel("output tokens")
    for t in range(rows):
        for i in range(cols):
            if weights[t, i] >= 0.25:
                ax.text(
                    i,
                    t,
                    f"{weights[t, i]:.2f}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="black" if weights[t, i] > 0.6 else "white",
                )
    title = "Attention weights (greedy decoding)"
    if reference:
        title += f"\nreference: {reference}"
    ax.set_title(title, fontsize=9)
    fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02, label="weight")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    FigureCanvasAgg(fig)
    fig.savefig(path, format="png", dpi=110, bbox_inches="tight")
    return path
