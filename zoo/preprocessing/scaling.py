"""Per-column standardisation in NumPy (no TensorFlow), fitted on the training split only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["StandardScaler"]


class StandardScaler:
    """Scale each column (the last axis) to zero mean and unit variance.

    Fit it on the training split only, then apply the same statistics to validation and
    test data, so no information from the future leaks into training.

    A column whose standard deviation is below ``min_scale`` (e.g. constant) gets a scale of
    1.0: it is only centred, never divided by ~0.

    Args:
        min_scale: Smallest standard deviation treated as non-zero.
    """

    def __init__(self, min_scale: float = 1e-8) -> None:
        self.min_scale = float(min_scale)
        self.mean_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None

    @property
    def is_fitted(self) -> bool:
        """Whether :meth:`fit` (or :meth:`from_config`) has set the statistics."""
        return self.mean_ is not None

    @property
    def num_features(self) -> int:
        """Number of columns the scaler was fitted on."""
        mean, _ = self._stats()
        return int(mean.shape[0])

    def fit(self, x: np.ndarray) -> StandardScaler:
        """Compute per-column mean and standard deviation over every axis but the last.

        Args:
            x: ``[T]`` (one column) or ``[..., F]``; must be finite.

        Returns:
            ``self``.
        """
        array = np.asarray(x, dtype=np.float64)
        if array.ndim == 1:
            array = array[:, None]
        if array.size == 0:
            raise ValueError("cannot fit a StandardScaler on an empty array")
        if not np.isfinite(array).all():
            raise ValueError("cannot fit a StandardScaler on NaN or infinite values")
        flat = array.reshape(-1, array.shape[-1])
        std = flat.std(axis=0)
        self.mean_ = flat.mean(axis=0)
        self.scale_ = np.where(std < self.min_scale, 1.0, std)
        return self

    def transform(self, x: np.ndarray, columns: Sequence[int] | None = None) -> np.ndarray:
        """``(x - mean) / scale`` along the last axis.

        Args:
            x: ``[T]`` or ``[..., F]`` (or ``[..., len(columns)]``).
            columns: Indices of the fitted columns that ``x``'s last axis holds, e.g. the
                target columns of ``Y`` windows; ``None`` means all.

        Returns:
            An array of ``x``'s shape; floating inputs keep their dtype, others give float64.
        """
        mean, scale = self._select(columns)
        array = self._check(x, mean.shape[0])
        return ((array - mean) / scale).astype(_out_dtype(x), copy=False)

    def inverse_transform(self, x: np.ndarray, columns: Sequence[int] | None = None) -> np.ndarray:
        """``x * scale + mean``, undoing :meth:`transform` (same arguments)."""
        mean, scale = self._select(columns)
        array = self._check(x, mean.shape[0])
        return (array * scale + mean).astype(_out_dtype(x), copy=False)

    def fit_transform(self, x: np.ndarray) -> np.ndarray:
        """:meth:`fit` then :meth:`transform` (use on the training split only)."""
        return self.fit(x).transform(x)

    def to_config(self) -> dict[str, Any]:
        """JSON-serialisable statistics."""
        mean, scale = self._stats()
        return {
            "class_name": "StandardScaler",
            "min_scale": self.min_scale,
            "mean": mean.tolist(),
            "scale": scale.tolist(),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> StandardScaler:
        """Rebuild a fitted scaler from :meth:`to_config` output."""
        if config.get("class_name", "StandardScaler") != "StandardScaler":
            raise ValueError(f"not a StandardScaler config: {config.get('class_name')!r}")
        scaler = cls(config.get("min_scale", 1e-8))
        scaler.mean_ = np.asarray(config["mean"], dtype=np.float64)
        scaler.scale_ = np.asarray(config["scale"], dtype=np.float64)
        if scaler.mean_.shape != scaler.scale_.shape or scaler.mean_.ndim != 1:
            raise ValueError("mean and scale must be 1-D lists of the same length")
        if (scaler.scale_ <= 0).any():
            raise ValueError("scale values must be positive")
        return scaler

    def _stats(self) -> tuple[np.ndarray, np.ndarray]:
        if self.mean_ is None or self.scale_ is None:
            raise RuntimeError("the StandardScaler is not fitted: call fit() on training data")
        return self.mean_, self.scale_

    def _select(self, columns: Sequence[int] | None) -> tuple[np.ndarray, np.ndarray]:
        mean, scale = self._stats()
        if columns is None:
            return mean, scale
        index = np.asarray(columns, dtype=np.int64).reshape(-1)
        if index.size and (index.min() < -len(mean) or index.max() >= len(mean)):
            raise IndexError(f"columns {index.tolist()} out of range for {len(mean)} features")
        return mean[index], scale[index]

    @staticmethod
    def _check(x: np.ndarray, width: int) -> np.ndarray:
        array = np.asarray(x, dtype=np.float64)
        if array.ndim == 1 and width == 1:
            return array
        if array.ndim == 0 or array.shape[-1] != width:
            raise ValueError(f"expected a last axis of {width} features, got shape {array.shape}")
        return array


def _out_dtype(x: np.ndarray) -> np.dtype:
    dtype = np.asarray(x).dtype
    return dtype if np.issubdtype(dtype, np.floating) else np.dtype(np.float64)
