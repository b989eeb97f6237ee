"""The speech family's embedded default: English speech synthesized offline by eSpeak NG.

This is **synthetic speech**, not recordings of people: eSpeak NG (a formant
synthesizer), shipped with its voice data inside the `espeakng-loader` package and
driven here through `ctypes` (no system install, no download). The real benchmark is
CMU AN4 (`benchmarks/quality_speech.py`).

Content: digit strings (one to five digits, "zero" to "nine" and "oh") and short
command phrases, spoken by many eSpeak voice variants on five English accents, at
random speeds and pitches, with random gain, leading/trailing silence and background
noise (white or brown, 10-35 dB SNR). The test split uses voice variants that training
never hears (`TEST_VOICES`). Everything is drawn from a seeded generator and eSpeak is
deterministic, so a seed gives the same audio; the result is cached on first use under
`$LSTM_ZOO_CACHE_DIR` (default `~/.cache/lstm-zoo`) as `speech/synthetic-*.npz`.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import threading
from pathlib import Path

import numpy as np

from zoo.models.speech.audio import resample
from zoo.models.speech.data import Utterances

VERSION = 2
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "oh"]
PHRASES = [
    "yes", "no", "stop", "go", "start", "enter", "repeat", "help", "cancel", "left",
    "right", "up", "down", "on", "off", "open", "close", "play", "pause", "next", "back",
    "call home", "turn left", "turn right", "go back", "stop now", "start again",
    "open the door", "close the door", "lights on", "lights off", "volume up",
    "volume down", "next song", "play music", "what time is it", "call my office",
    "cancel that", "say it again", "good morning",
]  # fmt: skip
ACCENTS = ["en-us", "en", "en-gb-scotland", "en-029", "en-us-nyc"]
TRAIN_VOICES = [
    "m1", "m2", "m3", "m4", "m5", "m6", "f1", "f2", "f3", "f4", "klatt", "klatt2",
    "klatt3", "Alex", "Andy", "Annie", "Denis", "Gene", "Hugo", "Jacky", "Lee", "Michael",
    "Mike", "Reed", "adam", "anika", "aunty", "belinda", "benjamin", "boris", "caleb",
    "david", "ed", "edward", "grandma", "iven", "john", "linda", "max", "norbert",
]  # fmt: skip
#: Voice variants held out for evaluation: never heard in training.
TEST_VOICES = [
    "m7",
    "f5",
    "klatt4",
    "grandpa",
    "ian",
    "michel",
    "paul",
    "quincy",
    "steph",
    "travis",
]
SAMPLE_RATE = 16000
CACHE_ENV = "LSTM_ZOO_CACHE_DIR"

_LOCK = threading.Lock()
_ENGINE: dict[str, object] = {}


class SynthesisError(RuntimeError):
    """eSpeak NG could not be loaded or could not speak."""


def _engine():
    """The initialised libespeak-ng (once per process) and its output sample rate."""
    if "lib" in _ENGINE:
        return _ENGINE["lib"], _ENGINE["rate"]
    try:
        import espeakng_loader
    except ImportError as error:  # pragma: no cover - a dependency of the project
        raise SynthesisError("the embedded speech default needs espeakng-loader") from error
    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_Synth.argtypes = [
        ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
        ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
    ]  # fmt: skip
    # AUDIO_OUTPUT_SYNCHRONOUS, no buffer hint, the package's data, espeakINITIALIZE_DONT_EXIT
    rate = lib.espeak_Initialize(2, 0, espeakng_loader.get_data_path().encode(), 0x8000)
    if rate <= 0:
        raise SynthesisError(f"espeak_Initialize failed ({rate})")
    chunks: list[np.ndarray] = []
    callback_type = ctypes.CFUNCTYPE(
        ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
    )

    def collect(wav, count, events):  # called by espeak_Synth with each block of samples
        if count > 0 and wav:
            chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0

    callback = callback_type(collect)
    lib.espeak_SetSynthCallback(callback)
    _ENGINE.update(lib=lib, rate=rate, chunks=chunks, callback=callback)
    return lib, rate


def speak(text: str, voice: str = "en-us", rate: int = 160, pitch: int = 50) -> np.ndarray:
    """`text` spoken by eSpeak NG voice `voice` ("en-us+f3") at `rate` words per minute
    and `pitch` (0-100), as float32 samples at 16 kHz."""
    with _LOCK:
        lib, native = _engine()
        chunks = _ENGINE["chunks"]
        chunks.clear()
        if lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise SynthesisError(f"eSpeak NG has no voice {voice!r}")
        lib.espeak_SetParameter(1, int(rate), 0)  # espeakRATE
        lib.espeak_SetParameter(3, int(pitch), 0)  # espeakPITCH
        data = text.encode("utf-8")
        # espeakCHARS_UTF8 (1) at position 0, POS_CHARACTER (1)
        status = lib.espeak_Synth(data, len(data) + 1, 0, 1, 0, 1, None, None)
        lib.espeak_Synchronize()
        if status != 0 or not chunks:
            raise SynthesisError(f"eSpeak NG could not speak {text!r} (status {status})")
        samples = np.concatenate(chunks).astype(np.float32) / 32768.0
    return resample(samples, native, SAMPLE_RATE)


def _text(rng: np.random.Generator) -> str:
    if rng.random() < 0.65:
        return " ".join(DIGITS[i] for i in rng.integers(0, len(DIGITS), rng.integers(1, 6)))
    return PHRASES[rng.integers(len(PHRASES))]


def _noisy(audio: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    pad = rng.integers(0, int(0.15 * SAMPLE_RATE), size=2)
    audio = np.pad(audio, (int(pad[0]), int(pad[1])))
    noise = rng.normal(size=len(audio))
    if rng.random() < 0.5:  # brown noise: integrated white noise, mean removed
        noise = np.cumsum(noise)
        window = np.cumsum(np.concatenate([np.zeros(401), noise, np.full(400, noise[-1])]))
        noise -= (window[801:] - window[:-801]) / 801  # minus its 801-sample moving average
    snr = rng.uniform(10.0, 35.0)
    power = np.mean(audio**2) + 1e-12
    noise *= np.sqrt(power / (np.mean(noise**2) + 1e-12) / 10 ** (snr / 10))
    gain = 10 ** rng.uniform(-0.5, 0.3)
    return np.clip((audio + noise) * gain, -1, 1).astype(np.float32)


def synthesize(count: int, voices: list[str], seed: int) -> Utterances:
    """`count` utterances spoken by `voices` (variant names) on random accents."""
    rng = np.random.default_rng(seed)
    audio, texts, speakers = [], [], []
    for index in range(count):
        text = _text(rng)
        variant = voices[rng.integers(len(voices))]
        accent = ACCENTS[rng.integers(len(ACCENTS))]
        rate, pitch = int(rng.integers(120, 230)), int(rng.integers(15, 85))
        # the noise has its own generator: eSpeak's output length varies by a few samples
        # from run to run, and must not shift the draws of the utterances after it
        noise = np.random.default_rng([seed, index])
        audio.append(_noisy(speak(text, f"{accent}+{variant}", rate, pitch), noise))
        texts.append(text)
        speakers.append(variant)
    return Utterances(audio, texts, SAMPLE_RATE, speakers=speakers, source="espeak-ng synthetic")


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "lstm-zoo") / "speech"


def _save(data: Utterances, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lengths = np.asarray([len(a) for a in data.audio], np.int64)
    pcm = np.concatenate(data.audio) * 32767.0
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        np.savez(
            handle,
            pcm=pcm.astype(np.int16),
            lengths=lengths,
            meta=np.frombuffer(json.dumps([data.texts, data.speakers]).encode(), np.uint8),
        )
    os.replace(tmp, path)


def _load(path: Path) -> Utterances | None:
    try:
        with np.load(path, allow_pickle=False) as archive:
            pcm, lengths = archive["pcm"], archive["lengths"]
            texts, speakers = json.loads(archive["meta"].tobytes().decode())
    except (OSError, ValueError, KeyError):
        return None
    if len(texts) != len(lengths) or int(lengths.sum()) != len(pcm):
        return None
    audio = np.split(pcm.astype(np.float32) / 32767.0, np.cumsum(lengths)[:-1])
    return Utterances(
        list(audio), texts, SAMPLE_RATE, speakers=speakers, source="espeak-ng synthetic"
    )


def synthetic_speech(
    train: int | None = None, test: int | None = None, seed: int = 0, cache: bool = True
) -> tuple[Utterances, Utterances]:
    """`(train, test)`: synthetic utterances; the test voices are held out (module docstring).

    Default sizes: 1600 and 200 utterances, or 96 and 24 in quick mode
    (`LSTM_ZOO_QUICK=1`, as the notebooks and tests run).
    """
    quick = os.environ.get("LSTM_ZOO_QUICK", "") not in ("", "0")
    train = train if train is not None else (96 if quick else 1600)
    test = test if test is not None else (24 if quick else 200)
    key = hashlib.sha256(json.dumps([VERSION, train, test, seed]).encode()).hexdigest()[:12]
    path = cache_dir() / f"synthetic-{key}.npz"
    parts = []
    for name, count, voices, offset in (
        ("train", train, TRAIN_VOICES, 0),
        ("test", test, TEST_VOICES, 1),
    ):
        part_path = path.with_name(f"{path.stem}-{name}.npz")
        data = _load(part_path) if cache and part_path.is_file() else None
        if data is None:
            data = synthesize(count, voices, seed * 2 + offset)
            if cache:
                with contextlib.suppress(OSError):  # a read-only home: generate again next time
                    _save(data, part_path)
        parts.append(data)
    return parts[0], parts[1]
