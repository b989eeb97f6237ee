"""Reference baselines in NumPy: naive forecasts and a bag-of-words sentiment classifier.

The forecasting baselines work on one series or on a batch of windows from
:func:`zoo.preprocessing.windows.make_windows`; the classifier is the order-blind yardstick
that the LSTM sentiment models must beat on negation and contrast.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from zoo.preprocessing.text import UNK_ID, Tokenizer

__all__ = ["BagOfWordsClassifier", "naive_forecast", "seasonal_naive_forecast"]


def _targets(history: ArrayLike, target_index: int | Sequence[int] | None) -> np.ndarray:
    """``history`` as ``[..., T, n_targets]`` (a 1-D series becomes ``[T, 1]``)."""
    array = np.asarray(history, dtype=np.float32)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim not in (2, 3):
        raise ValueError(f"history must be [T], [T, F] or [N, T, F], got shape {array.shape}")
    if array.shape[-2] == 0:
        raise ValueError("history is empty")
    if target_index is not None:
        array = array[..., np.atleast_1d(np.asarray(target_index, dtype=np.int64))]
    return array


def _shape_like(forecast: np.ndarray, history: ArrayLike) -> np.ndarray:
    return forecast[:, 0] if np.ndim(history) == 1 else forecast


def naive_forecast(
    history: ArrayLike, horizon: int, target_index: int | Sequence[int] | None = None
) -> np.ndarray:
    """Repeat the last observed value for ``horizon`` steps.

    Args:
        history: A series ``[T]`` / ``[T, F]``, or windows ``[N, T, F]`` (e.g. ``X`` from
            ``make_windows``, whose last axis may also hold covariates).
        horizon: Steps to forecast.
        target_index: Column(s) of the last axis to forecast; ``None`` = all.

    Returns:
        ``[horizon]``, ``[horizon, n_targets]`` or ``[N, horizon, n_targets]`` (float32).
    """
    if horizon < 1:
        raise ValueError(f"horizon must be >= 1, got {horizon}")
    array = _targets(history, target_index)
    last = array[..., -1:, :]
    reps = (1,) * (array.ndim - 2) + (horizon, 1)
    return _shape_like(np.tile(last, reps), history)


def seasonal_naive_forecast(
    history: ArrayLike,
    horizon: int,
    season: int,
    target_index: int | Sequence[int] | None = None,
) -> np.ndarray:
    """Repeat the last full season: ``forecast[h] = history[T - season + (h mod season)]``.

    Same arguments and shapes as :func:`naive_forecast`, plus ``season`` (e.g. 24 for hourly
    data with a daily cycle); needs ``T >= season``.
    """
    if horizon < 1 or season < 1:
        raise ValueError(f"horizon and season must be >= 1, got {horizon}, {season}")
    array = _targets(history, target_index)
    length = array.shape[-2]
    if length < season:
        raise ValueError(f"history has {length} steps, fewer than season={season}")
    steps = length - season + (np.arange(horizon) % season)
    return _shape_like(np.take(array, steps, axis=-2), history)


class BagOfWordsClassifier:
    """Multinomial logistic regression on bag-of-words features, in NumPy.

    Features are binary word presence (or counts) over the vocabulary of a
    :class:`zoo.preprocessing.text.Tokenizer`; out-of-vocabulary words are ignored. Training
    minimises mean cross-entropy + ``l2 / 2 * ||W||^2`` (bias not penalised) with full-batch
    Adam from zero weights, so results are deterministic. Features are kept sparse (token
    ids per document), so memory grows with the number of tokens, not ``N x vocabulary``.

    Because it ignores word order, it cannot tell "good acting but a terrible plot" from
    "terrible acting but a good plot", and a linear model cannot flip the sign of every
    adjective after "not" (an XOR) -- the gap the sequence models should close.

    Args:
        max_tokens: Vocabulary size (reserved tokens included).
        min_count: Minimum token count to enter the vocabulary.
        binary: Presence (True) or counts (False).
        l2: L2 penalty on the weights.
        learning_rate: Adam step size.
        epochs: Maximum full-batch steps.
        tol: Stop when the largest gradient entry falls below this.
    """

    def __init__(
        self,
        max_tokens: int | None = 20000,
        min_count: int = 1,
        binary: bool = True,
        l2: float = 1e-3,
        learning_rate: float = 0.1,
        epochs: int = 300,
        tol: float = 1e-5,
    ) -> None:
        self.max_tokens = max_tokens
        self.min_count = min_count
        self.binary = binary
        self.l2 = l2
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.tol = tol
        self.tokenizer: Tokenizer | None = None
        self.weights_: np.ndarray | None = None
        self.bias_: np.ndarray | None = None
        self.n_iter_ = 0

    def _features(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sparse rows as (document index, token id, value) triplets."""
        assert self.tokenizer is not None and self.tokenizer.vocabulary is not None
        vocabulary = self.tokenizer.vocabulary
        docs, toks, vals = [], [], []
        for row, text in enumerate(texts):
            ids = [vocabulary.id(t) for t in self.tokenizer.tokenize(text)]
            ids = np.array([i for i in ids if i > UNK_ID], dtype=np.int64)
            uniq, counts = np.unique(ids, return_counts=True)
            docs.append(np.full(uniq.size, row, dtype=np.int64))
            toks.append(uniq)
            vals.append(np.ones(uniq.size) if self.binary else counts.astype(np.float64))
        if not docs:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        return np.concatenate(docs), np.concatenate(toks), np.concatenate(vals)

    @staticmethod
    def _matmul(
        features: tuple[np.ndarray, np.ndarray, np.ndarray], w: np.ndarray, n: int
    ) -> np.ndarray:
        docs, toks, vals = features
        out = np.empty((n, w.shape[1]))
        for c in range(w.shape[1]):
            out[:, c] = np.bincount(docs, weights=vals * w[toks, c], minlength=n)
        return out

    def fit(
        self, texts: Sequence[str], labels: ArrayLike, num_classes: int | None = None
    ) -> BagOfWordsClassifier:
        """Fit the vocabulary and the weights. Returns ``self``."""
        texts = list(texts)
        y = np.asarray(labels, dtype=np.int64).reshape(-1)
        if len(texts) != y.size or y.size == 0:
            raise ValueError(
                f"need matching, non-empty texts and labels ({len(texts)} vs {y.size})"
            )
        if y.min() < 0:
            raise ValueError("labels must be >= 0 (unlabelled examples cannot be used to fit)")
        classes = int(y.max()) + 1 if num_classes is None else num_classes
        self.tokenizer = Tokenizer().fit(
            texts, max_tokens=self.max_tokens, min_count=self.min_count
        )
        features = self._features(texts)
        n, vocab = len(texts), self.tokenizer.vocab_size
        docs, toks, vals = features
        onehot = np.eye(classes)[y]
        w, b = np.zeros((vocab, classes)), np.zeros(classes)
        moments = [np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)]
        beta1, beta2, eps = 0.9, 0.999, 1e-8
        self.n_iter_ = 0
        for step in range(1, self.epochs + 1):
            grad_logits = (_softmax(self._matmul(features, w, n) + b) - onehot) / n
            grad_w = np.empty_like(w)
            for c in range(classes):
                grad_w[:, c] = np.bincount(
                    toks, weights=vals * grad_logits[docs, c], minlength=vocab
                )
            grad_w += self.l2 * w
            grad_b = grad_logits.sum(axis=0)
            self.n_iter_ = step
            if max(np.abs(grad_w).max(), np.abs(grad_b).max()) < self.tol:
                break
            for k, (param, grad) in enumerate(((w, grad_w), (b, grad_b))):
                m, v = moments[2 * k], moments[2 * k + 1]
                m *= beta1
                m += (1 - beta1) * grad
                v *= beta2
                v += (1 - beta2) * grad**2
                m_hat = m / (1 - beta1**step)
                v_hat = v / (1 - beta2**step)
                param -= self.learning_rate * m_hat / (np.sqrt(v_hat) + eps)
        self.weights_, self.bias_ = w, b
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities ``float64 [N, C]``."""
        if self.weights_ is None or self.bias_ is None:
            raise RuntimeError("the classifier is not fitted: call fit() first")
        texts = list(texts)
        logits = self._matmul(self._features(texts), self.weights_, len(texts)) + self.bias_
        return _softmax(logits)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Most probable class per text, ``int64 [N]``."""
        return self.predict_proba(texts).argmax(axis=1).astype(np.int64)

    def score(self, texts: Sequence[str], labels: ArrayLike) -> float:
        """Accuracy on ``texts``."""
        return float(np.mean(self.predict(texts) == np.asarray(labels).reshape(-1)))

    def top_tokens(self, label: int, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` tokens with the largest weight for ``label`` (relative to the mean)."""
        if self.weights_ is None or self.tokenizer is None or self.tokenizer.vocabulary is None:
            raise RuntimeError("the classifier is not fitted: call fit() first")
        relative = self.weights_[:, label] - self.weights_.mean(axis=1)
        relative[: UNK_ID + 1] = -np.inf
        order = np.argsort(-relative, kind="stable")[:k]
        return [(self.tokenizer.vocabulary.token(int(i)), float(relative[i])) for i in order]


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)
