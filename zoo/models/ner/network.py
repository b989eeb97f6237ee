"""The tagger's Keras network: word + character BiLSTM features -> stacked BiLSTMs ->
emission scores (then a CRF, or a softmax), and the batches it trains on."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import ops

from zoo.models.ner.crf import CRF, CRFLoss, MaskedTagLoss


@keras.saving.register_keras_serializable(package="zoo")
class MergeWordAxis(keras.layers.Layer):
    """`(batch, words, chars, features)` -> `(batch * words, chars, features)`, mask
    included, so that one character BiLSTM reads every word as a sequence.

    Call arguments:
        inputs: a 4D tensor. mask: its `(batch, words, chars)` mask, if any.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        shape = ops.shape(inputs)
        return ops.reshape(inputs, (-1, shape[2], shape[3]))

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        return ops.reshape(mask, (-1, ops.shape(mask)[2]))

    def compute_output_shape(self, input_shape):
        return (None, input_shape[2], input_shape[3])


@keras.saving.register_keras_serializable(package="zoo")
class SplitWordAxis(keras.layers.Layer):
    """`(batch * words, features)` back to `(batch, words, features)`, the batch and
    word counts read from `reference` `(batch, words)`; no mask.

    Call arguments:
        inputs: `[features, reference]`.
    """

    def call(self, inputs):
        features, reference = inputs
        shape = ops.shape(reference)
        return ops.reshape(features, (shape[0], shape[1], ops.shape(features)[-1]))

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[1][0], input_shape[1][1], input_shape[0][-1])


@keras.saving.register_keras_serializable(package="zoo")
class DropMask(keras.layers.Layer):
    """Passes its input through without a Keras mask (the losses mask padding from the
    -1 tags themselves)."""

    def call(self, inputs):
        return ops.multiply(inputs, 1.0)  # a new tensor, without the input's Keras mask

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return input_shape


def build_tagger_network(hp: dict[str, Any], sizes: dict[str, int], name: str):
    """The compiled network; `sizes`: `words`, `chars`, `tags` vocabulary sizes."""
    import zoo.layers as zl

    keras.utils.set_random_seed(hp["seed"])
    words = keras.Input((None,), dtype="int32", name="words")
    chars = keras.Input((None, hp["max_chars"]), dtype="int32", name="chars")
    inputs = [words, chars]
    w = keras.layers.Embedding(
        sizes["words"], hp["word_dim"], mask_zero=True, name="word_embedding"
    )(words)
    c = keras.layers.Embedding(
        sizes["chars"], hp["char_dim"], mask_zero=True, name="char_embedding"
    )(chars)
    c = MergeWordAxis(name="merge_words")(c)
    c = keras.layers.Bidirectional(
        zl.LSTM(hp["char_units"], step_backend=hp["step_backend"]), name="char_bilstm"
    )(c)
    c = SplitWordAxis(name="split_words")([c, words])
    parts = [w, c]
    if hp["casing"]:
        casing = keras.Input((None,), dtype="int32", name="casing")
        inputs.append(casing)
        parts.append(keras.layers.Embedding(8, hp["casing_dim"], name="casing_embedding")(casing))
    x = keras.layers.Concatenate(name="features")(parts)
    x = keras.layers.Dropout(hp["dropout"], name="feature_dropout")(x)
    for index in range(hp["layers"]):
        x = keras.layers.Bidirectional(
            zl.LSTM(
                hp["units"],
                return_sequences=True,
                step_backend=hp["step_backend"],
                name=f"lstm_{index}",
            ),
            name=f"bilstm_{index}",
        )(x)
        x = keras.layers.Dropout(hp["dropout"], name=f"dropout_{index}")(x)
    emissions = keras.layers.Dense(sizes["tags"], name="emission_scores")(x)
    if hp["crf"]:
        crf = CRF(sizes["tags"], name="crf")
        emissions = crf(emissions)
        loss = CRFLoss(crf)
    else:
        emissions = DropMask(name="emissions")(emissions)
        loss = MaskedTagLoss()
    network = keras.Model(inputs, emissions, name=name.replace("-", "_"))
    compile_network(network, hp, loss)
    return network


def compile_network(network, hp: dict[str, Any], loss=None) -> None:
    """Compiles `network` (again, for a network read from a file: its CRF loss needs the
    layer)."""
    if loss is None:
        crf = next((layer for layer in network.layers if isinstance(layer, CRF)), None)
        loss = CRFLoss(crf) if crf is not None else MaskedTagLoss()
    network.compile(
        optimizer=keras.optimizers.Adam(hp["learning_rate"], clipnorm=5.0),
        loss=loss,
        jit_compile=False,
    )


def crf_layer(network) -> CRF | None:
    return next((layer for layer in network.layers if isinstance(layer, CRF)), None)


class TaggedBatches(keras.utils.PyDataset):
    """Batches of similar-length sentences (few padded shapes), shuffled each epoch;
    singleton words are replaced by `<unk>` with probability `unk_replace` (Lample et
    al. 2016), so that the network learns a use for `<unk>`."""

    def __init__(self, preprocessor, data, batch_size: int, seed: int, unk_replace: float = 0.0):
        super().__init__()
        self.preprocessor, self.data = preprocessor, data
        self.rng = np.random.default_rng(seed)
        order = np.argsort([len(s) for s in data.sentences], kind="stable")
        self.batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
        self._shuffle()
        self.unk_replace = unk_replace
        from collections import Counter

        from zoo.models.ner.preprocessing import normalise_word

        counts = Counter(normalise_word(t) for s in data.sentences for t in s)
        self.singletons = np.zeros(len(preprocessor.words), bool)
        for word, count in counts.items():
            if count == 1:
                self.singletons[preprocessor.word_id(word)] = True
        self.singletons[:2] = False

    def __len__(self) -> int:
        return len(self.batches)

    def __getitem__(self, index: int):
        picked = self.batches[index]
        sentences = [self.data.sentences[i] for i in picked]
        arrays = self.preprocessor.transform(sentences)
        length = arrays["words"].shape[1]
        if self.unk_replace > 0:
            words = arrays["words"]
            drop = self.singletons[words] & (self.rng.random(words.shape) < self.unk_replace)
            words[drop] = 1
        tags = self.preprocessor.tag_ids([self.data.tags[i] for i in picked], length)
        return tuple(arrays[n] for n in self.preprocessor.input_names()), tags

    def _shuffle(self) -> None:
        """Shuffles the batches, then puts a batch of another padded length second:
        Keras reads the input signature from the first two batches, and a time axis
        that differs between them becomes dynamic."""
        self.rng.shuffle(self.batches)
        padded = [self.preprocessor.padded_length(self._sentences(b)) for b in self.batches]
        other = next((i for i, n in enumerate(padded) if n != padded[0]), None)
        if other is not None and len(self.batches) > 1:
            self.batches[1], self.batches[other] = self.batches[other], self.batches[1]

    def _sentences(self, picked):
        return [self.data.sentences[i] for i in picked]

    def on_epoch_end(self) -> None:
        self._shuffle()
