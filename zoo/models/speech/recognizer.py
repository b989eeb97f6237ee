"""`SpeechRecognizer`: audio in, text out; LSTM encoders trained with CTC on zoo layers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from zoo.data.errors import DataError
from zoo.hparams import DROPOUT, FRACTION, LEARNING_RATE, SEED, boolean, choice, integer, number
from zoo.models.base import ZooModel
from zoo.models.speech.augment import Augmentation
from zoo.models.speech.ctc import Alphabet, greedy_decode, prefix_beam_search
from zoo.models.speech.data import Utterances
from zoo.models.speech.features import LogMelFeatures

#: Characters a recognizer can write when its training data holds no others.
DEFAULT_ALPHABET = list(" 'abcdefghijklmnopqrstuvwxyz")


class SpeechRecognizer(ZooModel):
    """Character-level speech recognition with CTC (Graves et al., 2006).

    Audio (resampled to `sample_rate`) -> `LogMelFeatures` (NumPy: log-mel filterbanks,
    mean/variance normalised) -> `layers` zoo LSTMs, bidirectional for the BLSTMP encoder
    ("speech-ctc-bilstm") or forward only for the streaming model
    ("speech-ctc-lstm-streaming"), each followed by a linear projection, with 2x frame
    subsampling after the first `subsample_layers` -> log-softmax over the characters and
    the CTC blank. Trained with `keras.ops.ctc_loss`; decoded greedily or by CTC prefix
    beam search (`zoo.models.speech.ctc`, NumPy). Augmentation: speed perturbation,
    additive noise and SpecAugment masks (`zoo.models.speech.augment`).

    Example:

    >>> model = zoo.create_model("speech-ctc-bilstm")
    >>> train, test = model.default_data()       # synthetic eSpeak NG speech
    >>> model.fit(train)
    >>> model.predict(["clip.wav"])               # ["three one four"]
    """

    task = "speech"
    default_hparams = {
        "sample_rate": 16000,
        "n_mels": 40,
        "normalization": "global",
        "frame_stacking": 2,
        "units": 128,
        "layers": 3,
        "projection": 128,
        "subsample_layers": 1,
        "bidirectional": True,
        "dropout": 0.1,
        "learning_rate": 3e-3,
        "batch_size": 64,
        "epochs": 60,
        "patience": 5,
        "val_fraction": 0.1,
        "speed_perturbation": 0.1,
        "noise_snr": 15.0,
        "time_masks": 2,
        "time_width": 12,
        "freq_masks": 2,
        "freq_width": 6,
        "beam_width": 8,
        "max_seconds": 0.0,
        "seed": 0,
    }
    hparam_specs = {
        "sample_rate": integer(4000, 96000),
        "n_mels": integer(4, 256),
        "normalization": choice("global", "utterance", "none"),
        "frame_stacking": integer(1, 8),
        "units": integer(1),
        "layers": integer(1, 12),
        "projection": integer(1),
        "subsample_layers": integer(0, 4),
        "bidirectional": boolean(),
        "dropout": DROPOUT,
        "learning_rate": LEARNING_RATE,
        "batch_size": integer(1),
        "epochs": integer(1),
        "patience": integer(0),
        "val_fraction": FRACTION,
        "speed_perturbation": number(0, 0.5),
        "noise_snr": number(0, 100),
        "time_masks": integer(0, 20),
        "time_width": integer(0, 200),
        "freq_masks": integer(0, 20),
        "freq_width": integer(0, 128),
        "beam_width": integer(1, 256),
        "max_seconds": number(0),
        "seed": SEED,
    }

    def __init__(self, name: str | None = None, **hparams: Any) -> None:
        super().__init__(name, **hparams)
        hp = self.hparams
        if hp["subsample_layers"] > hp["layers"]:
            raise ValueError(
                f"{self.name}: subsample_layers ({hp['subsample_layers']}) must not exceed "
                f"layers ({hp['layers']})"
            )
        self.features = LogMelFeatures(
            hp["sample_rate"], hp["n_mels"], normalization=hp["normalization"]
        )
        self.alphabet = Alphabet(DEFAULT_ALPHABET)
        self.augmentation = Augmentation(
            hp["speed_perturbation"],
            hp["noise_snr"],
            hp["time_masks"],
            hp["time_width"],
            hp["freq_masks"],
            hp["freq_width"],
        )

    # -- preprocessing ----------------------------------------------------------
    @property
    def preprocessor(self) -> LogMelFeatures:
        """The feature extractor (NumPy), shared with the runtime."""
        return self.features

    def preprocessing_state(self) -> dict[str, Any]:
        return {"features": self.features.to_config(), "alphabet": self.alphabet.characters}

    def restore_preprocessing(self, state: dict[str, Any]) -> None:
        self.features = LogMelFeatures.from_config(state["features"])
        self.alphabet = Alphabet(state["alphabet"])

    def fit_preprocessing(self, data: Utterances) -> None:
        """The alphabet (the training texts' characters) and the feature statistics."""
        if len(data) == 0:
            raise DataError("no utterances to train on", file=data.source or None)
        from collections import Counter

        self.alphabet = Alphabet.from_texts(data.texts)
        self.features.fit(self._audio(data))
        self.most_frequent_text = Counter(data.texts).most_common(1)[0][0]

    def output_step(self) -> int:
        """Network input (stacked) frames per output frame."""
        return 2 ** self.hparams["subsample_layers"]

    def subsampling(self) -> int:
        """Feature frames per output frame."""
        return self.hparams["frame_stacking"] * self.output_step()

    def stack(self, frames: np.ndarray) -> np.ndarray:
        """`[t, F]` feature frames -> the network's input `[ceil(t / k), k * F]`: each `k =
        frame_stacking` consecutive frames side by side (the last group padded with zeros)."""
        k = self.hparams["frame_stacking"]
        if k == 1:
            return frames
        extra = -len(frames) % k
        if extra:
            frames = np.concatenate([frames, np.zeros((extra, frames.shape[1]), frames.dtype)])
        return frames.reshape(len(frames) // k, k * frames.shape[1])

    def network_input(self, audio: np.ndarray) -> np.ndarray:
        """The network's input for one recording: normalised features, stacked."""
        return self.stack(self.features.transform(audio))

    def output_frames(self, stacked: int | np.ndarray) -> np.ndarray:
        """Output frames for `stacked` network input frames."""
        from zoo.models.speech.batching import output_frames

        return output_frames(stacked, self.hparams["subsample_layers"])

    def _audio(self, data: Utterances) -> list[np.ndarray]:
        if data.sample_rate != self.features.sample_rate:
            from zoo.models.speech.audio import resample

            return [resample(a, data.sample_rate, self.features.sample_rate) for a in data.audio]
        return list(data.audio)

    def recordings(self, inputs: Any) -> list[np.ndarray]:
        """Recordings from `Utterances`, audio file paths, or float arrays at `sample_rate`."""
        from zoo.models.speech.audio import read_audio

        if isinstance(inputs, Utterances):
            return self._audio(inputs)
        if isinstance(inputs, (str, os.PathLike, np.ndarray)):
            inputs = [inputs]
        audio = []
        for index, item in enumerate(inputs):
            if isinstance(item, (str, os.PathLike)):
                audio.append(read_audio(item, self.features.sample_rate))
                continue
            array = np.asarray(item, np.float32)
            if array.ndim != 1 or array.size == 0 or not np.all(np.isfinite(array)):
                raise ValueError(
                    f"recording {index}: expected a non-empty 1-D array of finite samples at "
                    f"{self.features.sample_rate} Hz (or an audio file path)"
                )
            audio.append(array)
        if not audio:
            raise ValueError("nothing to transcribe: no recordings given")
        return audio

    # -- network ---------------------------------------------------------------
    @classmethod
    def register_custom_objects(cls) -> None:
        import zoo.models.speech.network  # noqa: F401  (registers FrameSubsample, ctc_loss)

    def build_network(self):
        import keras

        from zoo.models.speech.network import build_encoder, ctc_loss

        hp = self.hparams
        keras.utils.set_random_seed(hp["seed"])
        network = build_encoder(
            hp["n_mels"] * hp["frame_stacking"],
            self.alphabet.classes,
            units=hp["units"],
            layers=hp["layers"],
            projection=hp["projection"],
            subsample_layers=hp["subsample_layers"],
            bidirectional=hp["bidirectional"],
            dropout=hp["dropout"],
            name=self.name.replace("-", "_"),
        )
        network.compile(
            optimizer=keras.optimizers.Adam(hp["learning_rate"], clipnorm=5.0),
            loss=ctc_loss,
        )
        return network

    def recurrent_layers(self) -> list[Any]:
        """The network's LSTM layers (each `Bidirectional` wrapper, or zoo LSTM), in order."""
        self._require_network()
        return [
            layer for layer in self.network.layers if layer.name.startswith(("lstm_", "bilstm_"))
        ]

    # -- training ---------------------------------------------------------------
    def validation_split(self, data: Utterances) -> tuple[Utterances, Utterances]:
        """`(train, validation)`: a seeded `val_fraction` of the utterances held out."""
        n_val = int(round(self.hparams["val_fraction"] * len(data)))
        if n_val >= len(data):
            raise DataError(
                f"val_fraction={self.hparams['val_fraction']} holds out all {len(data)} utterances",
                file=data.source or None,
            )
        order = np.random.default_rng(self.hparams["seed"]).permutation(len(data))
        return data.subset(np.sort(order[n_val:])), data.subset(np.sort(order[:n_val]))

    def _limit(self, data: Utterances) -> Utterances:
        limit = self.hparams["max_seconds"]
        if not limit:
            return data
        keep = [i for i, a in enumerate(data.audio) if len(a) <= limit * data.sample_rate]
        return data.subset(keep)

    def fit(
        self,
        data: Utterances,
        epochs: int | None = None,
        verbose: int | str = 2,
        network: Any = None,
        **kwargs: Any,
    ) -> dict[str, list[float]]:
        """Fits the alphabet, the feature statistics and the network (CTC) on `data`.

        A seeded `val_fraction` is held out: its greedy CER (`val_cer`, jiwer) is computed
        after every epoch, and early stopping keeps the weights of the best `val_cer`.
        """
        import keras

        from zoo.models.speech.training import CerCallback, UtteranceBatches

        hp = self.hparams
        self.fit_preprocessing(data)
        train, val = self.validation_split(self._limit(data))
        self.network = self.build_network() if network is None else network
        self.use_engine(None)
        rng = np.random.default_rng(hp["seed"])
        batches = UtteranceBatches(self, self._audio(train), train.texts, hp["batch_size"], rng)
        callbacks = list(kwargs.pop("callbacks", []))
        validation = None
        if len(val):
            validation = UtteranceBatches(
                self, self._audio(val), val.texts, hp["batch_size"]
            ).dataset()
            cer = CerCallback(self, self._audio(val), val.texts)
            stop = keras.callbacks.EarlyStopping(
                monitor="val_cer", mode="min", patience=hp["patience"], restore_best_weights=True
            )
            callbacks = [cer, stop, *callbacks]
        history = self.network.fit(
            batches.dataset(),
            validation_data=validation,
            epochs=epochs or hp["epochs"],
            callbacks=callbacks,
            verbose=verbose,
            **kwargs,
        )
        self.history = {k: [float(v) for v in vals] for k, vals in history.history.items()}
        return self.history

    # -- inference ---------------------------------------------------------------
    def infer(self, graph: str, *inputs: Any) -> list[Any]:
        """As `ZooModel.infer`; on Keras, the `network` graph runs as one `tf.function`
        traced once for any batch and length (a plain call would run the LSTM loops
        eagerly, and `predict` retraces for each new length)."""
        if self.engine is not None or graph != "network":
            return super().infer(graph, *inputs)
        self._require_network()
        compiled = getattr(self, "_compiled", None)
        if compiled is None or compiled[0] is not self.network:
            import tensorflow as tf

            network = self.network
            signature = [tf.TensorSpec((None, None, network.input_shape[-1]), tf.float32)]
            function = tf.function(lambda x: network(x, training=False), input_signature=signature)
            compiled = self._compiled = (network, function)
        return [np.asarray(compiled[1](np.asarray(inputs[0], np.float32)))]

    def log_probs(self, inputs: Any, batch_size: int = 16) -> list[np.ndarray]:
        """Per recording, the CTC log-posteriors `[output frames, classes]`."""
        from zoo.models.speech.batching import pad_batch

        if self.engine is None:
            self._require_network()
        frames = [self.network_input(a) for a in self.recordings(inputs)]
        order = np.argsort([len(f) for f in frames], kind="stable")
        results: list[np.ndarray | None] = [None] * len(frames)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            (out,) = self.infer("network", pad_batch([frames[i] for i in rows]))
            out = np.asarray(out, np.float32)
            for row, index in enumerate(rows):
                length = int(self.output_frames(len(frames[index])))
                results[index] = out[row, :length]
        return results  # type: ignore[return-value]

    def decode(self, log_probs: np.ndarray, beam_width: int = 1) -> str:
        """Text from one recording's log-posteriors: greedy for `beam_width=1`, else CTC
        prefix beam search."""
        if beam_width <= 1:
            return self.alphabet.decode(greedy_decode(log_probs))
        return self.alphabet.decode(prefix_beam_search(log_probs, beam_width))

    def predict(self, inputs: Any, beam_width: int = 1) -> list[str]:
        """Transcripts of recordings: audio file paths, float arrays at `sample_rate`, or
        `Utterances`."""
        if int(beam_width) < 1:
            raise ValueError(f"beam_width must be >= 1; got {beam_width}")
        return [self.decode(lp, int(beam_width)) for lp in self.log_probs(inputs)]

    def evaluate(self, data: Utterances) -> dict[str, Any]:
        """WER and CER (jiwer) of greedy and beam-search decoding on `data`, beside the
        training set's most frequent transcript said for every recording."""
        from zoo.models.speech.metrics import error_rates

        posteriors = self.log_probs(data)
        greedy = [self.decode(lp) for lp in posteriors]
        beam = [self.decode(lp, self.hparams["beam_width"]) for lp in posteriors]
        model = error_rates(data.texts, greedy)
        beam_rates = error_rates(data.texts, beam)
        model.update({"wer_beam": beam_rates["wer"], "cer_beam": beam_rates["cer"]})
        model["beam_width"] = self.hparams["beam_width"]
        report: dict[str, Any] = {"model": model}
        common = getattr(self, "most_frequent_text", None)
        if common:
            report["most_frequent_transcript"] = error_rates(data.texts, [common] * len(data))
        report["utterances"] = len(data)
        report["examples"] = [
            {"reference": r, "hypothesis": h} for r, h in list(zip(data.texts, greedy))[:5]
        ]
        return report

    def plots(self, data: Utterances, directory: Path) -> list[Path]:
        """`ctc_alignment.png`: one held-out utterance's spectrogram and CTC posteriors."""
        from zoo.models.speech.plots import plot_alignment

        audio = self._audio(data.subset([0]))[0]
        (posteriors,) = self.log_probs([audio])
        path = Path(directory) / "ctc_alignment.png"
        return [plot_alignment(self, audio, posteriors, path, reference=data.texts[0])]

    # -- data ----------------------------------------------------------------------
    @classmethod
    def default_data(cls, seed: int = 0) -> tuple[Utterances, Utterances]:
        """Synthetic speech (eSpeak NG, generated offline and cached): 1600 training
        utterances and 200 test utterances by voices training never hears."""
        from zoo.models.speech.synth import synthetic_speech

        return synthetic_speech(seed=seed)

    @classmethod
    def load_data(cls, path: str | os.PathLike[str], seed: int = 0):
        """An AN4 root, a folder with `train/` and `test/`, a manifest or a Kaldi folder
        (`zoo.models.speech.data.load_speech`)."""
        from zoo.models.speech.data import load_speech

        return load_speech(path, cls.default_hparams["sample_rate"], seed)
