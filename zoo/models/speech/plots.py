"""`plot_alignment`: a recording's log-mel spectrogram above its CTC posteriors."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from zoo.models.speech.ctc import BLANK


def plot_alignment(
    model: Any,
    audio: np.ndarray,
    log_probs: np.ndarray,
    path: str | os.PathLike[str],
    reference: str | None = None,
) -> Path:
    """Writes a PNG: the features over time, then each character's posterior per output
    frame (blank in grey), with the greedy path's characters written where they fire."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    features = model.features.log_mel(audio)
    hop = model.features.hop / model.features.sample_rate
    step = hop * model.subsampling()
    probs = np.exp(log_probs)
    times = np.arange(len(probs)) * step
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 5.5), sharex=True)
    top.imshow(
        features.T,
        origin="lower",
        aspect="auto",
        extent=(0, len(features) * hop, 0, features.shape[1]),
        cmap="magma",
    )
    top.set_ylabel("mel filter")
    hypothesis = model.decode(log_probs)
    title = f"hypothesis: {hypothesis!r}"
    if reference is not None:
        title = f"reference: {reference!r}   {title}"
    top.set_title(title, fontsize=9)
    bottom.plot(times, probs[:, BLANK], color="0.7", lw=1, label="blank")
    best = np.argmax(probs, axis=1)
    for c in np.unique(best):
        if c == BLANK:
            continue
        bottom.plot(times, probs[:, c], lw=1)
    previous = BLANK
    for t, c in enumerate(best):
        if c != BLANK and c != previous:
            char = model.alphabet.characters[c - 1]
            bottom.text(
                times[t],
                min(1.02, probs[t, c] + 0.03),
                "␣" if char == " " else char,
                ha="center",
                fontsize=8,
            )
        previous = c
    bottom.set_ylim(0, 1.12)
    bottom.set_xlabel("seconds")
    bottom.set_ylabel("CTC posterior")
    bottom.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
