"""`lstm-zoo tune`: results files, resume, the table, time budget and one-line errors."""

import csv
import hashlib
import json

import pytest
from conftest import TINY_SET, free_port, one_line_error
from typer.testing import CliRunner

import zoo
from tuning.budget import parse_duration
from zoo.cli.app import app


def run(*args):
    return CliRunner().invoke(app, ["tune", *map(str, args)])


def tiny(data, directory, *extra):
    return ["sentiment-lstm", "--data", data, "--directory", directory, *TINY_SET, *extra]


@pytest.fixture(scope="module")
def project(reviews_csv, tmp_path_factory):
    """A finished 3-trial search with its default run (about 15 s)."""
    directory = tmp_path_factory.mktemp("tune")
    result = run(*tiny(reviews_csv, directory, "--max-trials", 3, "--max-epochs", 1))
    assert result.exit_code == 0, result.output
    return directory, directory / "sentiment-lstm", result.output


def read_csv(path):
    with open(path) as handle:
        return list(csv.DictReader(handle))


def test_a_search_writes_its_results(project):
    directory, project_dir, output = project
    for name in ("trials.csv", "trials.json", "best_hparams.json", "trials.png", "search.json"):
        assert (project_dir / name).is_file(), name
    rows = read_csv(project_dir / "trials.csv")
    assert [r["trial_id"] for r in rows if r["status"] != "baseline"] != []
    trials = [r for r in rows if r["trial_id"] != "default"]
    assert sorted(r["trial_id"] for r in trials) == ["0", "1", "2"]
    assert rows[-1]["trial_id"] == "default" and rows[-1]["status"] == "baseline"
    scores = [float(r["objective"]) for r in trials]
    assert scores == sorted(scores, reverse=True)  # val_accuracy: best first
    record = json.loads((project_dir / "trials.json").read_text())
    assert record["objective"] == {"name": "val_accuracy", "direction": "max"}
    for trial in record["trials"]:
        assert trial["status"] in ("completed", "pruned")
        assert len(trial["epochs"]) == 1 and trial["seconds"] > 0
        assert trial["hparams"]["units"] == 8  # held fixed by --set
    best = json.loads((project_dir / "best_hparams.json").read_text())
    assert best["trial_id"] == trials[0]["trial_id"]
    assert best["value"] == pytest.approx(scores[0])
    assert best["default_value"] == record["default"]["objective"]
    # best_model/ is the best of the trials and the default run
    default_better = record["default"]["objective"] > scores[0]
    assert best["best_model_source"] == ("default" if default_better else best["trial_id"])
    saved = json.loads((project_dir / "best_model" / "zoo_model.json").read_text())["hparams"]
    wanted = record["default"]["hparams"] if default_better else best["hparams"]
    for key, value in wanted.items():
        assert saved[key] == (pytest.approx(value) if isinstance(value, float) else value), key
    model = zoo.load_model(project_dir / "best_model")
    assert model.hparams["units"] == 8 and model.predict(["a good film"])[0]["label"]
    # only the best trial keeps its saved zoo model
    assert sorted(p.parent.name for p in project_dir.glob("trial_*/zoo_model")) == [
        f"trial_{best['trial_id']}"
    ]
    assert "default" in output and "val_accuracy" in output
    assert "max_trials (3) reached" in output
    assert ("beats the default" in output) or ("does not beat the default" in output)


def test_running_again_resumes_and_adds_only_new_trials(project, reviews_csv):
    directory, project_dir, _ = project
    before = {
        r["trial_id"]: r for r in json.loads((project_dir / "trials.json").read_text())["trials"]
    }
    again = run(*tiny(reviews_csv, directory, "--max-trials", 3, "--max-epochs", 1))
    assert again.exit_code == 0 and "3 trials already ended" in again.output
    assert "\ntrial " not in again.output  # nothing ran
    more = run(*tiny(reviews_csv, directory, "--max-trials", 4, "--max-epochs", 1))
    assert more.exit_code == 0, more.output
    after = {
        r["trial_id"]: r for r in json.loads((project_dir / "trials.json").read_text())["trials"]
    }
    assert sorted(after) == ["0", "1", "2", "3"]
    for trial_id, row in before.items():
        assert after[trial_id]["hparams"] == row["hparams"]
        assert after[trial_id]["objective"] == row["objective"]


def test_time_budget_ends_the_search(reviews_csv, tmp_path):
    args = tiny(
        reviews_csv, tmp_path, "--max-trials", 5, "--max-epochs", 200, "--set", "patience=999"
    )
    result = run(*args, "--time-budget", "3s", "--no-baseline", "--no-prune")
    assert result.exit_code == 0, result.output
    assert "the time budget (3.0s) ended the search" in result.output
    rows = json.loads((tmp_path / "sentiment-lstm" / "trials.json").read_text())["trials"]
    assert len(rows) <= 1  # the one trial that started is cut, no other starts
    for row in rows:
        assert row["status"] == "budget_cut" and len(row["epochs"]) < 200


def test_hyperband_runs_rounds(reviews_csv, tmp_path):
    args = tiny(reviews_csv, tmp_path, "--tuner", "hyperband", "--max-trials", 3, "--max-epochs", 2)
    result = run(*args, "--no-baseline", "--no-prune")
    assert result.exit_code == 0, result.output
    rows = json.loads((tmp_path / "sentiment-lstm" / "trials.json").read_text())["trials"]
    assert len(rows) == 3 and all(r["status"] == "completed" for r in rows)
    assert all("tuner/epochs" in r["hparams"] for r in rows)


@pytest.mark.parametrize(
    "text, seconds",
    [("90s", 90), ("30m", 1800), ("1h", 3600), ("1h30m", 5400), ("45", 45), ("2m30s", 150)],
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


def snapshot(project_dir):
    return {
        str(p.relative_to(project_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(project_dir.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    "case, fragments",
    [
        (["sentimnt-lstm"], ["sentimnt-lstm", "sentiment-lstm"]),
        (["sentiment-lstm", "--tuner", "randm"], ["randm", "random"]),
        (["sentiment-lstm", "--max-trials", "0"], ["--max-trials", "0"]),
        (["sentiment-lstm", "--max-epochs", "-1"], ["--max-epochs", "-1"]),
        (["sentiment-lstm", "--time-budget", "tomorrow"], ["tomorrow", "30m"]),
        (["sentiment-lstm", "--set", "unitz=3"], ["unitz"]),
        (["forecast-lstm", "--project", "sentiment-lstm"], ["'sentiment-lstm'", "--overwrite"]),
        (["sentiment-lstm", "--tuner", "grid"], ["random search", "--tuner random"]),
        (["sentiment-lstm", "--oracle", "127.0.0.1:8000"], ["--distributed"]),
        (["sentiment-lstm", "--distributed", "worker", "--oracle", "nohost"], ["HOST:PORT", "nohost"]),
        (["sentiment-lstm", "--distributed", "boss", "--oracle", "127.0.0.1:1"], ["boss"]),
    ],
    ids=[
        "unknown-model", "unknown-tuner", "max-trials", "max-epochs", "budget", "set",
        "other-model", "other-tuner", "oracle-alone", "bad-address", "bad-role",
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_leaves_the_project_alone(project, reviews_csv, case, fragments):
    directory, project_dir, _ = project
    before = snapshot(project_dir)
    result = run(*case, "--data", reviews_csv, "--directory", directory, *TINY_SET[:2])
    one_line_error(result, *fragments)
    assert snapshot(project_dir) == before


def test_unreachable_oracle(project, reviews_csv):
    directory, project_dir, _ = project
    before = snapshot(project_dir)
    address = f"127.0.0.1:{free_port()}"
    args = tiny(reviews_csv, directory, "--distributed", "worker", "--oracle", address)
    result = run(*args, "--connect-timeout", "1", "--overwrite")
    one_line_error(result, "no oracle answered", address, "within 1 s")
    assert snapshot(project_dir) == before


def test_missing_data_file(tmp_path):
    one_line_error(run("sentiment-lstm", "--data", tmp_path / "nope.csv"), "nope.csv")


def test_export_the_best_model(project, reviews_csv):
    directory, project_dir, _ = project
    result = run(*tiny(reviews_csv, directory, "--max-trials", 3, "--max-epochs", 1, "--export"))
    assert result.exit_code == 0, result.output
    assert (project_dir / "bundle").is_dir()
    assert "PASS" in result.output
