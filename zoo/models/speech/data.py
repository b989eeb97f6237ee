"""Speech data: `Utterances` and the loaders of three layouts.

* `load_manifest(path)`: a CSV/TSV with columns `file_name` (relative to the manifest)
  and `transcription`: the Hugging Face audiofolder `metadata.csv` convention;
* `load_kaldi(directory)`: a Kaldi data directory, `wav.scp` (`utterance-id path`) and
  `text` (`utterance-id transcription`);
* `load_an4(root, split)`: the CMU AN4 layout, `etc/an4_{train,test}.transcription`
  (`TEXT (utterance-id)`), `etc/an4_{train,test}.fileids` and `wav/<fileid>.sph`.

`load_speech(path)` tells them apart. Every problem is a one-line `DataError` naming the
file and line (and the column for a manifest). Texts are normalised by `normalize_text`
(lower case; letters, digits, apostrophes and single spaces).
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zoo.data.errors import DataError, MissingDataError
from zoo.data.reading import iter_lines
from zoo.models.speech.audio import read_audio

MANIFEST_NAMES = ("metadata.csv", "metadata.tsv")


@dataclass
class Utterances:
    """Recordings (mono float32 at `sample_rate`) and their transcripts."""

    audio: list[np.ndarray]
    texts: list[str]
    sample_rate: int = 16000
    ids: list[str] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    source: str = ""

    def __post_init__(self) -> None:
        if len(self.audio) != len(self.texts):
            raise ValueError(f"{len(self.audio)} recordings but {len(self.texts)} transcripts")
        self.ids = self.ids or [f"utt{i:05d}" for i in range(len(self.audio))]
        self.speakers = self.speakers or ["unknown"] * len(self.audio)

    def __len__(self) -> int:
        return len(self.audio)

    def subset(self, index) -> Utterances:
        index = [int(i) for i in index]
        return Utterances(
            [self.audio[i] for i in index],
            [self.texts[i] for i in index],
            self.sample_rate,
            [self.ids[i] for i in index],
            [self.speakers[i] for i in index],
            self.source,
        )

    @property
    def seconds(self) -> float:
        return float(sum(len(a) for a in self.audio) / self.sample_rate)


def normalize_text(text: str) -> str:
    """Lower case; only letters, digits, apostrophes and single spaces are kept."""
    text = re.sub(r"[^a-z0-9' ]+", " ", text.lower())
    return " ".join(text.split())


def _checked_text(text: str, file: Path, row: int, column: str | None = None) -> str:
    clean = normalize_text(text)
    if not clean:
        raise DataError("the transcription is empty", file=file, row=row, column=column)
    return clean


def _audio_path(base: Path, name: str, file: Path, row: int, column: str | None = None) -> Path:
    if not name:
        raise DataError("the audio file name is empty", file=file, row=row, column=column)
    if "|" in name:
        raise DataError(
            f"{name!r} is a pipe command; give the path of an audio file",
            file=file,
            row=row,
            column=column,
        )
    path = Path(name)
    if not path.is_absolute():
        if ".." in path.parts:
            raise DataError(
                f"{name!r} leaves the folder of {file.name}", file=file, row=row, column=column
            )
        path = base / path
    return path


def _read(path: Path, sample_rate: int, file: Path, row: int, column: str | None = None):
    try:
        return read_audio(path, sample_rate)
    except MissingDataError:
        raise DataError(
            f"audio file {path.name!r} not found", file=file, row=row, column=column
        ) from None
    except DataError as error:
        raise DataError(f"audio file {error}", file=file, row=row, column=column) from None


def load_manifest(path: str | os.PathLike[str], sample_rate: int = 16000) -> Utterances:
    """A `metadata.csv`/`.tsv` manifest (tab-separated when the name ends in `.tsv`)."""
    path = Path(path)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    lines = [(n, t) for n, t in iter_lines(path, what="manifest") if t.strip()]
    if not lines:
        raise DataError(
            "the manifest is empty; expected a header file_name,transcription", file=path, row=1
        )

    def cells(row: int, text: str) -> list[str]:
        try:
            return next(csv.reader([text.rstrip("\r\n")], delimiter=delimiter))
        except csv.Error as error:
            raise DataError(f"not valid CSV ({error})", file=path, row=row) from None

    header = [h.strip() for h in cells(*lines[0])]
    missing = [c for c in ("file_name", "transcription") if c not in header]
    if missing:
        raise DataError(
            f"the header has no column {missing[0]!r} (found {', '.join(header)})",
            file=path,
            row=lines[0][0],
        )
    name_at, text_at = header.index("file_name"), header.index("transcription")
    audio, texts, ids = [], [], []
    for row, line in lines[1:]:
        fields = cells(row, line)
        if len(fields) != len(header):
            raise DataError(
                f"expected {len(header)} fields, found {len(fields)}", file=path, row=row
            )
        name = fields[name_at].strip()
        text = _checked_text(fields[text_at], path, row, "transcription")
        audio_path = _audio_path(path.parent, name, path, row, "file_name")
        audio.append(_read(audio_path, sample_rate, path, row, "file_name"))
        texts.append(text)
        ids.append(Path(name).stem)
    if not audio:
        raise DataError("the manifest lists no recordings", file=path, row=lines[0][0])
    return Utterances(audio, texts, sample_rate, ids, source=str(path))


def _keyed_lines(path: Path, what: str) -> dict[str, tuple[int, str]]:
    entries: dict[str, tuple[int, str]] = {}
    for row, line in iter_lines(path, what=what):
        line = line.strip()
        if not line:
            continue
        key, rest = (line.split(None, 1) + [""])[:2]
        if not rest.strip():
            raise DataError(
                f"expected 'utterance-id {what}', found only {key!r}", file=path, row=row
            )
        if key in entries:
            raise DataError(
                f"utterance {key!r} is listed twice (first on line {entries[key][0]})",
                file=path,
                row=row,
            )
        entries[key] = (row, rest.strip())
    return entries


def load_kaldi(directory: str | os.PathLike[str], sample_rate: int = 16000) -> Utterances:
    """A Kaldi data directory: `wav.scp` and `text` (relative paths from the directory)."""
    directory = Path(directory)
    scp, text_file = directory / "wav.scp", directory / "text"
    waves = _keyed_lines(scp, "path")
    texts = _keyed_lines(text_file, "transcription")
    for key, (row, _) in texts.items():
        if key not in waves:
            raise DataError(f"utterance {key!r} has no entry in wav.scp", file=text_file, row=row)
    audio, out_texts, ids = [], [], []
    for key, (row, name) in waves.items():
        if key not in texts:
            raise DataError(f"utterance {key!r} has no transcription in text", file=scp, row=row)
        text_row, text = texts[key]
        out_texts.append(_checked_text(text, text_file, text_row))
        audio.append(_read(_audio_path(directory, name, scp, row), sample_rate, scp, row))
        ids.append(key)
    if not audio:
        raise DataError("wav.scp lists no recordings", file=scp)
    return Utterances(audio, out_texts, sample_rate, ids, source=str(directory))


_AN4_LINE = re.compile(r"^(?P<text>.*?)\s*\((?P<id>[^()\s]+)\)\s*$")


def load_an4(
    root: str | os.PathLike[str], split: str = "train", sample_rate: int = 16000
) -> Utterances:
    """The CMU AN4 layout (`etc/an4_{split}.transcription`, `.fileids`, `wav/*.sph`)."""
    root = Path(root)
    if split not in ("train", "test"):
        raise ValueError(f"AN4 splits are 'train' and 'test'; got {split!r}")
    transcription = root / "etc" / f"an4_{split}.transcription"
    fileids = root / "etc" / f"an4_{split}.fileids"
    ids = [(n, t.strip()) for n, t in iter_lines(fileids, what="file list") if t.strip()]
    lines = [
        (n, t.strip()) for n, t in iter_lines(transcription, what="transcription") if t.strip()
    ]
    if len(ids) != len(lines):
        raise DataError(
            f"{len(lines)} transcriptions but {len(ids)} lines in {fileids.name}",
            file=transcription,
        )
    audio, texts, names, speakers = [], [], [], []
    for (row, line), (id_row, fileid) in zip(lines, ids, strict=True):
        match = _AN4_LINE.match(line)
        if not match:
            raise DataError("expected 'TRANSCRIPTION (utterance-id)'", file=transcription, row=row)
        utterance = match["id"]
        if Path(fileid).name != utterance:
            raise DataError(
                f"utterance {utterance!r} does not match {fileids.name} line {id_row} ({fileid!r})",
                file=transcription,
                row=row,
            )
        words = [w for w in match["text"].split() if w not in ("<s>", "</s>", "<sil>")]
        texts.append(_checked_text(" ".join(words), transcription, row))
        path = _audio_path(root / "wav", fileid + ".sph", fileids, id_row)
        audio.append(_read(path, sample_rate, fileids, id_row))
        names.append(utterance)
        speakers.append(Path(fileid).parent.name)
    if not audio:
        raise DataError("no utterances listed", file=transcription)
    return Utterances(audio, texts, sample_rate, names, speakers, str(root))


def layout(path: Path) -> str | None:
    """ "an4", "kaldi" or "manifest" for a folder or file of that layout, else None."""
    if path.is_file():
        return "manifest" if path.suffix.lower() in (".csv", ".tsv") else None
    if (path / "etc" / "an4_train.transcription").is_file():
        return "an4"
    if (path / "wav.scp").is_file():
        return "kaldi"
    if any((path / name).is_file() for name in MANIFEST_NAMES):
        return "manifest"
    return None


def load_one(path: Path, sample_rate: int) -> Utterances:
    kind = layout(path)
    if kind == "kaldi":
        return load_kaldi(path, sample_rate)
    if kind == "manifest":
        if path.is_dir():
            path = next(path / n for n in MANIFEST_NAMES if (path / n).is_file())
        return load_manifest(path, sample_rate)
    raise DataError(
        "not a speech data layout: expected a metadata.csv/.tsv manifest, a Kaldi folder "
        "(wav.scp + text) or the AN4 layout (etc/an4_train.transcription)",
        file=path,
    )


def split(data: Utterances, fraction: float, seed: int) -> tuple[Utterances, Utterances]:
    order = np.random.default_rng(seed).permutation(len(data))
    held = max(1, int(round(fraction * len(data))))
    return data.subset(np.sort(order[held:])), data.subset(np.sort(order[:held]))


def load_speech(
    path: str | os.PathLike[str], sample_rate: int = 16000, seed: int = 0
) -> tuple[Utterances, Utterances]:
    """`(train, test)` from a speech data path: the AN4 root (its own split); a folder
    with `train/` and `test/` of any layout; or one manifest/Kaldi folder (a seeded 80/20
    split)."""
    path = Path(path).expanduser()
    if not path.exists():
        raise MissingDataError(f"speech data not found: {str(path)!r} does not exist")
    if layout(path) == "an4":
        return load_an4(path, "train", sample_rate), load_an4(path, "test", sample_rate)
    if path.is_dir() and (path / "train").is_dir() and (path / "test").is_dir():
        return load_one(path / "train", sample_rate), load_one(path / "test", sample_rate)
    data = load_one(path, sample_rate)
    if len(data) < 2:
        raise DataError("need at least 2 recordings to hold some out", file=data.source)
    return split(data, 0.2, seed)
