"""The three speech data layouts, built here from generated audio, and their errors."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import soundfile

from zoo.data.errors import DataError
from zoo.models.speech.audio import read_audio
from zoo.models.speech.data import load_an4, load_kaldi, load_manifest, load_speech

RATE = 16000


def tone(path: Path, seconds: float = 0.3, rate: int = RATE, fmt: str | None = None) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(path, 0.3 * np.sin(2 * np.pi * 440 * t), rate, format=fmt)
    return path


def manifest_folder(root: Path, rows: list[str], name: str = "metadata.csv") -> Path:
    tone(root / "clips" / "a.wav")
    tone(root / "clips" / "b.flac", rate=8000)  # resampled to 16 kHz on reading
    (root / name).write_text("\n".join(rows) + "\n")
    return root / name


def test_manifest_loads_and_resamples(tmp_path):
    path = manifest_folder(
        tmp_path,
        ["file_name,transcription", "clips/a.wav,Three ONE", 'clips/b.flac,"four, five"'],
    )
    data = load_manifest(path)
    assert data.texts == ["three one", "four five"]
    assert len(data.audio[1]) == pytest.approx(0.3 * RATE, abs=2)  # 8 kHz -> 16 kHz
    tsv = manifest_folder(
        tmp_path / "t", ["transcription\tfile_name", "yes\tclips/a.wav"], "metadata.tsv"
    )
    assert load_manifest(tsv).texts == ["yes"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            ["file,text", "clips/a.wav,yes"],
            "metadata.csv: row 1: the header has no column 'file_name'",
        ),
        (
            ["file_name,transcription", "clips/a.wav"],
            "metadata.csv: row 2: expected 2 fields, found 1",
        ),
        (
            ["file_name,transcription", "clips/a.wav,yes", "clips/zz.wav,no"],
            "metadata.csv: row 3, column 'file_name': audio file 'zz.wav' not found",
        ),
        (
            ["file_name,transcription", "clips/a.wav,  "],
            "metadata.csv: row 2, column 'transcription': the transcription is empty",
        ),
        (
            ["file_name,transcription", "../a.wav,yes"],
            "metadata.csv: row 2, column 'file_name': '../a.wav' leaves the folder",
        ),
        (
            ["file_name,transcription", "notes.txt,yes"],
            "metadata.csv: row 2, column 'file_name': audio file notes.txt: not audio",
        ),
        (["file_name,transcription"], "metadata.csv: row 1: the manifest lists no recordings"),
    ],
)
def test_malformed_manifests_give_one_line_errors(tmp_path, rows, message):
    (tmp_path / "notes.txt").write_text("not audio\n")
    path = manifest_folder(tmp_path, rows)
    with pytest.raises(DataError) as error:
        load_manifest(path)
    text = str(error.value)
    assert text.startswith(message) and "\n" not in text


def test_kaldi_folder_loads_and_names_bad_lines(tmp_path):
    tone(tmp_path / "wav" / "u1.wav")
    tone(tmp_path / "wav" / "u2.wav", seconds=0.5)
    (tmp_path / "wav.scp").write_text("u1 wav/u1.wav\nu2\twav/u2.wav\n")
    (tmp_path / "text").write_text("u2 go back\nu1 stop\n")
    data = load_kaldi(tmp_path)
    assert data.ids == ["u1", "u2"] and data.texts == ["stop", "go back"]
    (tmp_path / "text").write_text("u1 stop\nu3 nothing\n")
    with pytest.raises(DataError, match=r"^text: row 2: utterance 'u3' has no entry in wav.scp$"):
        load_kaldi(tmp_path)
    (tmp_path / "text").write_text("u1 stop\nu2 go\n")
    (tmp_path / "wav.scp").write_text("u1 wav/u1.wav\nu2 sox wav/u2.wav -t wav - |\n")
    with pytest.raises(DataError, match=r"^wav.scp: row 2: .* is a pipe command"):
        load_kaldi(tmp_path)


def an4_layout(root: Path) -> Path:
    for split, speakers in (("train", ["fash", "fbbh"]), ("test", ["fcaw"])):
        folder = "an4_clstk" if split == "train" else "an4test_clstk"
        ids, lines = [], []
        for n, speaker in enumerate(speakers):
            utterance = f"an{n + 1}-{speaker}-b"
            ids.append(f"{folder}/{speaker}/{utterance}")
            tone(root / "wav" / folder / speaker / f"{utterance}.sph", fmt="NIST")
            lines.append(f"<s> ENTER SIX </s> ({utterance})" if n else f"YES ({utterance})")
        (root / "etc").mkdir(parents=True, exist_ok=True)
        (root / "etc" / f"an4_{split}.fileids").write_text("\n".join(ids) + "\n")
        (root / "etc" / f"an4_{split}.transcription").write_text("\n".join(lines) + "\n")
    return root


def test_an4_layout_loads_nist_sphere(tmp_path):
    root = an4_layout(tmp_path / "an4")
    train, test = load_speech(root)
    assert train.texts == ["yes", "enter six"] and train.speakers == ["fash", "fbbh"]
    assert test.texts == ["yes"] and len(test.audio[0]) == int(0.3 * RATE)
    (root / "etc" / "an4_test.transcription").write_text("YES an1-fcaw-b\n")
    with pytest.raises(
        DataError,
        match=r"^an4_test.transcription: row 1: expected 'TRANSCRIPTION \(utterance-id\)'$",
    ):
        load_an4(root, "test")
    (root / "etc" / "an4_test.transcription").write_text("YES (an9-fcaw-b)\n")
    with pytest.raises(DataError, match="does not match an4_test.fileids line 1"):
        load_an4(root, "test")


def test_train_test_folders_and_unknown_layouts(tmp_path):
    for split in ("train", "test"):
        manifest_folder(tmp_path / split, ["file_name,transcription", "clips/a.wav,yes"])
    train, test = load_speech(tmp_path)
    assert train.texts == test.texts == ["yes"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="not a speech data layout"):
        load_speech(tmp_path / "empty")
    with pytest.raises(DataError, match="not audio that libsndfile can read"):
        read_audio(manifest_folder(tmp_path / "x", ["file_name,transcription"]))


DATASETS = Path(
    os.environ.get("LSTM_ZOO_DATA_DIR") or Path(__file__).parents[5] / "shared" / "datasets"
)
AN4 = DATASETS / "an4"


@pytest.mark.datasets
@pytest.mark.skipif(not (AN4 / "etc" / "an4_test.transcription").is_file(), reason="no AN4")
def test_an4_real_test_set():
    """The 130 AN4 test utterances (773 words, NIST SPHERE at 16 kHz) through the loader."""
    test = load_an4(AN4, "test")
    assert len(test) == 130 and sum(len(t.split()) for t in test.texts) == 773
    assert len(set(test.speakers)) == 10 and 4 < test.seconds / 60 < 8
    assert all(t == t.lower() and t.strip() for t in test.texts)
