"""Outputs never destroy what lstm-zoo did not create (issue 12, "Data loss" and "Leftovers").

`train --out`, `export --out`, `tune --directory/--project` and `ZooModel.save` refuse the
working directory, its parents, home, the root, files, unwritable places and non-empty
folders without our `.lstm-zoo` marker; `--overwrite` only ever removes marked folders;
writes go through a staging folder, and stale staging folders of killed runs are cleaned
by the next write to the same place.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.trust_helpers import assert_untouched, invoke, leftovers, one_line_error, snapshot
from zoo import outputs
from zoo.data.sentiment_corpus import generate_sentiment_corpus

TINY = ["--epochs", "1", "--set", "units=8", "--set", "embedding_dim=8", "--set", "max_length=16"]
TINY_HPARAMS = {"units": 8, "embedding_dim": 8, "max_length": 16}


def write_reviews(path: Path, n: int = 200, seed: int = 1) -> Path:
    corpus = generate_sentiment_corpus(n, seed=seed)
    lines = ["review,sentiment"] + [
        f'"{t}",{corpus.label_names[y]}' for t, y in zip(corpus.texts, corpus.labels)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def dead_pid() -> int:
    """The pid of a process that has ended (and been waited for)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A working folder with 20 files of a user (one of them the reviews CSV), as cwd."""
    work = tmp_path / "parent" / "work"
    work.mkdir(parents=True)
    write_reviews(work / "reviews.csv")
    for index in range(19):
        (work / f"notes_{index:02d}.txt").write_text(f"a user's file {index}\n")
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "diary.txt").write_text("private\n")
    return work


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    """A tiny fitted sentiment model (fitted once for the module)."""
    import zoo

    root = tmp_path_factory.mktemp("fitted")
    model = zoo.create_model("sentiment-lstm", **TINY_HPARAMS)
    train, _ = model.load_data(write_reviews(root / "reviews.csv"))
    model.fit(train, epochs=1, verbose=0)
    return model


# -- the destination checks, directly -------------------------------------------------------
def _destinations(work: Path) -> dict[str, tuple[str, str]]:
    foreign = work / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("years of work\n")
    other = work / "other_model"
    other.mkdir()
    outputs.write_marker(other, outputs.MODEL)
    (other / "zoo_model.json").write_text("{}\n")
    bundle = work / "a_bundle"
    bundle.mkdir()
    outputs.write_marker(bundle, outputs.BUNDLE)
    (bundle / "zoo_bundle.json").write_text("{}\n")
    link = work / "link"
    link.symlink_to(foreign, target_is_directory=True)
    return {
        "cwd": (".", "working directory"),
        "cwd-absolute": (str(work), "working directory"),
        "parent": ("..", "parent of the working directory"),
        "grandparent": (str(work.parent.parent), "parent of the working directory"),
        "home": (os.environ["HOME"], "home directory"),
        "root": ("/", "filesystem root"),
        "foreign": ("foreign", "no .lstm-zoo marker"),
        "file": ("notes_00.txt", "is a file"),
        "under-a-file": ("notes_01.txt/model", "notes_01.txt is a file"),
        "unwritable": ("/proc/lstm-zoo/model", "cannot write in /proc"),
        "other-model": ("other_model", "--overwrite"),
        "other-kind": ("a_bundle", "not a model directory"),
        "symlink": ("link", "symbolic link"),
    }


CASES = [
    "cwd", "cwd-absolute", "parent", "grandparent", "home", "root", "foreign", "file",
    "under-a-file", "unwritable", "other-model", "other-kind", "symlink",
]  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_check_destination_refuses(workdir, case):
    path, fragment = _destinations(workdir)[case]
    before = snapshot(workdir.parent.parent)
    with pytest.raises(outputs.OutputError, match="--out") as error:
        outputs.check_destination(path, outputs.MODEL, option="--out")
    assert fragment in str(error.value)
    assert_untouched(workdir.parent.parent, before)
    assert leftovers(workdir) == []


@pytest.mark.parametrize("case", [c for c in CASES if c != "other-model"])
def test_overwrite_does_not_lift_the_refusal(workdir, case):
    path, fragment = _destinations(workdir)[case]
    with pytest.raises(outputs.OutputError, match="--out") as error:
        outputs.check_destination(path, outputs.MODEL, overwrite=True, option="--out")
    assert fragment in str(error.value)


def test_overwrite_allows_only_our_marked_folder(workdir):
    _destinations(workdir)
    assert outputs.check_destination("other_model", outputs.MODEL, overwrite=True)
    empty = workdir / "empty"
    empty.mkdir()
    assert outputs.check_destination(empty, outputs.MODEL)  # nothing to lose
    assert outputs.check_destination(workdir / "new" / "deeper", outputs.MODEL)
    assert not (workdir / "new").exists() and leftovers(workdir) == []


def test_a_garbled_or_linked_marker_is_not_ours(workdir):
    folder = workdir / "fake"
    folder.mkdir()
    (folder / "data.bin").write_bytes(b"\0" * 10)
    (folder / outputs.MARKER).write_text('{"tool": "lstm-zoo", "kind": "unknown-kind"}')
    assert outputs.kind_of(folder) is None
    (folder / outputs.MARKER).unlink()
    real = workdir / "real"
    real.mkdir()
    outputs.write_marker(real, outputs.MODEL)
    (folder / outputs.MARKER).symlink_to(real / outputs.MARKER)
    assert outputs.kind_of(folder) is None
    with pytest.raises(outputs.OutputError):
        outputs.check_destination(folder, outputs.MODEL, overwrite=True)


# -- lstm-zoo train --out, in process (refused before any training) ----------------------
@pytest.mark.parametrize("case", CASES)
def test_train_out_is_refused_before_training(workdir, case):
    path, fragment = _destinations(workdir)[case]
    before = snapshot(workdir.parent.parent)
    result = invoke("train", "sentiment-lstm", "--data", "reviews.csv", "--out", path, *TINY)
    line = one_line_error(result, "--out", fragment)
    assert "training sentiment-lstm" not in result.output, "it trained before refusing"
    assert_untouched(workdir.parent.parent, before)
    assert leftovers(workdir) == [], line


def test_train_out_dot_with_overwrite_is_still_refused(workdir):
    before = snapshot(workdir)
    result = invoke("train", "sentiment-lstm", "--data", "reviews.csv", "--out", ".", "--overwrite")
    one_line_error(result, "--out", "working directory")
    assert_untouched(workdir, before)
    assert len(before) == 20


def test_retrain_replaces_the_same_model_and_another_model_needs_overwrite(workdir):
    """A real training run into a folder of the working directory, then again: the same
    model replaces its own earlier run; another model is refused without --overwrite,
    and with it replaces only the model folder."""
    before = snapshot(workdir)
    first = invoke("train", "sentiment-lstm", "--data", "reviews.csv", "--out", "run", *TINY)
    assert first.exit_code == 0, first.output
    assert_untouched(workdir, before)
    assert outputs.kind_of(workdir / "run") == outputs.MODEL
    assert {"model.keras", "zoo_model.json", "metrics.json"} <= set(os.listdir(workdir / "run"))
    (workdir / "run" / "stale_plot.png").write_bytes(b"ours, from an earlier run")
    again = invoke("train", "sentiment-lstm", "--data", "reviews.csv", "--out", "run", *TINY)
    assert again.exit_code == 0, again.output
    assert not (workdir / "run" / "stale_plot.png").exists()  # the folder was replaced whole
    trained = snapshot(workdir / "run")
    other = invoke("train", "sentiment-bilstm", "--data", "reviews.csv", "--out", "run", *TINY)
    one_line_error(other, "--out run", "'sentiment-lstm'", "--overwrite")
    assert "training sentiment-bilstm" not in other.output
    assert snapshot(workdir / "run") == trained
    third = invoke(
        "train", "sentiment-bilstm", "--data", "reviews.csv", "--out", "run", "--overwrite", *TINY
    )
    assert third.exit_code == 0, third.output
    assert '"sentiment-bilstm"' in (workdir / "run" / "zoo_model.json").read_text()
    assert_untouched(workdir, before)
    assert leftovers(workdir) == []


# -- ZooModel.save --------------------------------------------------------------------------
def test_save_refuses_a_foreign_folder_and_moves_nothing(fitted, workdir):
    (workdir / "foreign").mkdir()
    (workdir / "foreign" / "keep.txt").write_text("keep\n")
    before = snapshot(workdir)
    for target in ("foreign", ".", ".."):
        with pytest.raises(outputs.OutputError):
            fitted.save(target)
    assert_untouched(workdir, before)
    assert leftovers(workdir) == []


def test_a_failed_save_leaves_nothing(fitted, workdir, monkeypatch):
    def failing(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(fitted.network, "save", failing)
    with pytest.raises(OSError, match="disk full"):
        fitted.save("deep/new/model")
    assert not (workdir / "deep").exists()
    assert leftovers(workdir) == []


def test_a_failed_resave_keeps_the_earlier_model(fitted, workdir, monkeypatch):
    fitted.save("model")
    earlier = snapshot(workdir / "model")

    def failing(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(fitted.network, "save", failing)
    with pytest.raises(OSError):
        fitted.save("model")
    assert snapshot(workdir / "model") == earlier
    assert leftovers(workdir) == []


# -- stale staging folders ------------------------------------------------------------------
def _stale(parent: Path, name: str, what: str, pid: int, kind: str) -> Path:
    folder = parent / f".{name}.{what}.{pid}-abc123xy"
    folder.mkdir()
    outputs.write_marker(folder, kind, target=name)
    (folder / "model.keras").write_bytes(b"")  # what a kill during save leaves
    return folder


def test_stale_staging_of_dead_processes_is_cleaned_by_the_next_save(fitted, workdir):
    gone = dead_pid()
    stale = [
        _stale(workdir, "model", "staging", gone, outputs.MODEL),
        _stale(workdir, "model", "old", gone, outputs.TRASH),
    ]
    empty = workdir / f".model.staging.{gone}-emptyone"
    empty.mkdir()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        running = _stale(workdir, "model", "staging", live.pid, outputs.MODEL)
        unmarked = workdir / f".model.staging.{gone}-notours1"
        unmarked.mkdir()
        (unmarked / "user.txt").write_text("not ours\n")
        other_name = _stale(workdir, "other", "staging", gone, outputs.MODEL)
        user_hidden = workdir / ".model.backup"
        user_hidden.mkdir()
        fitted.save("model")
        assert not any(p.exists() for p in stale) and not empty.exists()
        assert running.is_dir(), "a live process's staging folder was removed"
        assert (unmarked / "user.txt").is_file() and other_name.is_dir() and user_hidden.is_dir()
    finally:
        live.kill()
        live.wait()
    assert outputs.kind_of(workdir / "model") == outputs.MODEL


SLOW_SAVE = textwrap.dedent(
    """
    import sys, time
    from zoo import outputs
    with outputs.staged(sys.argv[1], outputs.MODEL) as staging:
        (staging / "model.keras").write_bytes(b"")  # a save under way
        print("saving", flush=True)
        time.sleep(120)
    """
)


def test_a_save_killed_midway_leaves_nothing_after_the_next_save(fitted, workdir):
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_SAVE, str(workdir / "model")],
        stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert process.stdout.readline().strip() == "saving"
    finally:
        process.kill()
        process.wait()
    left = leftovers(workdir)
    assert len(left) == 1 and left[0].startswith(".model.staging."), left
    assert (workdir / left[0] / "model.keras").stat().st_size == 0
    fitted.save("model")
    assert leftovers(workdir) == []
    assert (workdir / "model" / "model.keras").stat().st_size > 0


def test_export_cleans_a_stale_bundle_staging_and_refuses_foreign_out(fitted, workdir):
    import export

    model_dir = fitted.save("model")
    gone = dead_pid()
    stale = workdir / f".bundle.staging.{gone}-abcdefgh"
    stale.mkdir()
    outputs.write_marker(stale, outputs.BUNDLE, target="bundle")
    (stale / "zoo_bundle.json").write_text("{half")
    before = snapshot(workdir)
    one_line_error(invoke("export", "model", "--out", "notes_03.txt"), "--out", "is a file")
    one_line_error(invoke("export", "model", "--out", "."), "--out", "working directory")
    one_line_error(invoke("export", "model", "--out", "model"), "--out", "not a bundle")
    assert_untouched(workdir, before)
    export.to_onnx(model_dir, workdir / "bundle")
    assert leftovers(workdir) == []
    assert outputs.kind_of(workdir / "bundle") == outputs.BUNDLE
    again = invoke("export", "model", "--out", "bundle", "--no-verify")
    one_line_error(again, "--out bundle", "--overwrite")


# -- lstm-zoo tune --directory / --project --------------------------------------------------
def _ordinary(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(3):
        (folder / f"paper_{index}.pdf").write_bytes(b"%PDF" + bytes([index]))
    return folder


@pytest.mark.parametrize(
    "extra, fragments",
    [
        (["--directory", "runs", "--project", ".", "--overwrite"], ["--project", "'.'"]),
        (["--directory", "runs", "--project", "..", "--overwrite"], ["--project", "'..'"]),
        (["--directory", "runs", "--project", "a/b"], ["--project", "'a/b'"]),
        (["--directory", ".", "--overwrite"], ["--directory", "working directory"]),
        (["--directory", ".."], ["--directory", "parent of the working directory"]),
        (["--directory", "HOME"], ["--directory", "home directory"]),
        (["--directory", "notes_04.txt"], ["--directory", "is a file"]),
        (["--directory", "papers"], ["--directory", "papers", "did not create"]),
        (["--directory", "..", "--project", "work", "--overwrite"], ["working directory"]),
        (["--directory", "runs", "--project", "ordinary", "--overwrite"], ["no .lstm-zoo marker"]),
        (["--directory", "runs", "--project", "ordinary"], ["not an lstm-zoo tuning project"]),
    ],
    ids=[
        "project-dot", "project-dotdot", "project-path", "directory-dot", "directory-parent",
        "directory-home", "directory-file", "directory-foreign", "project-is-cwd",
        "ordinary-project-overwrite", "ordinary-project",
    ],
)  # fmt: skip
def test_tune_refuses_folders_that_are_not_ours(workdir, extra, fragments):
    _ordinary(workdir / "papers")
    _ordinary(workdir / "runs" / "ordinary")
    outputs.write_marker(workdir / "runs", outputs.TUNING_ROOT)  # as if tune had made runs/
    extra = [os.environ["HOME"] if e == "HOME" else e for e in extra]
    before = snapshot(workdir.parent.parent)
    result = invoke("tune", "sentiment-lstm", "--data", "reviews.csv", *extra, "--set", "units=8")
    one_line_error(result, *fragments)
    assert_untouched(workdir.parent.parent, before)
    assert leftovers(workdir) == []


def test_tune_overwrite_removes_only_our_project(workdir):
    """A real (one-trial) search, then --overwrite: the marked project is replaced, the
    user's files in --directory stay."""
    args = ["tune", "sentiment-lstm", "--data", "reviews.csv", "--directory", "runs"]
    small = [*TINY[2:], "--max-trials", "1", "--max-epochs", "1", "--no-baseline"]
    first = invoke(*args, *small)
    assert first.exit_code == 0, first.output
    project = workdir / "runs" / "sentiment-lstm"
    assert outputs.kind_of(project) == outputs.PROJECT
    assert outputs.kind_of(workdir / "runs") == outputs.TUNING_ROOT  # it created runs/
    (workdir / "runs" / "my_notes.txt").write_text("mine\n")
    before = snapshot(workdir)
    again = invoke(*args, *small, "--overwrite")
    assert again.exit_code == 0, again.output
    assert "resuming" not in again.output
    after = snapshot(workdir)
    assert after["runs/my_notes.txt"] == before["runs/my_notes.txt"]
    assert all(after[k] == v for k, v in before.items() if not k.startswith("runs/"))
    assert json.loads((project / "search.json").read_text())["model"] == "sentiment-lstm"
    assert leftovers(workdir / "runs") == [outputs.MARKER] and leftovers(workdir) == []
