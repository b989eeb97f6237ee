"""`Seq2SeqTranslator`: an attentional LSTM encoder-decoder on zoo LSTM layers."""

from __future__ import annotations

import math
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from zoo.data.translation import SentencePairs
from zoo.models.base import ZooModel
from zoo.models.translation.attention_plot import plot_attention
from zoo.models.translation.callbacks import _BatchCounter
from zoo.models.translation.network import build_inference_models, build_training_network
from zoo.preprocessing.translation_text import END_ID, PAD_ID, START_ID

#: Held-out pairs of the embedded default, and of a user's file of >= 20,000 pairs.
DEFAULT_CORPUS_SIZE = 20000
DEFAULT_TEST_PAIRS = 1000
FILE_TEST_PAIRS = 2000
#: The values of the ``attention`` hyperparameter (`attention.SCORES`, without importing Keras).
ATTENTION_SCORES = ("luong", "bahdanau")


class Seq2SeqTranslator(ZooModel):
    """Sentence-to-sentence translation: bidirectional LSTM encoder, attentional LSTM decoder.

    The architecture is Luong, Pham & Manning (2015) over a bidirectional encoder:

    * **encoder**: source embedding (padding masked) → bidirectional `zoo.layers.LSTM` →
      outputs ``h_i`` (both directions concatenated, ``2 * units`` wide);
    * **bridge**: the decoder's initial ``h`` and ``c`` are Dense projections of the two
      directions' final ``h`` (``tanh``) and ``c`` (linear);
    * **decoder**: target embedding → `zoo.layers.LSTM` ``s_t`` → attention over ``h_i``
      with the source padding masked (`SequenceAttention`) → context ``c_t`` → attentional
      hidden state ``tanh(W_c [c_t; s_t])`` → dropout → logits over the target vocabulary.

    The hyperparameter ``attention`` picks the **score function** only: ``"luong"`` is the
    general multiplicative score ``sᵀ W h``, ``"bahdanau"`` the additive ``vᵀ tanh(W₁ h +
    W₂ s)``. In both cases the attention reads the decoder LSTM's output (Luong's
    arrangement, without input feeding), so in training the decoder LSTM runs over the whole
    target with teacher forcing in one pass.

    Decoding is greedy (``beam_width=1``) or beam search with the GNMT length penalty
    (``length_penalty`` is its α), in NumPy (`zoo.decoding`), over two Keras models that share
    the trained weights: `encoder_model` (source ids → encoder outputs, initial ``h``, ``c``)
    and `step_model` (previous token, ``h``, ``c``, encoder outputs, source mask →
    log-probabilities, ``h``, ``c``, attention weights). Decoding stops at
    ``max_target_length + 1`` tokens.

    Preprocessing is one `TranslationTokenizer` per side, saved with the model: unknown words
    become ``<unk>``, an empty sentence is all padding (it still gets a translation), and a
    sentence longer than ``max_source_length`` tokens is cut with a warning. Training batches
    hold sentences of similar length, padded to the longest in the batch.

    Hyperparameters (see `default_hparams`): ``embedding_dim``, ``units`` (per encoder
    direction and in the decoder), ``attention``, ``dropout``, ``learning_rate``,
    ``batch_size``, ``epochs``, ``patience`` (early stopping on the validation loss),
    ``max_source_length``, ``max_target_length``, ``max_tokens`` (vocabulary cap per side,
    reserved tokens included), ``beam_width``, ``length_penalty``, ``lowercase``,
    ``val_fraction``, ``seed``.

    Example:

    >>> model = zoo.create_model("translation-attention-lstm")
    >>> train, test = model.default_data()
    >>> model.fit(train)
    >>> model.predict(["We bought twelve books."])
    ['Nous avons acheté douze livres.']
    """

    task = "translation"
    default_hparams = {
        "embedding_dim": 128,
        "units": 256,
        "attention": "luong",
        "dropout": 0.1,
        "learning_rate": 3e-3,
        "batch_size": 64,
        "epochs": 8,
        "patience": 2,
        "max_source_length": 24,
        "max_target_length": 24,
        "max_tokens": 12000,
        "beam_width": 1,
        "length_penalty": 0.6,
        "lowercase": False,
        "val_fraction": 0.05,
        "seed": 0,
    }

    #: Sentences decoded at once (beam search multiplies the rows by the beam width).
    decode_batch_size = 256

    def __init__(self, name: str | None = None, **hparams: Any) -> None:
        super().__init__(name, **hparams)
        if self.hparams["attention"] not in ATTENTION_SCORES:
            raise ValueError(
                f"attention must be one of {ATTENTION_SCORES}; "
                f"received {self.hparams['attention']!r}."
            )
        self.source_tokenizer = None
        self.target_tokenizer = None
        self.training_stats: dict[str, float] = {}
        self._inference = None

    # -- preprocessing --------------------------------------------------------
    def preprocessing_state(self) -> dict[str, Any]:
        return {
            "source_tokenizer": self.source_tokenizer.to_config(),
            "target_tokenizer": self.target_tokenizer.to_config(),
        }

    def restore_preprocessing(self, state: dict[str, Any]) -> None:
        # The attention layers must be registered before `ZooModel.load` reads model.keras.
        import zoo.models.translation.attention  # noqa: F401
        from zoo.preprocessing.translation_text import TranslationTokenizer

        self.source_tokenizer = TranslationTokenizer.from_config(state["source_tokenizer"])
        self.target_tokenizer = TranslationTokenizer.from_config(state["target_tokenizer"])
        self._inference = None

    def _require_tokenizers(self) -> None:
        if self.source_tokenizer is None:
            raise RuntimeError(f"Model '{self.name}' has no vocabulary yet: call fit() first.")

    def encode_sources(self, sentences) -> np.ndarray:
        """Source ids ``(N, max_source_length)``; longer sentences are cut, with a warning."""
        self._require_tokenizers()
        return self.source_tokenizer.encode(list(sentences), self.hparams["max_source_length"])

    def encode_targets(self, sentences) -> tuple[np.ndarray, np.ndarray]:
        """Decoder inputs (``<start> y...``) and labels (``y... <end>``), each
        ``(N, max_target_length + 1)``."""
        self._require_tokenizers()
        ids = self.target_tokenizer.encode(
            list(sentences), self.hparams["max_target_length"] + 2, add_start=True, add_end=True
        )
        inputs = ids[:, :-1].copy()
        inputs[inputs == END_ID] = PAD_ID
        return inputs, ids[:, 1:].copy()

    # -- network --------------------------------------------------------------
    def build_network(self):
        """The training model: ``{"source", "target_in"}`` ids → next-token logits."""
        return build_training_network(
            self.hparams,
            self.source_tokenizer.vocab_size,
            self.target_tokenizer.vocab_size,
            self.name.replace("-", "_"),
        )

    def _build_inference(self):
        """`(encoder_model, step_model)` sharing the trained network's layers."""
        return build_inference_models(self.network, self.hparams, self.target_tokenizer.vocab_size)

    @property
    def encoder_model(self):
        """Source ids ``(B, S)`` → encoder outputs ``(B, S, 2U)``, initial ``h``, ``c``."""
        return self._inference_models()[0]

    @property
    def step_model(self):
        """``[token (B, 1), h, c, encoder outputs, source mask (B, S)]`` →
        ``[log_probs (B, V), h, c, attention weights (B, S)]``."""
        return self._inference_models()[1]

    def _inference_models(self):
        self._require_network()
        if self._inference is None or self._inference[0] is not self.network:
            import tensorflow as tf

            encoder_model, step_model = self._build_inference()

            @tf.function(reduce_retracing=True, autograph=False)
            def encode(source):
                return encoder_model(source, training=False)

            @tf.function(reduce_retracing=True, autograph=False)
            def step(token, h, c, memory, mask):
                return step_model([token, h, c, memory, mask], training=False)

            self._inference = (self.network, encoder_model, step_model, encode, step)
        return self._inference[1:3]

    def use_inference_functions(self, encode, step) -> None:
        """Decodes with `encode(source) -> (memory, h, c)` and `step(token, h, c,
        memory, mask) -> (log_probs, h, c, attention weights)` in place of the
        Keras graphs (how `export.runtime` decodes with the ONNX graphs)."""
        self.network = _ExternalGraphs()
        self._inference = (self.network, None, None, encode, step)

    # -- decoding -------------------------------------------------------------
    def _encode_batch(self, source_ids: np.ndarray) -> list[np.ndarray]:
        """Initial decoder states ``[h, c, encoder outputs, source mask]`` for a batch."""
        self._inference_models()
        encode = self._inference[3]
        width = max(1, int((source_ids != PAD_ID).sum(axis=1).max(initial=0)))
        source_ids = np.ascontiguousarray(source_ids[:, :width])
        memory, h, c = (np.asarray(t) for t in encode(source_ids))
        return [h, c, memory, source_ids != PAD_ID]

    def _step(self, tokens: np.ndarray, states: list[np.ndarray], keep_weights=None):
        h, c, memory, mask = states
        log_probs, h, c, weights = self._inference[4](
            tokens.astype(np.int32)[:, None], h, c, memory, mask
        )
        if keep_weights is not None:
            keep_weights.append(np.asarray(weights))
        return np.asarray(log_probs), [np.asarray(h), np.asarray(c), memory, mask]

    def translate_ids(self, source_ids: np.ndarray, beam_width: int | None = None):
        """Decodes source id rows; returns one list of target ids per row (no ``<end>``)."""
        from zoo.decoding import beam_search, greedy_search

        hp = self.hparams
        width = hp["beam_width"] if beam_width is None else int(beam_width)
        if width < 1:
            raise ValueError(f"beam_width must be at least 1; received {beam_width!r}.")
        options = {
            "start_id": START_ID,
            "end_id": END_ID,
            "max_length": hp["max_target_length"] + 1,
        }
        batch = max(1, self.decode_batch_size // width)
        outputs: list[list[int]] = []
        for begin in range(0, len(source_ids), batch):
            states = self._encode_batch(source_ids[begin : begin + batch])
            if width == 1:
                outputs.extend(greedy_search(self._step, states, **options))
            else:
                outputs.extend(
                    beam_search(
                        self._step,
                        states,
                        beam_width=width,
                        alpha=hp["length_penalty"],
                        **options,
                    )
                )
        return outputs

    def _detokenize(self, ids: list[int]) -> str:
        tok = self.target_tokenizer
        words = [tok.id_to_token(i) for i in ids if i not in (PAD_ID, START_ID, END_ID)]
        return tok.detokenize(words)

    def predict(self, sentences, beam_width: int | None = None) -> list[str]:
        """Translations of ``sentences`` (detokenized text), by greedy search
        (``beam_width=1``) or beam search; default: the ``beam_width`` hyperparameter."""
        self._require_network()
        if isinstance(sentences, str):
            sentences = [sentences]
        ids = self.translate_ids(self.encode_sources(sentences), beam_width)
        return [self._detokenize(row) for row in ids]

    def attention_matrix(self, sentence: str) -> tuple[list[str], list[str], np.ndarray]:
        """Greedy translation of one sentence with its attention weights.

        Returns:
            ``(source_tokens, target_tokens, weights)``, ``weights[t, i]`` being the
            attention of output token ``t`` (the last one is ``<end>`` when the translation
            ended) on source token ``i``.
        """
        from zoo.decoding import greedy_search

        self._require_network()
        source_ids = self.encode_sources([sentence])
        states = self._encode_batch(source_ids)
        kept: list[np.ndarray] = []
        max_length = self.hparams["max_target_length"] + 1
        (ids,) = greedy_search(
            lambda t, s: self._step(t, s, kept),
            states,
            start_id=START_ID,
            end_id=END_ID,
            max_length=max_length,
        )
        source_tokens = [self.source_tokenizer.id_to_token(int(i)) for i in source_ids[0]]
        source_tokens = [t for t in source_tokens if t != "<pad>"] or ["<pad>"]
        target_tokens = [self.target_tokenizer.id_to_token(i) for i in ids]
        if len(kept) > len(ids):
            target_tokens.append("<end>")
        weights = np.concatenate(kept, axis=0)[:, : len(source_tokens)]
        return source_tokens, target_tokens, weights

    # -- training and evaluation ---------------------------------------------
    def _batches(self, source_ids, target_in, labels, rng, shuffle=True):
        """Batches of similar lengths, trimmed to their longest sentence."""
        batch_size = self.hparams["batch_size"]
        src_len = (source_ids != PAD_ID).sum(axis=1)
        tgt_len = (labels != PAD_ID).sum(axis=1)
        noise = rng.random(len(labels)) if shuffle else np.zeros(len(labels))
        order = np.lexsort((noise, src_len, tgt_len))
        batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
        if shuffle:
            batches = [batches[i] for i in rng.permutation(len(batches))]
        for idx in batches:
            s = max(1, int(src_len[idx].max()))
            t = int(tgt_len[idx].max())
            weights = (labels[idx, :t] != PAD_ID).astype(np.float32)
            weights *= weights.size / weights.sum()  # a mean over real tokens
            yield (
                {"source": source_ids[idx, :s], "target_in": target_in[idx, :t]},
                labels[idx, :t],
                weights,
            )

    def _dataset(self, source_ids, target_in, labels, seed, shuffle=True):
        import tensorflow as tf

        rng = np.random.default_rng(seed)
        ids = tf.TensorSpec((None, None), tf.int32)
        signature = (
            {"source": ids, "target_in": ids},
            ids,
            tf.TensorSpec((None, None), tf.float32),
        )
        dataset = tf.data.Dataset.from_generator(
            lambda: self._batches(source_ids, target_in, labels, rng, shuffle),
            output_signature=signature,
        )
        batches = math.ceil(len(labels) / self.hparams["batch_size"])
        return dataset.apply(tf.data.experimental.assert_cardinality(batches)).prefetch(2)

    def fit_tokenizers(self, data: SentencePairs) -> None:
        """Fits the source and target vocabularies on all of `data`'s pairs."""
        from zoo.preprocessing.translation_text import TranslationTokenizer

        hp = self.hparams
        if len(data) < 2:
            raise ValueError(f"{data.source or 'data'}: need at least 2 sentence pairs to train.")
        self.source_tokenizer = TranslationTokenizer(lowercase=hp["lowercase"]).fit(
            data.sources, max_tokens=hp["max_tokens"]
        )
        self.target_tokenizer = TranslationTokenizer(lowercase=hp["lowercase"]).fit(
            data.targets, max_tokens=hp["max_tokens"]
        )

    def fit(self, data: SentencePairs, epochs: int | None = None, verbose: int | str = 2, **kwargs):
        """Fits both vocabularies and the network on ``data``.

        A seeded ``val_fraction`` of the pairs is held out for early stopping on the
        validation loss (the best weights are kept). Extra keyword arguments go to
        `keras.Model.fit` (e.g. ``callbacks``).
        """
        import keras

        hp = self.hparams
        self.fit_tokenizers(data)
        self._inference = None
        order = np.random.default_rng(hp["seed"]).permutation(len(data))
        n_val = min(int(round(hp["val_fraction"] * len(data))), len(data) - 1)
        train, val = data.subset(order[n_val:]), data.subset(order[:n_val])
        encoded = self._encoded(train)
        self.network = self.build_network()
        callbacks = list(kwargs.pop("callbacks", []))
        counter = _BatchCounter()
        callbacks.append(counter)
        validation = None
        if len(val):
            validation = self._dataset(*self._encoded(val), seed=hp["seed"], shuffle=False)
            callbacks.append(
                keras.callbacks.EarlyStopping(
                    patience=hp["patience"], restore_best_weights=True, monitor="val_loss"
                )
            )
        epochs = epochs or hp["epochs"]
        start = time.perf_counter()
        history = self.network.fit(
            self._dataset(*encoded, seed=hp["seed"]),
            validation_data=validation,
            epochs=epochs,
            callbacks=callbacks,
            verbose=verbose,
            shuffle=False,  # the batches are shuffled by _batches
            **kwargs,
        )
        seconds = time.perf_counter() - start
        per_epoch = math.ceil(len(train) / hp["batch_size"])
        tokens = int((encoded[2] != PAD_ID).sum())
        trained = tokens * counter.batches / per_epoch
        self.training_stats = {
            "seconds": seconds,
            "batches": counter.batches,
            "epochs": counter.batches / per_epoch,
            "target_tokens": trained,
            "target_tokens_per_second": trained / seconds if seconds else 0.0,
        }
        self.history = {k: [float(v) for v in vals] for k, vals in history.history.items()}
        self._inference = None
        return self.history

    def _encoded(self, pairs: SentencePairs):
        import warnings

        with warnings.catch_warnings():  # training pairs longer than the limits are cut
            warnings.simplefilter("ignore", UserWarning)
            return (self.encode_sources(pairs.sources), *self.encode_targets(pairs.targets))

    def evaluate(self, data: SentencePairs) -> dict[str, Any]:
        """BLEU, chrF (sacrebleu, on detokenized text, 0-100) and exact match (0-1) on
        held-out pairs: greedy decoding (``model``), beam search (``model_beam``: the
        ``beam_width`` hyperparameter, or 4 when it is 1) and copying the source
        (``copy_source``, a floor)."""
        import warnings

        from zoo.metrics.translation import translation_scores

        self._require_network()
        width = self.hparams["beam_width"] if self.hparams["beam_width"] > 1 else 4
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            source_ids = self.encode_sources(data.sources)
        greedy = [self._detokenize(r) for r in self.translate_ids(source_ids, 1)]
        beam = [self._detokenize(r) for r in self.translate_ids(source_ids, width)]
        return {
            "model": translation_scores(greedy, data.targets),
            "model_beam": {**translation_scores(beam, data.targets), "beam_width": width},
            "copy_source": translation_scores(list(data.sources), data.targets),
        }

    def plots(self, data: SentencePairs, directory: Path) -> list[Path]:
        """``attention.png``: the attention weights of the greedy translation of one
        held-out sentence (the first of the longest ones of at most 12 tokens)."""
        if not len(data):
            return []
        lengths = [len(self.source_tokenizer.tokenize(s)) for s in data.sources]
        limit = self.hparams["max_source_length"]
        fitting = [i for i, n in enumerate(lengths) if n <= min(limit, 12)] or [0]
        index = max(fitting, key=lambda i: lengths[i])
        source, target, weights = self.attention_matrix(data.sources[index])
        path = Path(directory) / "attention.png"
        return [plot_attention(source, target, weights, path, reference=data.targets[index])]

    # -- data -------------------------------------------------------------------
    @classmethod
    def default_data(cls, seed: int = 0) -> tuple[SentencePairs, SentencePairs]:
        """The embedded English → French corpus (numbers, ranks and dates written by
        num2words and babel): 20,000 distinct pairs, 1,000 held out (no held-out source
        sentence occurs in training)."""
        from zoo.data.translation import split_pairs
        from zoo.data.translation_corpus import generate_translation_corpus

        pairs = generate_translation_corpus(DEFAULT_CORPUS_SIZE, seed=seed, target_lang="fr")
        return split_pairs(pairs, DEFAULT_TEST_PAIRS, seed)

    @classmethod
    def load_data(cls, path: str | os.PathLike[str], seed: int = 0):
        """A Tatoeba/ManyThings file (``english<TAB>translation[<TAB>attribution]``),
        English → the other language: 2,000 pairs held out (10% for files under 20,000
        pairs), grouped by source sentence so no held-out source occurs in training."""
        from zoo.data.translation import load_sentence_pairs, split_pairs

        pairs = load_sentence_pairs(path)
        if len(pairs) < 2:
            raise ValueError(f"{path}: need at least 2 sentence pairs, found {len(pairs)}.")
        test_size = FILE_TEST_PAIRS if len(pairs) >= 10 * FILE_TEST_PAIRS else 0.1
        return split_pairs(pairs, test_size, seed)


class _ExternalGraphs:
    """Stands for the network when decoding runs on graphs given to
    `Seq2SeqTranslator.use_inference_functions` (no Keras model to save)."""

    def save(self, *_args, **_kwargs):
        raise RuntimeError("this translator decodes with external (ONNX) graphs; nothing to save")
