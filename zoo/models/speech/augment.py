"""Training-time augmentation, NumPy only, each part a hyperparameter of the model.

* Speed perturbation (Ko et al., 'Audio Augmentation for Speech Recognition', 2015):
  the recording resampled by a factor drawn from `{1 - s, 1, 1 + s}`, which changes tempo
  and pitch together, as Kaldi's `sox speed` does.
* Additive white noise at a signal-to-noise ratio drawn from `[snr, snr + 20]` dB.
* SpecAugment time and frequency masks (Park et al., 'SpecAugment', 2019) on the
  normalised features: `freq_masks` bands of up to `freq_width` filters and
  `time_masks` spans of up to `time_width` frames are set to the mean (0, plus a tiny
  offset so that the padding mask, which looks for all-zero frames, never takes a
  masked frame for padding).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from zoo.models.speech.audio import resample

MASK_VALUE = 1e-3


@dataclass
class Augmentation:
    """The augmentation a recognizer trains with (module docstring); zeros turn parts off."""

    speed: float = 0.0
    noise_snr: float = 0.0
    time_masks: int = 0
    time_width: int = 0
    freq_masks: int = 0
    freq_width: int = 0

    def audio(self, audio: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        if self.speed > 0:
            factor = float(rng.choice([1.0 - self.speed, 1.0, 1.0 + self.speed]))
            if factor != 1.0:
                # playing `factor` times faster: resample as if recorded at rate * factor
                audio = resample(audio, int(round(16000 * factor)), 16000)
        if self.noise_snr > 0:
            snr = rng.uniform(self.noise_snr, self.noise_snr + 20.0)
            power = float(np.mean(audio**2)) + 1e-10
            audio = audio + rng.normal(size=len(audio)) * np.sqrt(power / 10 ** (snr / 10))
        return np.asarray(audio, np.float32)

    def features(self, frames: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        frames = frames.copy()
        count, width = frames.shape
        for _ in range(self.freq_masks):
            size = int(rng.integers(0, self.freq_width + 1))
            start = int(rng.integers(0, max(1, width - size + 1)))
            frames[:, start : start + size] = MASK_VALUE
        for _ in range(self.time_masks):
            size = int(rng.integers(0, min(self.time_width, count // 5) + 1))
            start = int(rng.integers(0, max(1, count - size + 1)))
            frames[start : start + size] = MASK_VALUE
        return frames

    @property
    def changes_audio(self) -> bool:
        return self.speed > 0 or self.noise_snr > 0
