"""`LogMelFeatures`: the speech family's preprocessor, NumPy only.

Audio (mono float samples at `sample_rate`) becomes log-mel filterbank frames:
a periodic Hann window of `window` samples every `hop` samples (25 ms every 10 ms at
16 kHz), the power spectrum of an `n_fft`-point FFT, `n_mels` triangular filters on the
HTK mel scale (`2595 log10(1 + f/700)`, the same matrix as
`keras.layers.MelSpectrogram`), then `log(mel + 1e-6)`. Frames start at sample 0 and
are never centred, so frame `i` covers samples `[i * hop, i * hop + window)`: a stream
of audio chunks yields exactly the frames of the whole signal (`frames_for`).

Normalisation: `"global"` subtracts the mean and divides by the standard deviation of
each filter over the training frames (`fit`; streamable), `"utterance"` does so over each
utterance's own frames, `"none"` keeps the log energies. The runtime reuses this class,
so a bundle computes exactly what training saw.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["LogMelFeatures", "PREPROCESSING_SCHEMA", "mel_matrix"]

NORMALISATIONS = ("global", "utterance", "none")
FLOOR = 1e-6


def hertz_to_mel(frequency: np.ndarray | float) -> np.ndarray:
    """The HTK mel scale, `1127 ln(1 + f / 700)` (= `2595 log10(1 + f / 700)`)."""
    return 1127.0 * np.log1p(np.asarray(frequency, np.float64) / 700.0)


def mel_matrix(
    n_mels: int, n_fft: int, sample_rate: int, low: float = 0.0, high: float | None = None
) -> np.ndarray:
    """Triangular mel filters `[n_fft // 2 + 1, n_mels]`, linear in mel, HTK-style (the
    DC bin gets no weight)."""
    high = sample_rate / 2.0 if high is None else high
    bins = n_fft // 2 + 1
    linear = np.linspace(0.0, sample_rate / 2.0, bins)[1:]
    mel = hertz_to_mel(linear)[:, None]
    edges = np.linspace(hertz_to_mel(low), hertz_to_mel(high), n_mels + 2)
    lower, centre, upper = edges[:-2][None], edges[1:-1][None], edges[2:][None]
    weights = np.maximum(
        0.0, np.minimum((mel - lower) / (centre - lower), (upper - mel) / (upper - centre))
    )
    return np.concatenate([np.zeros((1, n_mels)), weights]).astype(np.float64)


class LogMelFeatures:
    """Log-mel filterbank features with mean/variance normalisation (module docstring).

    Args:
        sample_rate: the rate audio is resampled to before features are computed.
        n_mels: filters; window, hop, n_fft: frame length, frame step, FFT size (samples).
        normalization: "global", "utterance" or "none".
        mean, std: the fitted per-filter statistics ("global").

    Example:

        features = LogMelFeatures(16000, n_mels=40).fit([audio_1, audio_2])
        frames = features.transform(audio_1)        # [frames, 40], float32
    """

    def __init__(
        self,
        sample_rate: int = 16000,
        n_mels: int = 40,
        window: int = 400,
        hop: int = 160,
        n_fft: int = 512,
        normalization: str = "global",
        mean: list[float] | None = None,
        std: list[float] | None = None,
    ) -> None:
        if normalization not in NORMALISATIONS:
            raise ValueError(
                f"normalization must be one of {NORMALISATIONS}; got {normalization!r}"
            )
        if not (0 < window <= n_fft and hop > 0):
            raise ValueError(f"need 0 < window <= n_fft and hop > 0; got {window}, {n_fft}, {hop}")
        self.sample_rate, self.n_mels = int(sample_rate), int(n_mels)
        self.window, self.hop, self.n_fft = int(window), int(hop), int(n_fft)
        self.normalization = normalization
        self.mean = None if mean is None else np.asarray(mean, np.float64)
        self.std = None if std is None else np.asarray(std, np.float64)
        self.filters = mel_matrix(self.n_mels, self.n_fft, self.sample_rate)
        self.hann = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(self.window) / self.window)

    @property
    def fitted(self) -> bool:
        return self.normalization != "global" or self.mean is not None

    def frames_for(self, samples: int) -> int:
        """How many frames `samples` samples make (at least one: short audio is padded)."""
        return 1 + max(0, samples - self.window) // self.hop

    def mel_power(self, audio: np.ndarray) -> np.ndarray:
        """The mel filterbank energies `[frames, n_mels]` (before the log)."""
        audio = np.asarray(audio, np.float64).reshape(-1)
        if len(audio) < self.window:
            audio = np.pad(audio, (0, self.window - len(audio)))
        count = self.frames_for(len(audio))
        index = np.arange(self.window)[None, :] + self.hop * np.arange(count)[:, None]
        spectrum = np.fft.rfft(audio[index] * self.hann, n=self.n_fft)
        power = spectrum.real**2 + spectrum.imag**2
        return power @ self.filters

    def log_mel(self, audio: np.ndarray) -> np.ndarray:
        """`log(mel energies + 1e-6)`, `[frames, n_mels]`, not normalised."""
        return np.log(self.mel_power(audio) + FLOOR)

    def fit(self, audios: list[np.ndarray]) -> LogMelFeatures:
        """The per-filter mean and standard deviation over every frame of `audios`."""
        if self.normalization == "global":
            total = np.zeros(self.n_mels)
            square = np.zeros(self.n_mels)
            count = 0
            for audio in audios:
                log = self.log_mel(audio)
                total += log.sum(0)
                square += (log**2).sum(0)
                count += len(log)
            if count == 0:
                raise ValueError("no audio to fit the feature statistics on")
            self.mean = total / count
            self.std = np.sqrt(np.maximum(square / count - self.mean**2, 1e-8))
        return self

    def normalize(self, log: np.ndarray) -> np.ndarray:
        """Normalises log-mel frames as configured (per filter)."""
        if self.normalization == "global":
            if self.mean is None:
                raise RuntimeError("the feature statistics are not fitted: call fit() first")
            return (log - self.mean) / self.std
        if self.normalization == "utterance":
            return (log - log.mean(0)) / np.maximum(log.std(0), 1e-4)
        return log

    def transform(self, audio: np.ndarray) -> np.ndarray:
        """Normalised log-mel frames `[frames, n_mels]`, float32."""
        return self.normalize(self.log_mel(audio)).astype(np.float32)

    def to_config(self) -> dict[str, Any]:
        return {
            "sample_rate": self.sample_rate,
            "n_mels": self.n_mels,
            "window": self.window,
            "hop": self.hop,
            "n_fft": self.n_fft,
            "normalization": self.normalization,
            "mean": None if self.mean is None else [float(v) for v in self.mean],
            "std": None if self.std is None else [float(v) for v in self.std],
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LogMelFeatures:
        return cls(**{k: config[k] for k in FEATURE_KEYS})


FEATURE_KEYS = ("sample_rate", "n_mels", "window", "hop", "n_fft", "normalization", "mean", "std")

_STATS = {"type": ["array", "null"], "items": {"type": "number"}, "maxItems": 512}

#: The JSON Schema of the speech family's saved preprocessing state.
PREPROCESSING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["features", "alphabet"],
    "properties": {
        "features": {
            "type": "object",
            "required": list(FEATURE_KEYS),
            "properties": {
                "sample_rate": {"type": "integer", "minimum": 1000, "maximum": 192000},
                "n_mels": {"type": "integer", "minimum": 1, "maximum": 512},
                "window": {"type": "integer", "minimum": 16, "maximum": 16384},
                "hop": {"type": "integer", "minimum": 1, "maximum": 16384},
                "n_fft": {"type": "integer", "minimum": 16, "maximum": 16384},
                "normalization": {"enum": list(NORMALISATIONS)},
                "mean": _STATS,
                "std": {**_STATS, "items": {"type": "number", "exclusiveMinimum": 0}},
            },
            "additionalProperties": False,
        },
        "alphabet": {
            "type": "array",
            "items": {"type": "string", "minLength": 1, "maxLength": 1},
            "minItems": 1,
            "maxItems": 256,
            "uniqueItems": True,
        },
    },
    "additionalProperties": False,
}
