"""The speech preprocessor's log-mel features against keras.layers.MelSpectrogram."""

from __future__ import annotations

import numpy as np
import pytest

from zoo.models.speech.features import PREPROCESSING_SCHEMA, LogMelFeatures


def chirp(seconds: float = 0.7, rate: int = 16000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    rng = np.random.default_rng(0)
    signal = np.sin(2 * np.pi * (200 + 2500 * t) * t) + 0.05 * rng.normal(size=len(t))
    return signal.astype(np.float32)


def test_mel_energies_match_keras_melspectrogram():
    import keras

    audio = chirp()
    layer = keras.layers.MelSpectrogram(
        fft_length=512,
        sequence_stride=160,
        sequence_length=400,
        window="hann",
        sampling_rate=16000,
        num_mel_bins=40,
        min_freq=0.0,
        max_freq=8000.0,
        power_to_db=False,
    )
    expected = np.asarray(layer(audio[None]))[0].T  # [frames, mels]
    # Keras centres frame i on sample 160 i (reflect padding, window in the middle of the
    # 512-sample FFT frame); ours starts at sample 160 i: shift the signal by 200 samples.
    padded = np.pad(audio, 256, mode="reflect")[56:]
    ours = LogMelFeatures(16000, 40, normalization="none").mel_power(padded)
    count = min(len(ours), len(expected))
    assert count >= len(expected) - 1
    scale = expected[:count].max()
    np.testing.assert_allclose(ours[:count], expected[:count], rtol=1e-3, atol=1e-5 * scale)


def test_normalisation_and_round_trip():
    import jsonschema

    audio = chirp()
    features = LogMelFeatures(16000, 24).fit([audio, audio[:8000] * 0.1])
    frames = features.transform(audio)
    assert frames.shape == (features.frames_for(len(audio)), 24) and frames.dtype == np.float32
    state = features.to_config()
    jsonschema.validate({"features": state, "alphabet": ["a", " "]}, PREPROCESSING_SCHEMA)
    again = LogMelFeatures.from_config(state)
    np.testing.assert_array_equal(again.transform(audio), frames)
    per_utterance = LogMelFeatures(16000, 24, normalization="utterance").transform(audio)
    np.testing.assert_allclose(per_utterance.mean(0), 0, atol=1e-4)
    np.testing.assert_allclose(per_utterance.std(0), 1, atol=1e-3)
    # a recording shorter than one window still gives one frame
    assert LogMelFeatures(normalization="none").transform(audio[:100]).shape == (1, 40)


def test_frames_are_those_of_the_pieces():
    """Frames are not centred: the frames of a signal are computed from its own samples
    only, so a stream reproduces them."""
    audio = chirp(0.5)
    features = LogMelFeatures(normalization="none")
    whole = features.log_mel(audio)
    head = features.log_mel(audio[: 400 + 9 * 160])
    np.testing.assert_array_equal(whole[:10], head)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="normalization"):
        LogMelFeatures(normalization="cepstral")
    with pytest.raises(RuntimeError, match="fit"):
        LogMelFeatures().transform(chirp(0.1))
