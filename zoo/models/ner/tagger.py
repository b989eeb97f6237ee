"""`EntityTagger`: named-entity recognition with a BiLSTM-CRF (or softmax) on zoo layers."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from zoo.data.errors import DataError
from zoo.hparams import (
    DROPOUT,
    FRACTION,
    LEARNING_RATE,
    SEED,
    boolean,
    choice,
    integer,
    number,
)
from zoo.models.base import ZooModel
from zoo.models.ner.conll import NERDataset
from zoo.models.ner.preprocessing import NERPreprocessor, entities, tokenize_with_offsets

#: Sentences per inference call.
PREDICT_BATCH = 256


class EntityTagger(ZooModel):
    """A BiLSTM-CRF named-entity tagger (Lample et al. 2016), or its softmax variant.

    Each word is its lowercased word embedding, the final states of a character-level
    zoo BiLSTM over its characters (case kept) and, with `casing`, an embedding of its
    casing class; `layers` stacked zoo BiLSTMs read the sentence and a dense layer gives
    per-tag emission scores. With `crf`, a linear-chain CRF (`zoo.models.ner.crf.CRF`,
    written with `keras.ops`) scores tag transitions and is trained on the sentence
    likelihood; decoding is Viterbi in NumPy over the learnt transitions, constrained
    (`constrained`) so that `I-X` never follows `O` or another type. Without `crf`,
    each token's tag is a softmax over its emissions.

    Hyperparameters: `word_dim`, `char_dim`, `char_units`, `max_chars`, `casing`,
    `casing_dim`, `units`, `layers`, `dropout`, `unk_replace` (singletons replaced by
    `<unk>` in training, with this probability), `learning_rate`, `lr_decay` (the
    learning rate of epoch `e` is `learning_rate / (1 + lr_decay * e)`, the inverse-time
    decay of Ma & Hovy 2016; 0 keeps it constant), `batch_size`,
    `epochs`, `patience` (early stopping on validation entity F1), `val_fraction`,
    `crf`, `constrained`, `step_backend` (the zoo LSTMs' time loop: "ops" skips the
    per-shape XLA compilations that dominate very short runs), `seed`.

    Example:

    >>> model = zoo.create_model("ner-bilstm-crf", epochs=3)
    >>> train, test = model.default_data()
    >>> model.fit(train)
    >>> model.predict(["Washington met Jordan in Paris ."])[0]["entities"]
    """

    task = "ner"
    default_hparams = {
        "word_dim": 64,
        "char_dim": 24,
        "char_units": 24,
        "max_chars": 16,
        "casing": True,
        "casing_dim": 4,
        "units": 64,
        "layers": 1,
        "dropout": 0.3,
        "unk_replace": 0.3,
        "learning_rate": 3e-3,
        "lr_decay": 0.0,
        "batch_size": 32,
        "epochs": 2,
        "patience": 2,
        "val_fraction": 0.1,
        "crf": True,
        "constrained": True,
        "step_backend": "auto",
        "seed": 0,
    }
    hparam_specs = {
        "word_dim": integer(1),
        "char_dim": integer(1),
        "char_units": integer(1),
        "max_chars": integer(1),
        "casing": boolean(),
        "casing_dim": integer(1),
        "units": integer(1),
        "layers": integer(1),
        "dropout": DROPOUT,
        "unk_replace": FRACTION,
        "learning_rate": LEARNING_RATE,
        "lr_decay": number(0),
        "batch_size": integer(1),
        "epochs": integer(1),
        "patience": integer(0),
        "val_fraction": FRACTION,
        "crf": boolean(),
        "constrained": boolean(),
        "step_backend": choice("auto", "xla", "ops", "keras_rnn", "xla_loop"),
        "seed": SEED,
    }

    def __init__(self, name: str | None = None, **hparams: Any) -> None:
        super().__init__(name, **hparams)
        hp = self.hparams
        #: Vocabularies, tags and the decoder (TensorFlow-free, reused by the runtime).
        self.preprocessor = NERPreprocessor(hp["max_chars"], hp["casing"])
        self.preprocessor.set_decoder(hp["crf"], hp["constrained"])
        self._train_data: NERDataset | None = None

    # -- preprocessing --------------------------------------------------------
    def preprocessing_state(self) -> dict[str, Any]:
        if self.network is not None:
            self.preprocessor.set_decoder(
                self.hparams["crf"], self.hparams["constrained"], self.crf_weights()
            )
        return self.preprocessor.to_config()

    def restore_preprocessing(self, state: dict[str, Any]) -> None:
        self.preprocessor = NERPreprocessor.from_config(state)

    def fit_preprocessing(self, data: NERDataset) -> NERPreprocessor:
        """Vocabularies and tags of the training data (what `fit` does first)."""
        if not isinstance(data, NERDataset) or not len(data):
            raise DataError("no tagged sentences to train on", file=getattr(data, "source", None))
        self.preprocessor.fit(data)
        self._train_data = data
        return self.preprocessor

    def validation_split(self, data: NERDataset) -> tuple[NERDataset, NERDataset]:
        """`(train, validation)`: the data's own validation set (CoNLL `valid`), or the
        last `val_fraction` of a seeded shuffle."""
        if data.validation is not None:
            return data, data.validation
        order = np.random.default_rng(self.hparams["seed"]).permutation(len(data))
        n_val = int(round(self.hparams["val_fraction"] * len(data)))
        if n_val >= len(data):
            raise DataError(
                f"val_fraction={self.hparams['val_fraction']} holds out all {len(data)} sentences",
                file=data.source or None,
            )
        return data.subset(order[n_val:]), data.subset(order[:n_val])

    # -- network --------------------------------------------------------------
    def build_network(self):
        from zoo.models.ner.network import build_tagger_network

        p = self.preprocessor
        sizes = {"words": len(p.words), "chars": len(p.chars), "tags": p.num_tags}
        return build_tagger_network(self.hparams, sizes, self.name)

    @classmethod
    def register_custom_objects(cls) -> None:
        import zoo.models.ner.network  # noqa: F401  (registers CRF and the reshaping layers)

    def crf_weights(self):
        """`(transitions, start, end)` of the CRF: the Keras layer's when the model has
        its network and runs on Keras, else the saved ones; None for the softmax head."""
        if not self.hparams["crf"]:
            return None
        if self.network is not None and self.engine is None:
            from zoo.models.ner.network import crf_layer

            layer = crf_layer(self.network)
            return tuple(np.asarray(w) for w in (layer.transitions, layer.start, layer.end))
        d = self.preprocessor.decoder
        return (np.asarray(d["transitions"]), np.asarray(d["start"]), np.asarray(d["end"]))

    # -- training ---------------------------------------------------------------
    def fit(
        self,
        data: NERDataset,
        epochs: int | None = None,
        verbose: int | str = 2,
        network: Any = None,
        **kwargs: Any,
    ):
        """Fits the vocabularies and the network on tagged `data`; after each epoch
        the entity F1 on the validation sentences is logged as `val_f1`, and training
        stops early (best weights kept) when it has not improved for `patience` epochs."""
        import keras

        from zoo.models.ner.network import TaggedBatches, compile_network

        hp = self.hparams
        self.fit_preprocessing(data)
        train, val = self.validation_split(data)
        if network is None:
            network = self.build_network()
        elif getattr(network, "optimizer", None) is None:
            compile_network(network, hp)
        self.network = network
        batches = TaggedBatches(
            self.preprocessor, train, hp["batch_size"], hp["seed"], hp["unk_replace"]
        )
        callbacks = [_DevScore(self, val, verbose)] if len(val) else []
        if len(val):
            callbacks.append(
                keras.callbacks.EarlyStopping(
                    monitor="val_f1", mode="max", patience=hp["patience"], restore_best_weights=True
                )
            )
        if hp["lr_decay"]:
            rate, decay = hp["learning_rate"], hp["lr_decay"]
            callbacks.append(
                keras.callbacks.LearningRateScheduler(lambda epoch, _: rate / (1 + decay * epoch))
            )
        callbacks += list(kwargs.pop("callbacks", []))
        history = self.network.fit(
            batches, epochs=epochs or hp["epochs"], callbacks=callbacks, verbose=verbose, **kwargs
        )
        self.history = {k: [float(v) for v in vals] for k, vals in history.history.items()}
        return self.history

    # -- prediction -------------------------------------------------------------
    def emissions(self, sentences: list[list[str]]) -> np.ndarray:
        """Emission scores `(N, T, tags)` for tokenised sentences (T padded)."""
        if self.engine is None:
            self._require_network()
        arrays = self.preprocessor.transform(sentences)
        (scores,) = self.infer("network", *(arrays[n] for n in self.preprocessor.input_names()))
        return np.asarray(scores)

    def tag(self, sentences: list[list[str]]) -> list[list[str]]:
        """IOB2 tags for tokenised sentences (none empty)."""
        out: list[list[str]] = [[] for _ in sentences]
        order = np.argsort([len(s) for s in sentences], kind="stable")
        weights = self.crf_weights()
        for begin in range(0, len(order), PREDICT_BATCH):
            picked = order[begin : begin + PREDICT_BATCH]
            batch = [list(sentences[i]) for i in picked]
            scores = self.emissions(batch)
            tags = self.preprocessor.decode(scores, [len(s) for s in batch], weights)
            for i, row in zip(picked, tags, strict=True):
                out[i] = row
        return out

    def predict(self, texts) -> list[dict[str, Any]]:
        """For each raw text: its tokens, IOB2 tags and entities, each entity with its
        text, type and character offsets `start`/`end` (`text[start:end]`).

        Raises:
            DataError: not a list of texts, or a text with no tokens (naming its index).
        """
        if isinstance(texts, str):
            texts = [texts]
        texts = list(texts)
        if not texts:
            raise DataError("no texts to tag")
        tokenised = []
        for index, text in enumerate(texts):
            if not isinstance(text, str):
                raise DataError(f"text {index} is a {type(text).__name__}, not a string")
            tokens = tokenize_with_offsets(text)
            if not tokens:
                raise DataError(f"text {index} has no words to tag")
            tokenised.append(tokens)
        tags = self.tag([[t for t, _, _ in row] for row in tokenised])
        results = []
        for text, tokens, row in zip(texts, tokenised, tags, strict=True):
            found = []
            for kind, b, e in entities([t for t, _, _ in tokens], row):
                start, end = tokens[b][1], tokens[e - 1][2]
                found.append({"text": text[start:end], "type": kind, "start": start, "end": end})
            results.append({"tokens": [t for t, _, _ in tokens], "tags": row, "entities": found})
        return results

    # -- evaluation ---------------------------------------------------------------
    def evaluate(self, data: NERDataset) -> dict[str, Any]:
        """Entity-level precision, recall and F1 (seqeval; micro and per type) and the
        confusion of entity types, beside the gazetteer (dictionary lookup) baseline
        built from the training sentences."""
        from zoo.models.ner.scoring import Gazetteer, entity_scores, type_confusion

        started = time.perf_counter()
        predicted = self.tag(data.sentences)
        report: dict[str, Any] = {"model": entity_scores(data.tags, predicted)}
        report["model"]["type_confusion"] = type_confusion(data.tags, predicted)
        report["model"]["seconds"] = round(time.perf_counter() - started, 3)
        if self._train_data is not None:
            gazetteer = Gazetteer().fit(self._train_data.sentences, self._train_data.tags)
            looked_up = [gazetteer.tag(s) for s in data.sentences]
            report["gazetteer"] = entity_scores(data.tags, looked_up)
        report["sentences"] = len(data)
        return report

    def plots(self, data: NERDataset, directory: Path) -> list[Path]:
        """`transitions.png` (the CRF's transition scores) and `gates.png` (the first
        word-level LSTM's gates over one held-out sentence)."""
        from zoo.models.ner.plots import plot_sentence_gates, plot_transitions

        directory = Path(directory)
        paths = []
        if self.hparams["crf"]:
            paths.append(plot_transitions(self, directory / "transitions.png"))
        paths.append(plot_sentence_gates(self, data.sentences[0], directory / "gates.png"))
        return paths

    # -- data -------------------------------------------------------------------
    @classmethod
    def default_data(cls, seed: int = 0) -> tuple[NERDataset, NERDataset]:
        """The generated corpus (`zoo.models.ner.corpus`): 6,000 sentences, 80% for
        training and 20% held out."""
        from zoo.models.ner.corpus import generate_ner_corpus

        corpus = generate_ner_corpus(6000, seed=seed)  # cached: a fresh copy each call
        order = np.random.default_rng(seed).permutation(len(corpus))
        n_test = len(corpus) // 5
        return corpus.subset(np.sort(order[n_test:])), corpus.subset(np.sort(order[:n_test]))

    @classmethod
    def load_data(cls, path: str | os.PathLike[str], seed: int = 0):
        """A CoNLL directory (train/valid/test) or one CoNLL file (a seeded split); see
        `zoo.models.ner.conll.load_conll`."""
        from zoo.models.ner.conll import load_conll

        return load_conll(path, seed)


class _DevScore:
    """A Keras callback (built lazily) logging `val_f1`: entity F1 on held-out sentences."""

    def __new__(cls, model: EntityTagger, data: NERDataset, verbose):
        import keras

        from zoo.models.ner.scoring import entity_scores

        class DevScore(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                f1 = entity_scores(data.tags, model.tag(data.sentences))["f1"]
                if logs is not None:
                    logs["val_f1"] = f1
                if verbose:
                    print(f"epoch {epoch + 1}: validation entity F1 {f1:.4f}", flush=True)

        return DevScore()
