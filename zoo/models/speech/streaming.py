"""`StreamingTranscriber`: transcribe while audio arrives, over a bundle's `stream` graph.

NumPy and onnxruntime only. Audio chunks of any length go in (`feed`); the transcriber
keeps the samples that do not yet fill a frame, computes the new log-mel frames exactly
as `LogMelFeatures` does on the whole recording (frames are never centred, and the
normalisation is the fitted global one), stacks them, and runs the `stream` graph on as
many whole output steps as are ready (`model.subsampling()` feature frames each), so
every chunk starts on a subsampled frame; the LSTM states travel between calls. `text`
is the greedy transcript so far; `finish()` flushes the last frames as the whole-utterance
features would and returns the final transcript, which equals the whole-utterance one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from zoo.models.speech.ctc import greedy_decode


class StreamingTranscriber:
    """Incremental transcription from a streaming bundle (see the module docstring).

    Example:

        stream = Predictor.load("bundles/speech-streaming").stream()
        for chunk in chunks_of_200_ms:
            stream.feed(chunk)
            print(stream.text)                 # the partial transcript
        final = stream.finish()
    """

    def __init__(self, predictor: Any) -> None:
        from export.bundle import BundleError

        if "stream" not in predictor.graphs:
            raise BundleError(
                f"{predictor.bundle} has no stream graph; export the model with "
                "streaming=True (lstm-zoo export --streaming)"
            )
        self.model = predictor.model
        self.graph = predictor.graphs["stream"]
        self.state_inputs = self.graph.inputs[1:]
        self.reset()

    def reset(self) -> None:
        """Back to zero states and no audio."""
        self.states = {
            s["name"]: np.zeros((1, s["shape"][1]), np.float32) for s in self.state_inputs
        }
        self.samples = np.zeros(0, np.float32)  # audio not yet in a frame
        self.seen = 0  # samples fed so far
        self.pending = np.zeros((0, self.model.features.n_mels), np.float32)  # frames not run
        self.posteriors: list[np.ndarray] = []
        self.finished = False

    def _frames(self) -> np.ndarray:
        features = self.model.features
        if len(self.samples) < features.window:
            return np.zeros((0, features.n_mels), np.float32)
        count = features.frames_for(len(self.samples))
        used = features.window + (count - 1) * features.hop
        frames = features.transform(self.samples[:used])
        self.samples = self.samples[count * features.hop :]
        return frames

    def _run(self, frames: np.ndarray) -> None:
        if not len(frames):
            return
        feeds = {"features": self.model.stack(frames)[None], **self.states}
        log_probs, *states = self.graph.run(self.graph.coerce(feeds))
        self.states = dict(zip((s["name"] for s in self.state_inputs), states, strict=True))
        self.posteriors.append(np.asarray(log_probs)[0])

    def feed(self, audio: Any) -> StreamingTranscriber:
        """Adds a chunk of mono float samples at the model's sample rate."""
        if self.finished:
            raise ValueError("the stream is finished: call reset() to start another")
        chunk = np.asarray(audio, np.float32).reshape(-1)
        if not np.all(np.isfinite(chunk)):
            raise ValueError("the audio chunk has non-finite samples")
        self.samples = np.concatenate([self.samples, chunk])
        self.seen += len(chunk)
        self.pending = np.concatenate([self.pending, self._frames()])
        step = self.model.subsampling()
        ready = len(self.pending) // step * step
        self._run(self.pending[:ready])
        self.pending = self.pending[ready:]
        return self

    def finish(self) -> str:
        """Flushes the last frames and returns the final transcript."""
        if not self.finished:
            features = self.model.features
            if self.seen < features.window:  # a recording shorter than one frame is padded
                self.samples = np.pad(self.samples, (0, features.window - len(self.samples)))
                self.pending = np.concatenate([self.pending, self._frames()])
            self._run(self.pending)
            self.pending = self.pending[:0]
            self.finished = True
        return self.text

    @property
    def log_probs(self) -> np.ndarray:
        """The CTC log-posteriors so far `[output frames, classes]`."""
        if not self.posteriors:
            return np.zeros((0, self.model.alphabet.classes), np.float32)
        return np.concatenate(self.posteriors)

    @property
    def text(self) -> str:
        """The greedy transcript of the audio so far."""
        return self.model.alphabet.decode(greedy_decode(self.log_probs))

    def transcribe(self, audio: Any, chunk_seconds: float = 0.2) -> str:
        """Streams one whole recording in chunks of `chunk_seconds`; the final transcript."""
        self.reset()
        audio = self.model.recordings([audio] if not isinstance(audio, list) else audio)[0]
        size = max(1, int(round(chunk_seconds * self.model.features.sample_rate)))
        for start in range(0, len(audio), size):
            self.feed(audio[start : start + size])
        return self.finish()
