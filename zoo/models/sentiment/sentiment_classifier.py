"""`SentimentClassifier`: text in, class probabilities out, on zoo LSTM layers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from zoo.data.errors import DataError
from zoo.data.sentiment import TextDataset
from zoo.hparams import DROPOUT, FRACTION, LEARNING_RATE, SEED, boolean, integer
from zoo.models.base import ZooModel
from zoo.models.sentiment.checks import check_predict_texts
from zoo.models.sentiment.preprocessing import TextClassificationPreprocessor


class SentimentClassifier(ZooModel):
    """A word-level LSTM text classifier, for binary or multi-class labels.

    Embedding (with `mask_zero`, so padding is skipped) → `layers` zoo LSTMs,
    each optionally wrapped in `keras.layers.Bidirectional` → dropout →
    softmax over the classes. The preprocessing is `preprocessor`, a
    `TextClassificationPreprocessor` (the project's own tokenizer and the class
    names, plain Python), saved with the model, so deployment runs the same
    preprocessing without TensorFlow; prediction runs the graph `"network"`
    through `infer` (Keras, or the engine `use_engine` hands in).
    Unknown words map to `<unk>`, empty texts are refused (`DataError`), and
    texts longer than `max_length` tokens keep their first `max_length` tokens.

    Hyperparameters (see `default_hparams`): vocabulary size `max_tokens`,
    `max_length`, `embedding_dim`, `units`, `layers`, `bidirectional`,
    `dropout`, `recurrent_dropout`, `learning_rate`, `batch_size`, `epochs`,
    `patience` (early stopping on validation loss), `val_fraction`, `seed`.

    Example:

    >>> model = zoo.create_model("sentiment-lstm", epochs=3)
    >>> train, test = model.default_data()
    >>> model.fit(train)
    >>> model.predict(["not bad at all"])[0]["label"]
    'positive'
    """

    task = "sentiment"
    default_hparams = {
        "max_tokens": 20000,
        "max_length": 48,
        "embedding_dim": 64,
        "units": 64,
        "layers": 1,
        "bidirectional": False,
        "dropout": 0.2,
        "recurrent_dropout": 0.0,
        "learning_rate": 3e-3,
        "batch_size": 64,
        "epochs": 8,
        "patience": 2,
        "val_fraction": 0.1,
        "seed": 0,
    }
    hparam_specs = {
        "max_tokens": integer(2, optional=True),
        "max_length": integer(1),
        "embedding_dim": integer(1),
        "units": integer(1),
        "layers": integer(1),
        "bidirectional": boolean(),
        "dropout": DROPOUT,
        "recurrent_dropout": DROPOUT,
        "learning_rate": LEARNING_RATE,
        "batch_size": integer(1),
        "epochs": integer(1),
        "patience": integer(0),
        "val_fraction": FRACTION,
        "seed": SEED,
    }

    def __init__(self, name: str | None = None, **hparams: Any) -> None:
        super().__init__(name, **hparams)
        #: The fitted preprocessing: tokenizer, class names and sequence length.
        self.preprocessor = TextClassificationPreprocessor(
            self.hparams["max_length"], self.hparams["max_tokens"]
        )
        self._train_data: TextDataset | None = None

    # -- preprocessing --------------------------------------------------------
    @property
    def tokenizer(self):
        """The preprocessor's word tokenizer (None before `fit_preprocessing`)."""
        return self.preprocessor.tokenizer

    @tokenizer.setter
    def tokenizer(self, tokenizer) -> None:
        self.preprocessor.tokenizer = tokenizer

    @property
    def label_names(self) -> list[str]:
        """The class names, in class-index order."""
        return self.preprocessor.label_names

    @label_names.setter
    def label_names(self, names) -> None:
        self.preprocessor.label_names = list(names)

    def preprocessing_state(self) -> dict[str, Any]:
        return self.preprocessor.to_config()

    def restore_preprocessing(self, state: dict[str, Any]) -> None:
        # The network's input length is the hyperparameter's, whatever the state says.
        self.preprocessor = TextClassificationPreprocessor.from_config(
            {**state, "max_length": self.hparams["max_length"]},
            max_tokens=self.hparams["max_tokens"],
        )

    def fit_preprocessing(self, data: TextDataset) -> TextClassificationPreprocessor:
        """Fits the vocabulary and takes the class names of labelled `data` (what `fit`
        does first; a hyperparameter search calls it before building the network).

        Raises:
            ValueError: unlabelled texts; `DataError`: no texts, an empty text or
                a single class.
        """
        self.preprocessor.fit(data)
        self._train_data = data
        return self.preprocessor

    def validation_split(self, data: TextDataset) -> tuple[TextDataset, TextDataset]:
        """`(train, validation)`: the last `val_fraction` of a seeded shuffle is held out.

        Raises:
            DataError: `val_fraction` would hold out every text.
        """
        hp = self.hparams
        order = np.random.default_rng(hp["seed"]).permutation(len(data))
        n_val = int(round(hp["val_fraction"] * len(data)))
        if n_val >= len(data):
            raise DataError(
                f"val_fraction={hp['val_fraction']} holds out all {len(data)} texts; "
                "none would be left to train on",
                file=data.source or None,
            )
        return data.subset(order[n_val:]), data.subset(order[:n_val])

    def encode(self, texts) -> np.ndarray:
        """Token ids `(N, max_length)` for raw texts."""
        if not self.preprocessor.fitted:
            raise RuntimeError(f"Model '{self.name}' has no vocabulary yet: call fit() first.")
        return self.preprocessor.transform(list(texts))

    # -- network --------------------------------------------------------------
    def build_network(self):
        import keras

        import zoo.layers as zl

        hp = self.hparams
        keras.utils.set_random_seed(hp["seed"])
        tokens = keras.Input((hp["max_length"],), dtype="int32", name="tokens")
        x = keras.layers.Embedding(
            self.tokenizer.vocab_size, hp["embedding_dim"], mask_zero=True, name="embedding"
        )(tokens)
        for index in range(hp["layers"]):
            last = index == hp["layers"] - 1
            layer = zl.LSTM(
                hp["units"],
                return_sequences=not last,
                recurrent_dropout=hp["recurrent_dropout"],
                name=f"lstm_{index}",
            )
            if hp["bidirectional"]:
                layer = keras.layers.Bidirectional(layer, name=f"bilstm_{index}")
            x = layer(x)
            x = keras.layers.Dropout(hp["dropout"])(x)
        probabilities = keras.layers.Dense(
            len(self.label_names), activation="softmax", name="probabilities"
        )(x)
        network = keras.Model(tokens, probabilities, name=self.name.replace("-", "_"))
        network.compile(
            optimizer=keras.optimizers.Adam(hp["learning_rate"]),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        return network

    # -- training and evaluation ---------------------------------------------
    def fit(
        self,
        data: TextDataset,
        epochs: int | None = None,
        verbose: int | str = 2,
        network: Any = None,
        **kwargs: Any,
    ):
        """Fits the vocabulary and the network on labelled `data`.

        The last `val_fraction` of a seeded shuffle is held out for early
        stopping, or, with `validation=` (a labelled `TextDataset`), all of `data`
        trains and `validation` is held out (e.g. sentences that share nothing with
        the training phrases). Prints one line per epoch with `verbose=2`.
        """
        import keras

        hp = self.hparams
        given = kwargs.pop("validation", None)
        self.fit_preprocessing(data)
        train, val = (data, given) if given is not None else self.validation_split(data)
        self.network = self.build_network() if network is None else network
        callbacks = list(kwargs.pop("callbacks", []))
        validation = None
        if len(val):
            validation = (self.encode(val.texts), val.labels)
            callbacks.append(
                keras.callbacks.EarlyStopping(
                    patience=hp["patience"], restore_best_weights=True, monitor="val_loss"
                )
            )
        history = self.network.fit(
            self.encode(train.texts),
            train.labels,
            validation_data=validation,
            epochs=epochs or hp["epochs"],
            batch_size=hp["batch_size"],
            callbacks=callbacks,
            verbose=verbose,
            **kwargs,
        )
        self.history = {k: [float(v) for v in vals] for k, vals in history.history.items()}
        return self.history

    def predict_proba(self, texts) -> np.ndarray:
        """Class probabilities `(N, classes)` for raw texts (none empty, see `predict`)."""
        if self.engine is None:
            self._require_network()
        texts = check_predict_texts(texts)
        (probabilities,) = self.infer("network", self.encode(texts))
        return np.asarray(probabilities)

    def predict(self, texts) -> list[dict[str, Any]]:
        """For each raw text: `{"label": name, "probabilities": {name: p}}`.

        An empty or whitespace-only text raises `DataError` naming its index (it would
        otherwise get the network's bias as an answer); unknown words are fine."""
        return self.preprocessor.inverse_transform(self.predict_proba(texts))

    def evaluate(self, data: TextDataset) -> dict[str, Any]:
        """Accuracy, macro-F1 and the confusion matrix on labelled `data`,
        beside a bag-of-words logistic regression fitted on the same training
        texts (word order invisible to it)."""
        from zoo.baselines import BagOfWordsClassifier
        from zoo.metrics import confusion_matrix

        predicted = np.argmax(self.predict_proba(data.texts), axis=1)
        classes = len(self.label_names)
        report: dict[str, Any] = {"model": _scores(data.labels, predicted, classes)}
        report["model"]["confusion_matrix"] = confusion_matrix(
            data.labels, predicted, classes
        ).tolist()
        if self._train_data is not None:
            bow = BagOfWordsClassifier().fit(self._train_data.texts, self._train_data.labels)
            report["bag_of_words"] = _scores(data.labels, bow.predict(data.texts), classes)
        report["label_names"] = list(self.label_names)
        return report

    def plots(self, data: TextDataset, directory: Path) -> list[Path]:
        """`confusion_matrix.png` on `data`, and `gates.png`: the first LSTM's
        gates on a sentence with a negation."""
        import zoo.layers as zl
        from zoo.metrics import confusion_matrix
        from zoo.plots import plot_confusion_matrix

        directory = Path(directory)
        predicted = np.argmax(self.predict_proba(data.texts), axis=1)
        cm = confusion_matrix(data.labels, predicted, len(self.label_names))
        paths = [plot_confusion_matrix(cm, self.label_names, directory / "confusion_matrix.png")]
        sentence = "the plot was not bad but the acting was terrible"
        words = self.tokenizer.tokenize(sentence)
        traces = zl.trace_gates(self.network, self.encode([sentence]))
        first = next(iter(traces.values()))
        steps = len(words)
        first.gates = {k: v[:, :steps] for k, v in first.gates.items()}
        paths.append(zl.plot_gates(first, directory / "gates.png", tokens=words, max_units=24))
        return paths

    # -- data -------------------------------------------------------------------
    @classmethod
    def default_data(cls, seed: int = 0) -> tuple[TextDataset, TextDataset]:
        """The generated corpus (negation, intensifiers, contrast): distinct
        texts, 75% for training and 25% held out."""
        from zoo.data.sentiment_corpus import generate_sentiment_corpus

        corpus = generate_sentiment_corpus(8000, seed=seed)
        _, first = np.unique(np.asarray(corpus.texts, dtype=object), return_index=True)
        corpus = corpus.subset(np.sort(first))
        return _split(corpus, 0.25, seed)

    @classmethod
    def load_data(cls, path: str | os.PathLike[str], seed: int = 0):
        """A GLUE SST-2 directory (train.tsv → training, dev.tsv → held out), or
        one CSV/TSV file of texts and labels (a seeded 80/20 split)."""
        from zoo.data.sentiment import load_sst2, load_text_table

        path = Path(path)
        if path.is_dir():
            return load_sst2(path, "train"), load_sst2(path, "dev")
        return _split(load_text_table(path), 0.2, seed)


def _scores(labels, predicted, classes: int) -> dict[str, float]:
    from zoo.metrics import accuracy, macro_f1

    return {
        "accuracy": float(accuracy(labels, predicted)),
        "macro_f1": float(macro_f1(labels, predicted, classes)),
    }


def _split(data: TextDataset, test_fraction: float, seed: int):
    order = np.random.default_rng(seed).permutation(len(data))
    n_test = int(round(test_fraction * len(data)))
    return data.subset(np.sort(order[n_test:])), data.subset(np.sort(order[:n_test]))
