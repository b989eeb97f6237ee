"""Batches of utterances for the speech networks, NumPy only (the runtime uses them)."""

from __future__ import annotations

import numpy as np


def pack_targets(frames: np.ndarray, labels: list[np.ndarray]) -> np.ndarray:
    """`[n, 1 + longest label]`: output frames, then the label ids padded with 0."""
    width = max(1, max((len(lab) for lab in labels), default=1))
    packed = np.zeros((len(labels), 1 + width), np.int32)
    packed[:, 0] = frames
    for row, lab in enumerate(labels):
        packed[row, 1 : 1 + len(lab)] = lab
    return packed


def output_frames(frames: int | np.ndarray, subsample_layers: int) -> np.ndarray:
    """Frames left after `subsample_layers` rounds of 2x subsampling (`ceil` each)."""
    frames = np.asarray(frames, np.int64)
    for _ in range(subsample_layers):
        frames = -(-frames // 2)
    return frames


def pad_batch(frames: list[np.ndarray]) -> np.ndarray:
    """Pads `[t_i, F]` feature arrays with zeros (masked by the network) to `[n, T, F]`."""
    longest = max(len(f) for f in frames)
    batch = np.zeros((len(frames), longest, frames[0].shape[1]), np.float32)
    for row, f in enumerate(frames):
        batch[row, : len(f)] = f
    return batch
