"""The embedded default: eSpeak NG speech, seeded, cached, held-out voices."""

from __future__ import annotations

import numpy as np

from zoo.models.speech import synth


def test_voices_are_held_out():
    assert not set(synth.TRAIN_VOICES) & set(synth.TEST_VOICES)


def test_seeded_content_cached_audio(tmp_path, monkeypatch):
    monkeypatch.setenv(synth.CACHE_ENV, str(tmp_path))
    train, test = synth.synthetic_speech(train=5, test=3, seed=4)
    assert len(train) == 5 and len(test) == 3
    assert set(train.speakers) <= set(synth.TRAIN_VOICES)
    assert set(test.speakers) <= set(synth.TEST_VOICES)
    for audio in train.audio + test.audio:
        assert audio.dtype == np.float32 and len(audio) > 0.2 * 16000
        assert 0.001 < np.abs(audio).max() <= 1.0
    assert list((tmp_path / "speech").glob("synthetic-*.npz"))
    again, _ = synth.synthetic_speech(train=5, test=3, seed=4)  # from the cache
    assert again.texts == train.texts and again.speakers == train.speakers
    for a, b in zip(again.audio, train.audio, strict=True):
        np.testing.assert_allclose(a, b, atol=1 / 32767)  # stored as 16-bit PCM
    fresh = synth.synthesize(5, synth.TRAIN_VOICES, seed=8)  # the same draws, not cached
    assert fresh.texts == train.texts and fresh.speakers == train.speakers
    lengths = np.array([len(a) for a in fresh.audio]) / np.array([len(a) for a in train.audio])
    assert np.all(np.abs(lengths - 1) < 0.05)  # eSpeak NG jitters by a few samples
    other, _ = synth.synthetic_speech(train=5, test=3, seed=5, cache=False)
    assert other.texts != train.texts
