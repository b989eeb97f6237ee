"""`lstm-zoo tune`: results files, resume, the table, time budget and one-line errors."""

import csv
import gc
import hashlib
import json

import pytest
from conftest import TINY_FIXED, TINY_SET, free_port, one_line_error
from typer.testing import CliRunner

import tuning
import zoo
from tuning.budget import parse_duration
from tuning.summary import read_summary
from zoo.cli.app import app


def run(*args):
    return CliRunner().invoke(app, ["tune", *map(str, args)])


def tiny(data, directory, *extra):
    return ["sentiment-lstm", "--data", data, "--directory", directory, *TINY_SET, *extra]


@pytest.fixture(scope="module")
def project(reviews_csv, tmp_path_factory):
    """A finished 4-trial search (Hyperband, the default tuner), the defaults as trial 0:
    as many trainings as the 3 trials and separate default run it replaces."""
    directory = tmp_path_factory.mktemp("tune")
    result = run(*tiny(reviews_csv, directory, "--max-trials", 4, "--max-epochs", 1))
    assert result.exit_code == 0, result.output
    return directory, directory / "sentiment-lstm", result.output


def read_csv(path):
    with open(path) as handle:
        return list(csv.DictReader(handle))


def test_a_search_writes_its_results(project):
    directory, project_dir, output = project
    for name in ("trials.csv", "trials.json", "best_hparams.json", "trials.png", "search.json"):
        assert (project_dir / name).is_file(), name
    for name in ("summary.json", "parallel.png", "importance.png"):
        assert (project_dir / name).is_file(), name
    rows = read_csv(project_dir / "trials.csv")
    assert sorted(r["trial_id"] for r in rows) == ["0", "1", "2", "3"]
    scores = [float(r["objective"]) for r in rows]
    assert scores == sorted(scores, reverse=True)  # val_accuracy: best first
    record = json.loads((project_dir / "trials.json").read_text())
    assert record["objective"] == {"name": "val_accuracy", "direction": "max"}
    for trial in record["trials"]:
        assert trial["status"] in ("completed", "pruned")
        assert len(trial["epochs"]) == 1 and trial["seconds"] > 0
        assert trial["hparams"]["units"] == 8  # held fixed by --set
        assert 0 <= trial["task_metrics"]["accuracy"] <= 1  # the task metric, validation
        assert 0 < trial["fit_seconds"] <= trial["trial_seconds"]
    best = json.loads((project_dir / "best_hparams.json").read_text())
    assert best["value"] == pytest.approx(scores[0])
    assert best["default_value"] == record["default"]["objective"]
    # best_model/ is the best trial's model, and best_hparams.json describes it
    assert best["best_model_source"] == best["trial_id"]
    saved = json.loads((project_dir / "best_model" / "zoo_model.json").read_text())["hparams"]
    for key, value in best["hparams"].items():
        if not key.startswith("tuner/"):
            assert saved[key] == (pytest.approx(value) if isinstance(value, float) else value)
    model = zoo.load_model(project_dir / "best_model")
    assert model.hparams["units"] == 8 and model.predict(["a good film"])[0]["label"]
    # only the best trial and the defaults keep their saved zoo models
    kept = {f"trial_{best['trial_id']}", f"trial_{best['default_trial_id']}"}
    assert {p.parent.name for p in project_dir.glob("trial_*/zoo_model")} <= kept
    assert (project_dir / "default_model" / "zoo_model.json").is_file()
    assert "val_accuracy" in output and "held-out test (80 items)" in output
    assert "max_trials (4) reached" in output
    assert "per-trial overhead" in output


def test_the_defaults_are_trial_0(project):
    """Trial 0 is the registered defaults (with the --set values), with the same epochs
    as every other trial and scored like them."""
    _, project_dir, _ = project
    record = json.loads((project_dir / "trials.json").read_text())
    first = record["trials"][0]
    assert first["trial_id"] == "0" and first["defaults"] is True
    defaults = tuning.hypermodel_for("sentiment-lstm", fixed=TINY_FIXED).default_choices()
    assert {k: v for k, v in first["hparams"].items() if not k.startswith("tuner/")} == defaults
    assert [t["defaults"] for t in record["trials"][1:]] == [False] * 3
    assert {len(t["epochs"]) for t in record["trials"]} == {1}
    assert record["default"]["trial_id"] == "0" and first["objective"] is not None
    assert not (project_dir / "baseline.json").exists()  # no separate run any more


def test_the_summary(project):
    """summary.json: validated on reading, best against defaults on validation and on
    the test split, importance over the hyperparameters that varied, the overhead."""
    _, project_dir, _ = project
    summary = read_summary(project_dir)
    trials = json.loads((project_dir / "trials.json").read_text())["trials"]
    scores = {t["trial_id"]: t["objective"] for t in trials}
    assert summary["default_trial"] == "0"
    assert summary["default_score"] == pytest.approx(scores["0"])
    assert summary["best_score"] == pytest.approx(max(scores.values()))
    assert summary["beats_defaults"] == (summary["best_score"] > summary["default_score"])
    assert summary["task_metric"] == {"name": "accuracy", "direction": "max"}
    assert summary["test"]["items"] == 80
    for which in ("best", "default"):
        assert 0 <= summary["test"][which]["accuracy"] <= 1
    shares = summary["importance"]["shares"]
    assert len(shares) >= 2 and all(0 <= v <= 1 for v in shares.values())
    assert "units" not in shares  # held fixed: no variance to explain
    assert summary["importance"]["trials"] == 4
    cost = summary["overhead"]
    assert 0 < cost["fraction"] < 1 and cost["fit_seconds"] < cost["trial_seconds"]
    bad = project_dir.parent / "bad_summary.json"
    bad.write_text(json.dumps({**summary, "beats_defaults": "yes"}))
    with pytest.raises(ValueError, match="field beats_defaults"):
        read_summary(bad)


def test_running_again_resumes_and_adds_only_new_trials(project, reviews_csv):
    directory, project_dir, _ = project
    before = {
        r["trial_id"]: r for r in json.loads((project_dir / "trials.json").read_text())["trials"]
    }
    again = run(*tiny(reviews_csv, directory, "--max-trials", 4, "--max-epochs", 1))
    assert again.exit_code == 0 and "4 trials already ended" in again.output
    assert "\ntrial " not in again.output  # nothing ran
    more = run(*tiny(reviews_csv, directory, "--max-trials", 5, "--max-epochs", 1))
    assert more.exit_code == 0, more.output
    after = {
        r["trial_id"]: r for r in json.loads((project_dir / "trials.json").read_text())["trials"]
    }
    assert sorted(after) == ["0", "1", "2", "3", "4"]
    for trial_id, row in before.items():
        assert after[trial_id]["hparams"] == row["hparams"]
        assert after[trial_id]["objective"] == row["objective"]


def test_time_budget_ends_the_search(reviews_csv, tmp_path):
    # A trial that cannot end by itself within the budget: random search gives it every
    # epoch (Hyperband's first round would give it 3), and a tiny model's epoch takes
    # about 10 ms on a quick machine, so it gets 5000 of them.
    args = tiny(
        reviews_csv, tmp_path, "--max-trials", 5, "--max-epochs", 5000, "--set", "patience=9999"
    )
    args += ["--tuner", "random"]
    result = run(*args, "--time-budget", "3s", "--no-baseline", "--no-prune")
    assert result.exit_code == 0, result.output
    assert "the time budget (3.0s) ended the search" in result.output
    rows = json.loads((tmp_path / "sentiment-lstm" / "trials.json").read_text())["trials"]
    assert len(rows) <= 1  # the one trial that started is cut, no other starts
    for row in rows:
        assert row["status"] == "budget_cut" and len(row["epochs"]) < 5000


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
        (["sentiment-lstm", "--tuner", "grid"], ["hyperband search", "--tuner hyperband"]),
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
    result = run(*tiny(reviews_csv, directory, "--max-trials", 5, "--max-epochs", 1, "--export"))
    assert result.exit_code == 0, result.output
    assert (project_dir / "bundle").is_dir()
    assert "PASS" in result.output


def test_train_with_the_found_hparams(project, reviews_csv, tmp_path):
    """`lstm-zoo train MODEL --hparams best_hparams.json` retrains the best trial's
    configuration: the same hyperparameters as the model in best_model/."""
    _, project_dir, _ = project
    out = tmp_path / "retrained"
    args = ["train", "sentiment-lstm", "--hparams", str(project_dir / "best_hparams.json")]
    result = CliRunner().invoke(
        app, [*args, "--data", str(reviews_csv), "--epochs", "1", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "hyperparameters from" in result.output
    retrained = json.loads((out / "metrics.json").read_text())["hparams"]
    found = json.loads((project_dir / "best_model" / "zoo_model.json").read_text())["hparams"]
    for key in ("units", "embedding_dim", "max_length", "layers", "dropout", "learning_rate"):
        assert retrained[key] == found[key], key


def test_evaluate_scores_the_best_model_on_the_test_split(project, reviews_csv, tmp_path):
    """`lstm-zoo evaluate` on the search's project scores best_model/ on the same
    held-out split as the search's own test figure."""
    _, project_dir, _ = project
    report = tmp_path / "report.json"
    result = CliRunner().invoke(
        app, ["evaluate", str(project_dir), "--data", str(reviews_csv), "--json", str(report)]
    )
    assert result.exit_code == 0, result.output
    assert "accuracy" in result.output and "(80 items)" in result.output
    accuracy = json.loads(report.read_text())["held_out"]["model"]["accuracy"]
    assert accuracy == pytest.approx(read_summary(project_dir)["test"]["best"]["accuracy"])
    missing = CliRunner().invoke(app, ["evaluate", str(tmp_path / "nothing")])
    one_line_error(missing, "nothing")


def test_the_search_freezes_the_heap_only_while_it_runs(reviews_csv, tmp_path, monkeypatch):
    # keras-tuner's per-trial garbage collections skip what existed before the search.
    from tuning.tuner import ZooTuner

    frozen, real = [], ZooTuner.run_trial

    def spy(self, trial, *args, **kwargs):
        frozen.append(gc.get_freeze_count())
        return real(self, trial, *args, **kwargs)

    monkeypatch.setattr(ZooTuner, "run_trial", spy)
    result = run(*tiny(reviews_csv, tmp_path, "--max-trials", 2, "--max-epochs", 1))
    assert result.exit_code == 0, result.output
    assert len(frozen) == 2 and min(frozen) > 10_000, frozen  # TensorFlow, Keras, the data
    assert gc.get_freeze_count() == 0  # given back at the end
