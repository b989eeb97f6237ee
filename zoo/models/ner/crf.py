"""A linear-chain conditional random field written with `keras.ops`.

No maintained CRF exists for Keras 3 (tensorflow-addons is archived; keras-crf and
tf2crf need Keras 2), so the family has its own, following Lafferty et al. 2001 and
Lample et al. 2016. For emission scores `E` `(batch, time, tags)`, a transition matrix
`A` (`A[i, j]`: from tag i to tag j), start scores `s` and end scores `e`, a tag path
`y` of length `n` scores

    score(y) = s[y_0] + sum_t E[t, y_t] + sum_{t>0} A[y_{t-1}, y_t] + e[y_{n-1}]

and the loss is `log Z - score(y_true)`, where `log Z` (the log-partition, the
log-sum-exp of every path's score) comes from the forward algorithm. Viterbi decoding
finds the best path; with `allowed` (a `(tags, tags)` 0/1 matrix, plus allowed first
tags) it never outputs a forbidden transition (an `I-X` after `O`).

Masks are prefixes: the valid steps of each row come first (what the tagger feeds).
"""

from __future__ import annotations

import keras
from keras import ops

#: Score added to a forbidden transition during constrained decoding.
FORBIDDEN = -1e4


@keras.saving.register_keras_serializable(package="zoo")
class CRF(keras.layers.Layer):
    """Holds the CRF's transition, start and end scores; passes emissions through.

    The layer returns its input unchanged (without a Keras mask), so a network that
    ends in it outputs the emission scores: that is the graph the export writes, and
    Viterbi decoding runs outside it (`decode` here, `zoo.models.ner.viterbi` in
    NumPy). Training uses `CRFLoss(layer)`, which reads the layer's weights.

    Args:
        num_tags: Positive integer, the number of tags.
        **kwargs: Base layer keyword arguments (`name`, `dtype`).

    Call arguments:
        emissions: `(batch, time, num_tags)` emission scores.

    Example:

    >>> crf = CRF(5)
    >>> emissions = crf(keras.random.normal((2, 7, 5)))
    >>> crf.log_likelihood(emissions, tags, mask)  # (2,)

    Reference: Lafferty, McCallum & Pereira 2001; Lample et al. 2016,
    "Neural Architectures for Named Entity Recognition".
    """

    def __init__(self, num_tags: int, **kwargs):
        super().__init__(**kwargs)
        if int(num_tags) < 1:
            raise ValueError(f"num_tags must be a positive integer; received {num_tags!r}")
        self.num_tags = int(num_tags)
        self.supports_masking = True

    def build(self, input_shape=None):
        k = self.num_tags
        self.transitions = self.add_weight(
            name="transitions", shape=(k, k), initializer="glorot_uniform"
        )
        self.start = self.add_weight(name="start", shape=(k,), initializer="zeros")
        self.end = self.add_weight(name="end", shape=(k,), initializer="zeros")

    def call(self, emissions):
        # A new tensor: the input one carries the Keras mask, which the loss must not see.
        return ops.multiply(emissions, 1.0)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "num_tags": self.num_tags}

    # -- the CRF ------------------------------------------------------------
    def log_partition(self, emissions, mask):
        """`log Z` per row `(batch,)`: the forward algorithm over the valid steps."""
        return log_partition(emissions, mask, self.transitions, self.start, self.end)

    def path_score(self, emissions, tags, mask):
        """The score of the tag paths `tags` `(batch, time)`, per row."""
        return path_score(emissions, tags, mask, self.transitions, self.start, self.end)

    def log_likelihood(self, emissions, tags, mask):
        """`score(tags) - log Z` per row."""
        return self.path_score(emissions, tags, mask) - self.log_partition(emissions, mask)

    def decode(self, emissions, mask, allowed=None, allowed_start=None):
        """The Viterbi path `(batch, time)` (0 past each row's length)."""
        return viterbi(
            emissions, mask, self.transitions, self.start, self.end, allowed, allowed_start
        )


def _time_major(x):
    rank = len(x.shape)
    return ops.transpose(x, [1, 0] + list(range(2, rank)))


def _steps(emissions, mask):
    """Steps 1.. as one time-major tensor `(time - 1, batch, tags + 1)`, the mask as the
    last channel (one scanned tensor: Keras' TensorFlow `scan` cannot check several
    tensors of unknown length against each other)."""
    both = ops.concatenate([emissions, ops.cast(mask, emissions.dtype)[..., None]], axis=-1)
    return _time_major(both[:, 1:])


def log_partition(emissions, mask, transitions, start, end):
    """`log Z` `(batch,)` of a linear-chain CRF (see the module docstring)."""
    emissions = ops.cast(emissions, "float32")
    mask = ops.cast(mask, "bool")
    alpha0 = start[None, :] + emissions[:, 0]

    def step(alpha, inputs):
        emission, valid = inputs[:, :-1], inputs[:, -1] > 0.5
        scores = alpha[:, :, None] + transitions[None, :, :]
        new = ops.logsumexp(scores, axis=1) + emission
        alpha = ops.where(valid[:, None], new, alpha)
        return alpha, alpha

    alpha, _ = ops.scan(step, alpha0, _steps(emissions, mask))
    return ops.logsumexp(alpha + end[None, :], axis=1)


def path_score(emissions, tags, mask, transitions, start, end):
    """The score of each row's tag path `tags` over its valid steps `(batch,)`."""
    emissions = ops.cast(emissions, "float32")
    tags = ops.cast(tags, "int32")
    maskf = ops.cast(mask, "float32")
    k = ops.shape(emissions)[-1]
    onehot = ops.one_hot(tags, k)
    unary = ops.sum(ops.sum(emissions * onehot, axis=-1) * maskf, axis=1)
    pairs = ops.sum(
        ops.matmul(onehot[:, :-1], transitions) * onehot[:, 1:], axis=-1
    )  # A[y_{t-1}, y_t]
    binary = ops.sum(pairs * maskf[:, 1:], axis=1)
    lengths = ops.cast(ops.sum(maskf, axis=1), "int32")
    last = ops.take_along_axis(tags, ops.maximum(lengths - 1, 0)[:, None], axis=1)[:, 0]
    return unary + binary + ops.take(start, tags[:, 0]) + ops.take(end, last)


def viterbi(emissions, mask, transitions, start, end, allowed=None, allowed_start=None):
    """The best tag path `(batch, time)` int32, 0 past each row's length.

    `allowed` `(tags, tags)` and `allowed_start` `(tags,)`: 1 where a transition (a
    first tag) is allowed; forbidden ones get `FORBIDDEN` added.
    """
    emissions = ops.cast(emissions, "float32")
    mask = ops.cast(mask, "bool")
    if allowed is not None:
        transitions = transitions + (1.0 - ops.cast(allowed, "float32")) * FORBIDDEN
    if allowed_start is not None:
        start = start + (1.0 - ops.cast(allowed_start, "float32")) * FORBIDDEN
    k = ops.shape(emissions)[-1]
    identity = ops.arange(k, dtype="int32")
    score0 = start[None, :] + emissions[:, 0]

    def forward(score, inputs):
        emission, valid = inputs[:, :-1], inputs[:, -1] > 0.5
        candidates = score[:, :, None] + transitions[None, :, :]
        best = ops.max(candidates, axis=1) + emission
        pointer = ops.cast(ops.argmax(candidates, axis=1), "int32")
        score = ops.where(valid[:, None], best, score)
        pointer = ops.where(valid[:, None], pointer, identity[None, :])
        # as floats: Keras' TensorFlow `scan` gives its outputs the carry's dtype
        return score, ops.cast(pointer, score.dtype)

    score, pointers = ops.scan(forward, score0, _steps(emissions, mask))
    pointers = ops.cast(pointers, "int32")
    last = ops.cast(ops.argmax(score + end[None, :], axis=1), "int32")

    def backward(tag, pointer):
        previous = ops.take_along_axis(pointer, tag[:, None], axis=1)[:, 0]
        return previous, tag

    first, later = ops.scan(backward, last, pointers, reverse=True)
    path = ops.concatenate([first[:, None], _time_major(later)], axis=1)
    return ops.where(mask, path, ops.zeros_like(path))


@keras.saving.register_keras_serializable(package="zoo")
class CRFLoss(keras.losses.Loss):
    """Mean negative log-likelihood of the true tag paths under `crf`'s weights.

    `y_true` holds tag ids with -1 on padding; `y_pred` the emissions. A loss read back
    from a saved model has no layer (`crf=None`) and refuses to run: the tagger
    compiles its network again before it trains.
    """

    def __init__(self, crf: CRF | None = None, name: str = "crf_loss", **kwargs):
        super().__init__(name=name, **kwargs)
        self.crf = crf

    def call(self, y_true, y_pred):
        if self.crf is None:
            raise RuntimeError("CRFLoss has no CRF layer (read from a file): compile again")
        tags = ops.cast(y_true, "int32")
        mask = tags >= 0
        return -self.crf.log_likelihood(y_pred, ops.maximum(tags, 0), mask)

    def get_config(self):
        return {"name": self.name}


@keras.saving.register_keras_serializable(package="zoo")
class MaskedTagLoss(keras.losses.Loss):
    """Per-sentence mean token cross-entropy of softmax tag scores; -1 tags are padding."""

    def __init__(self, name: str = "masked_tag_loss", **kwargs):
        super().__init__(name=name, **kwargs)

    def call(self, y_true, y_pred):
        tags = ops.cast(y_true, "int32")
        maskf = ops.cast(tags >= 0, "float32")
        log_probs = ops.log_softmax(y_pred, axis=-1)
        picked = ops.take_along_axis(log_probs, ops.maximum(tags, 0)[..., None], axis=-1)[..., 0]
        return -ops.sum(picked * maskf, axis=1) / ops.maximum(ops.sum(maskf, axis=1), 1.0)

    def get_config(self):
        return {"name": self.name}
