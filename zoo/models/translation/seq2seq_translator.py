"""`Seq2SeqTranslator`: an attentional LSTM encoder-decoder on zoo LSTM layers."""

from __future__ import annotations

import math
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from zoo.data.translation import SentencePairs
from zoo.hparams import DROPOUT, FRACTION, LEARNING_RATE, SEED, boolean, choice, integer, number
from zoo.models.base import ZooModel
from zoo.models.translation.attention_plot import plot_attention
from zoo.models.translation.callbacks import _BatchCounter
from zoo.models.translation.network import (
    build_inference_models,
    build_training_network,
    compiled_calls,
    training_dataset,
)
from zoo.models.translation.preprocessing import TranslationPreprocessor, check_sentences
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
    (``length_penalty`` is its α), in NumPy (`zoo.decoding`), over the two inference graphs of
    `inference_networks`, which share the trained weights: ``"encoder"`` (source ids →
    encoder outputs, initial ``h``, ``c``) and ``"decoder_step"`` (previous token, ``h``,
    ``c``, encoder outputs, source mask → log-probabilities, ``h``, ``c``, attention weights),
    run through `infer`: Keras by default, or the engine `use_engine` hands in (the runtime's
    onnxruntime over a bundle's graphs of the same names). Decoding stops at
    ``max_target_length + 1`` tokens.

    Preprocessing is `preprocessor`, a `TranslationPreprocessor` holding one
    `TranslationTokenizer` per side, saved with the model: unknown words
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
    hparam_specs = {
        "embedding_dim": integer(1),
        "units": integer(1),
        "attention": choice(*ATTENTION_SCORES),
        "dropout": DROPOUT,
        "learning_rate": LEARNING_RATE,
        "batch_size": integer(1),
        "epochs": integer(1),
        "patience": integer(0),
        "max_source_length": integer(1),
        "max_target_length": integer(1),
        "max_tokens": integer(5, optional=True),
        "beam_width": integer(1),
        "length_penalty": number(0),
        "lowercase": boolean(),
        "val_fraction": FRACTION,
        "seed": SEED,
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
        self.preprocessor = self._new_preprocessor()
        self.training_stats: dict[str, float] = {}
        #: (network, encoder model, step model, compiled encoder, compiled step) for Keras.
        self._inference = None

    # -- preprocessing --------------------------------------------------------
    def _new_preprocessor(self, state: dict[str, Any] | None = None) -> TranslationPreprocessor:
        hp = self.hparams
        limits = (hp["max_source_length"], hp["max_target_length"], hp["max_tokens"])
        if state is None:
            return TranslationPreprocessor(*limits, lowercase=hp["lowercase"])
        return TranslationPreprocessor.from_config(state, *limits, lowercase=hp["lowercase"])

    @property
    def source_tokenizer(self):
        """The source side's `TranslationTokenizer` (None before `fit_preprocessing`)."""
        return self.preprocessor.source_tokenizer

    @property
    def target_tokenizer(self):
        """The target side's `TranslationTokenizer` (None before `fit_preprocessing`)."""
        return self.preprocessor.target_tokenizer

    def preprocessing_state(self) -> dict[str, Any]:
        return self.preprocessor.to_config()

    def restore_preprocessing(self, state: dict[str, Any]) -> None:
        self.preprocessor = self._new_preprocessor(state)
        self._inference = None

    def fit_preprocessing(self, data: SentencePairs) -> TranslationPreprocessor:
        """Fits the source and target vocabularies on all of `data`'s pairs (what `fit`
        does first; a hyperparameter search calls it before building the network).

        Raises:
            ValueError: fewer than 2 pairs.
        """
        self.preprocessor.fit(data)
        self._inference = None
        return self.preprocessor

    def _require_tokenizers(self) -> None:
        if not self.preprocessor.fitted:
            raise RuntimeError(f"Model '{self.name}' has no vocabulary yet: call fit() first.")

    def encode_sources(self, sentences) -> np.ndarray:
        """Source ids ``(N, max_source_length)``; longer sentences are cut, with a warning."""
        self._require_tokenizers()
        return self.preprocessor.transform(sentences)

    def encode_targets(self, sentences) -> tuple[np.ndarray, np.ndarray]:
        """Decoder inputs (``<start> y...``) and labels (``y... <end>``), each
        ``(N, max_target_length + 1)``."""
        self._require_tokenizers()
        return self.preprocessor.encode_targets(sentences)

    # -- network --------------------------------------------------------------
    @classmethod
    def register_custom_objects(cls) -> None:
        """Registers the attention layers before `ZooModel.load` reads model.keras (the
        TensorFlow-free runtime restores the preprocessing without importing Keras)."""
        import zoo.models.translation.attention  # noqa: F401

    def build_network(self):
        """The training model: ``{"source", "target_in"}`` ids → next-token logits."""
        return build_training_network(
            self.hparams,
            self.source_tokenizer.vocab_size,
            self.target_tokenizer.vocab_size,
            self.name.replace("-", "_"),
        )

    def inference_networks(self) -> dict[str, Any]:
        """The Keras graphs decoding runs (and the export writes), sharing the trained
        network's layers:

        * ``"encoder"``: source ids ``(B, S)`` → encoder outputs ``(B, S, 2U)``, initial
          ``h``, ``c``;
        * ``"decoder_step"``: ``[token (B, 1), h, c, encoder outputs, source mask (B, S)]``
          → ``[log_probs (B, V), h, c, attention weights (B, S)]``.
        """
        encoder_model, step_model = self._keras_inference()[1:3]
        return {"encoder": encoder_model, "decoder_step": step_model}

    @property
    def encoder_model(self):
        """The Keras ``"encoder"`` graph of `inference_networks`."""
        return self.inference_networks()["encoder"]

    @property
    def step_model(self):
        """The Keras ``"decoder_step"`` graph of `inference_networks`."""
        return self.inference_networks()["decoder_step"]

    def _keras_inference(self):
        """The inference models of the current network, with their compiled calls."""
        self._require_network()
        if self._inference is None or self._inference[0] is not self.network:
            models = build_inference_models(
                self.network, self.hparams, self.target_tokenizer.vocab_size
            )
            self._inference = (self.network, *models, *compiled_calls(*models))
        return self._inference

    def infer(self, graph: str, *inputs: Any) -> list[Any]:
        """The outputs of ``"encoder"`` or ``"decoder_step"`` for `inputs`: on the engine
        `use_engine` handed in, else on the Keras graphs, compiled once per network (one
        `tf.function` each, as decoding calls the step graph once per output token)."""
        if self.engine is not None:
            return super().infer(graph, *inputs)
        compiled = dict(zip(("encoder", "decoder_step"), self._keras_inference()[3:], strict=True))
        if graph not in compiled:
            raise KeyError(f"model {self.name!r} has graphs {sorted(compiled)}; no {graph!r}")
        return [np.asarray(t) for t in compiled[graph](*inputs)]

    def _require_inference(self) -> None:
        if self.engine is None:
            self._require_network()

    # -- decoding -------------------------------------------------------------
    def _encode_batch(self, source_ids: np.ndarray) -> list[np.ndarray]:
        """Initial decoder states ``[h, c, encoder outputs, source mask]`` for a batch."""
        width = max(1, int((source_ids != PAD_ID).sum(axis=1).max(initial=0)))
        source_ids = np.ascontiguousarray(source_ids[:, :width])
        memory, h, c = self.infer("encoder", source_ids)
        return [h, c, memory, source_ids != PAD_ID]

    def _step(self, tokens: np.ndarray, states: list[np.ndarray], keep_weights=None):
        h, c, memory, mask = states
        log_probs, h, c, weights = self.infer(
            "decoder_step", tokens.astype(np.int32)[:, None], h, c, memory, mask
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
        return self.preprocessor.detokenize(ids)

    def predict(self, sentences, beam_width: int | None = None) -> list[str]:
        """Translations of ``sentences`` (detokenized text), by greedy search
        (``beam_width=1``) or beam search; default: the ``beam_width`` hyperparameter.

        Raises:
            TypeError: not a list of strings; ValueError: no sentences at all.
        """
        self._require_inference()
        sentences = check_sentences(sentences)
        ids = self.translate_ids(self.encode_sources(sentences), beam_width)
        return self.preprocessor.inverse_transform(ids)

    def attention_matrix(self, sentence: str) -> tuple[list[str], list[str], np.ndarray]:
        """Greedy translation of one sentence with its attention weights.

        Returns:
            ``(source_tokens, target_tokens, weights)``, ``weights[t, i]`` being the
            attention of output token ``t`` (the last one is ``<end>`` when the translation
            ended) on source token ``i``.
        """
        from zoo.decoding import greedy_search

        self._require_inference()
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
        return self.preprocessor.batches(
            source_ids, target_in, labels, self.hparams["batch_size"], rng, shuffle
        )

    def _dataset(self, source_ids, target_in, labels, seed, shuffle=True):
        rng = np.random.default_rng(seed)
        batches = math.ceil(len(labels) / self.hparams["batch_size"])
        return training_dataset(
            lambda: self._batches(source_ids, target_in, labels, rng, shuffle), batches
        )

    def fit(
        self,
        data: SentencePairs,
        epochs: int | None = None,
        verbose: int | str = 2,
        network: Any = None,
        **kwargs: Any,
    ):
        """Fits both vocabularies and the network on ``data``.

        A seeded ``val_fraction`` of the pairs is held out for early stopping on the
        validation loss (the best weights are kept). Extra keyword arguments go to
        `keras.Model.fit` (e.g. ``callbacks``).
        """
        import keras

        hp = self.hparams
        self.fit_preprocessing(data)
        order = np.random.default_rng(hp["seed"]).permutation(len(data))
        n_val = min(int(round(hp["val_fraction"] * len(data))), len(data) - 1)
        train, val = data.subset(order[n_val:]), data.subset(order[:n_val])
        encoded = self._encoded(train)
        self.network = self.build_network() if network is None else network
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

        self._require_inference()
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
