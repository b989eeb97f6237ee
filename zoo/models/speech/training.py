"""Feeding a recognizer's network: length-bucketed batches and the validation CER."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from zoo.models.speech.batching import pack_targets, pad_batch


def needed_frames(labels: np.ndarray) -> int:
    """The fewest CTC frames that can spell `labels` (a blank between repeated characters)."""
    return int(len(labels) + np.sum(labels[1:] == labels[:-1])) if len(labels) else 0


class UtteranceBatches:
    """Batches `(features [n, T, F], packed CTC targets)` of utterances of similar length.

    With `rng`, each epoch draws new audio augmentation (speed, noise), new SpecAugment
    masks (drawn once per epoch, when the features are computed) and a new batch order; without, the batches are fixed (validation).
    Utterances too short for their transcript after subsampling are left out (counted in
    `dropped`).
    """

    def __init__(
        self, model: Any, audio: list[np.ndarray], texts: list[str], batch_size: int, rng=None
    ):
        self.model, self.audio, self.batch_size, self.rng = model, audio, batch_size, rng
        self.labels = [model.alphabet.encode(t) for t in texts]
        self.augment = model.augmentation if rng is not None else None
        plain = [model.stack(model.features.transform(a)) for a in audio]
        self.keep = [
            i
            for i, f in enumerate(plain)
            if model.output_frames(len(f)) >= max(1, needed_frames(self.labels[i]))
        ]
        if not self.keep:
            raise ValueError("every utterance is too short for its transcript after subsampling")
        self.dropped = len(audio) - len(self.keep)
        self.frames = [plain[i] for i in self.keep]
        if self.augment is not None:
            self._augmented()
        self._order()

    def _augmented(self) -> None:
        augment, model = self.augment, self.model
        for row, index in enumerate(self.keep):
            audio = self.audio[index]
            if augment.changes_audio:
                audio = augment.audio(audio, self.rng)
            f = model.stack(augment.features(model.features.transform(audio), self.rng))
            if model.output_frames(len(f)) < needed_frames(self.labels[index]):
                f = model.stack(model.features.transform(self.audio[index]))  # too fast
            self.frames[row] = f

    def _order(self) -> None:
        frames = self.frames
        lengths = np.asarray([len(f) for f in frames], np.float64)
        if self.rng is not None:
            lengths = lengths * self.rng.uniform(0.9, 1.1, size=len(lengths))
        order = np.argsort(lengths, kind="stable")
        self.batches = [
            order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)
        ]
        if self.rng is not None:
            self.batches = [self.batches[i] for i in self.rng.permutation(len(self.batches))]

    def __len__(self) -> int:
        return len(self.batches)

    def __getitem__(self, index: int):
        rows = self.batches[index]
        frames = [self.frames[r] for r in rows]
        labels = [self.labels[self.keep[r]] for r in rows]
        lengths = self.model.output_frames(np.asarray([len(f) for f in frames]))
        return pad_batch(frames), pack_targets(lengths, labels)

    def on_epoch_end(self) -> None:
        if self.rng is not None:
            self._augmented()
            self._order()

    def dataset(self):
        """A `tf.data.Dataset` of one epoch's batches (any number of frames per batch);
        each full pass draws the next epoch's augmentation."""
        import tensorflow as tf

        def batches():
            for index in range(len(self)):
                yield self[index]
            self.on_epoch_end()

        width = self.frames[0].shape[1]
        signature = (
            tf.TensorSpec((None, None, width), tf.float32),
            tf.TensorSpec((None, None), tf.int32),
        )
        data = tf.data.Dataset.from_generator(batches, output_signature=signature)
        return data.apply(tf.data.experimental.assert_cardinality(len(self)))


class CerCallback(keras.callbacks.Callback):
    """Adds `val_cer` (greedy decoding, jiwer) to each epoch's logs."""

    def __init__(self, model: Any, audio: list[np.ndarray], texts: list[str]) -> None:
        super().__init__()
        self.zoo_model, self.audio, self.texts = model, audio, texts

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        from zoo.models.speech.metrics import error_rates

        hypotheses = [self.zoo_model.decode(lp) for lp in self.zoo_model.log_probs(self.audio, 32)]
        rates = error_rates(self.texts, hypotheses)
        if logs is not None:
            logs["val_cer"] = rates["cer"]
            logs["val_wer"] = rates["wer"]
