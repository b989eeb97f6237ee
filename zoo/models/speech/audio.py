"""Reading audio with `soundfile` (libsndfile: WAV, FLAC, NIST SPHERE, ...) and resampling.

`read_audio(path, sample_rate)` returns mono float32 samples at `sample_rate`: channels
are averaged, and audio recorded at another rate is resampled with a polyphase filter
(`scipy.signal.resample_poly`). The file is checked first (`zoo.data.reading`: a regular
file within the size limit), and audio longer than `MAX_SECONDS` is refused.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from zoo.data.errors import DataError
from zoo.data.reading import check_data_file

#: Longest accepted recording, in seconds.
MAX_SECONDS = 600.0


def resample(audio: np.ndarray, rate: int, target: int) -> np.ndarray:
    """`audio` at `rate` Hz resampled to `target` Hz (polyphase, anti-aliased)."""
    if rate == target:
        return np.asarray(audio, np.float32)
    from scipy.signal import resample_poly

    common = math.gcd(int(rate), int(target))
    return resample_poly(audio, target // common, rate // common).astype(np.float32)


def read_audio(path: str | os.PathLike[str], sample_rate: int = 16000) -> np.ndarray:
    """Mono float32 samples of the audio file `path`, at `sample_rate` Hz.

    Raises:
        MissingDataError: no such file. DataError: not a regular file, over the size
            limit, not audio libsndfile can read, empty, or longer than `MAX_SECONDS`.
    """
    import soundfile

    path = check_data_file(path, what="audio file")
    try:
        info = soundfile.info(str(path))
        if info.frames / max(info.samplerate, 1) > MAX_SECONDS:
            raise DataError(
                f"the recording is {info.frames / info.samplerate:.0f} s long; at most "
                f"{MAX_SECONDS:.0f} s is accepted",
                file=path,
            )
        audio, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, soundfile.LibsndfileError, TypeError) as error:
        reason = " ".join(str(error).split()).replace(str(path), Path(path).name)
        raise DataError(f"not audio that libsndfile can read ({reason})", file=path) from None
    if audio.size == 0:
        raise DataError("the recording has no samples", file=path)
    mono = audio.mean(axis=1)
    if not np.all(np.isfinite(mono)):
        raise DataError("the recording has non-finite samples", file=path)
    return resample(mono, int(rate), int(sample_rate))
