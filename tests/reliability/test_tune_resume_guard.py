"""A tuning project is resumed only by the same search: same data (by its sha256), same
model, tuner, fixed hyperparameters, max_epochs, seed (issue 12, "Resume across different
data"). Otherwise `lstm-zoo tune` refuses in one line, naming the project and what
differs, and leaves `search.json` alone; `--overwrite` starts afresh.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.trust_helpers import invoke, one_line_error, snapshot
from tuning.projects import check_resume, data_fingerprint
from tuning.validation import MANIFEST, SearchInputError
from zoo.data.sentiment_corpus import generate_sentiment_corpus

TINY = ["--set", "units=8", "--set", "embedding_dim=8", "--set", "max_length=16"]
SMALL = [*TINY, "--max-trials", "1", "--max-epochs", "1", "--no-baseline"]


def write_reviews(path: Path, n: int, seed: int) -> Path:
    corpus = generate_sentiment_corpus(n, seed=seed)
    lines = ["review,sentiment"] + [
        f'"{t}",{corpus.label_names[y]}' for t, y in zip(corpus.texts, corpus.labels)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


# -- the fingerprint ------------------------------------------------------------------------
def test_fingerprint_follows_the_bytes_not_the_name(tmp_path):
    a = write_reviews(tmp_path / "a.csv", 50, seed=1)
    copy = tmp_path / "copy.csv"
    copy.write_bytes(a.read_bytes())
    b = write_reviews(tmp_path / "b.csv", 50, seed=2)
    assert data_fingerprint(a, "sentiment-lstm", 0) == data_fingerprint(copy, "x", 0)
    assert data_fingerprint(a, "sentiment-lstm", 0) != data_fingerprint(b, "sentiment-lstm", 0)
    assert len(data_fingerprint(a, "sentiment-lstm", 0)) == 64


def test_fingerprint_of_a_folder_covers_names_and_contents(tmp_path):
    folder = tmp_path / "SST-2"
    folder.mkdir()
    (folder / "train.tsv").write_text("sentence\tlabel\ngood\t1\n")
    (folder / "dev.tsv").write_text("sentence\tlabel\nbad\t0\n")
    first = data_fingerprint(folder, "sentiment-lstm", 0)
    (folder / "dev.tsv").write_text("sentence\tlabel\nbad\t1\n")
    changed = data_fingerprint(folder, "sentiment-lstm", 0)
    (folder / "dev.tsv").rename(folder / "test.tsv")
    renamed = data_fingerprint(folder, "sentiment-lstm", 0)
    assert len({first, changed, renamed}) == 3


def test_fingerprint_of_the_embedded_default_and_of_data_in_memory():
    assert data_fingerprint(None, "forecast-lstm", 0) == data_fingerprint(None, "forecast-lstm", 0)
    assert data_fingerprint(None, "forecast-lstm", 0) != data_fingerprint(None, "forecast-lstm", 1)
    assert data_fingerprint(object(), "forecast-lstm", 0) is None
    assert data_fingerprint("/dev/null", "forecast-lstm", 0) is None  # not a regular file


# -- check_resume ---------------------------------------------------------------------------
MANIFEST_A = {
    "model": "sentiment-lstm", "tuner": "random", "objective": "val_accuracy",
    "direction": "max", "hparams": ["units"], "fixed": {"units": 8}, "max_epochs": 1,
    "executions_per_trial": 1, "seed": 0, "data": "a.csv", "data_sha256": "a" * 64,
}  # fmt: skip


@pytest.mark.parametrize(
    "change, fragment",
    [
        ({"data": "b.csv", "data_sha256": "b" * 64}, "data differs: a.csv (sha256 aaaa"),
        ({"max_epochs": 2}, "max_epochs 1, now 2"),
        ({"fixed": {"units": 16}}, 'fixed {"units": 8}, now {"units": 16}'),
        ({"seed": 3}, "seed 0, now 3"),
        ({"executions_per_trial": 2}, "executions_per_trial 1, now 2"),
        ({"objective": "val_loss"}, "objective"),
    ],
)
def test_check_resume_names_what_differs(tmp_path, change, fragment):
    (tmp_path / MANIFEST).write_text(json.dumps(MANIFEST_A))
    with pytest.raises(SearchInputError) as error:
        check_resume(tmp_path, {**MANIFEST_A, **change})
    assert fragment in str(error.value) and str(tmp_path) in str(error.value)
    assert "--overwrite" in str(error.value)


def test_check_resume_accepts_the_same_search(tmp_path):
    (tmp_path / MANIFEST).write_text(json.dumps(MANIFEST_A))
    check_resume(tmp_path, dict(MANIFEST_A))
    check_resume(tmp_path, {**MANIFEST_A, "data": "moved/a.csv"})  # same bytes elsewhere
    check_resume(tmp_path / "none-yet", dict(MANIFEST_A))


def test_an_old_manifest_without_fingerprint_compares_the_data_name(tmp_path):
    old = {k: v for k, v in MANIFEST_A.items() if k not in ("data_sha256", "seed")}
    (tmp_path / MANIFEST).write_text(json.dumps(old))
    check_resume(tmp_path, {**MANIFEST_A, "seed": 5})
    with pytest.raises(SearchInputError, match="data a.csv, now b.csv"):
        check_resume(tmp_path, {**MANIFEST_A, "data": "b.csv", "data_sha256": "b" * 64})


# -- through lstm-zoo tune ------------------------------------------------------------------
def test_resume_on_other_data_is_refused_overwrite_starts_afresh(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first_data = write_reviews(tmp_path / "first.csv", 200, seed=1)
    other_data = write_reviews(tmp_path / "other.csv", 200, seed=7)
    args = ["tune", "sentiment-lstm", "--directory", "runs", *SMALL]
    project = tmp_path / "runs" / "sentiment-lstm"

    first = invoke(*args, "--data", first_data)
    assert first.exit_code == 0, first.output
    stored = json.loads((project / MANIFEST).read_text())
    assert stored["data_sha256"] == data_fingerprint(first_data, "sentiment-lstm", 0)
    before = snapshot(project)

    refused = invoke(*args, "--data", other_data)
    line = one_line_error(refused, "runs/sentiment-lstm", "data differs", "first.csv", "other.csv")
    assert "resuming" not in refused.output, line
    refused = invoke(*args, "--data", first_data, "--max-epochs", "2")  # the last one counts
    one_line_error(refused, "runs/sentiment-lstm", "max_epochs 1, now 2")
    refused = invoke(*args, "--data", first_data, "--set", "dropout=0.3")
    one_line_error(refused, "runs/sentiment-lstm", "fixed")
    assert snapshot(project) == before, "a refused resume changed the project"

    same = invoke(*args, "--data", first_data)  # the same search: resumed, nothing to add
    assert same.exit_code == 0, same.output
    assert "resuming" in same.output

    fresh = invoke(*args, "--data", other_data, "--overwrite")
    assert fresh.exit_code == 0, fresh.output
    assert "resuming" not in fresh.output
    stored = json.loads((project / MANIFEST).read_text())
    assert stored["data_sha256"] == data_fingerprint(other_data, "sentiment-lstm", 0)
    assert stored["data"].endswith("other.csv")
    trials = json.loads((project / "trials.json").read_text())["trials"]
    assert len(trials) == 1  # the old trial went with the old project
