"""Median-stopping pruning and the time budget, on made-up objective curves.

The oracle is driven by hand here (no training): a "tuner" reports one value per epoch
and stops when the oracle answers STOPPED, as `ZooTuner` does.
"""

import csv
import time

import keras_tuner
import pytest

from tuning.budget import Deadline
from tuning.oracle import make_oracle
from tuning.pruning import MedianStoppingRule
from tuning.results import write_results

EPOCHS = 4


def test_rule_compares_with_the_median_at_the_same_epoch():
    rule = MedianStoppingRule("min", startup_trials=3, warmup_epochs=1)
    assert not rule.decide(1, 9.0, [1.0, 1.0, 1.0]).prune  # warm-up epoch
    assert not rule.decide(2, 9.0, [1.0, 1.0]).prune  # too few earlier trials
    decision = rule.decide(2, 1.5, [1.0, 2.0, 1.2])
    assert decision.prune and decision.median == 1.2 and decision.peers == 3
    assert not rule.decide(2, 1.2, [1.0, 2.0, 1.2]).prune  # equal to the median: kept
    assert "worse than the median 1.2" in decision.reason("val_loss")
    up = MedianStoppingRule("max", startup_trials=1, warmup_epochs=0)
    assert up.decide(1, 0.5, [0.9]).prune and not up.decide(1, 0.95, [0.9]).prune
    assert rule.decide(3, float("nan"), [1.0, 1.0, 1.0]).prune
    with pytest.raises(ValueError, match="direction"):
        MedianStoppingRule("down")


def curve(bad: bool, epoch: int) -> float:
    """val_loss of a good trial falls to 0.25; a bad one stays near 2."""
    return 2.0 - 0.1 * epoch if bad else 1.0 / (epoch + 1)


def drive(oracle, bad_trials, epochs=EPOCHS):
    """Runs trials until the oracle stops; returns {trial_id: epochs it ran}."""
    ran = {}
    while True:
        trial = oracle.create_trial("tuner0")
        if trial.status == "STOPPED":
            return ran
        n = 0
        for epoch in range(epochs):
            value = curve(trial.trial_id in bad_trials, epoch)
            reply = oracle.update_trial(trial.trial_id, {"val_loss": value}, step=epoch)
            n += 1
            if reply.status == "STOPPED":
                break
        trial.status = "COMPLETED"
        oracle.end_trial(trial)
        ran[trial.trial_id] = n


def new_oracle(tmp_path, max_trials=6, **options):
    oracle = make_oracle(
        "random",
        keras_tuner.Objective("val_loss", "min"),
        max_trials=max_trials,
        max_epochs=EPOCHS,
        **options,
    )
    oracle._set_project_dir(str(tmp_path), "project")
    hp = keras_tuner.HyperParameters()
    hp.Float("learning_rate", 1e-4, 1e-1, sampling="log")
    hp.Int("units", 8, 64, step=8)
    oracle.update_space(hp)
    return oracle


MANIFEST = {"model": "made-up", "tuner": "random", "objective": "val_loss", "direction": "min"}


def test_bad_trials_are_pruned_early_and_marked_in_trials_csv(tmp_path):
    rule = MedianStoppingRule("min", startup_trials=2, warmup_epochs=1)
    oracle = new_oracle(tmp_path, rule=rule)
    ran = drive(oracle, bad_trials={"1", "3", "4"})
    # trial 1 is bad but has only one earlier trial to compare with: it runs to the end.
    assert ran == {"0": 4, "1": 4, "2": 4, "3": 2, "4": 2, "5": 4}
    write_results(tmp_path / "project", MANIFEST)
    with open(tmp_path / "project" / "trials.csv") as handle:
        rows = {r["trial_id"]: r for r in csv.DictReader(handle)}
    assert {k: r["status"] for k, r in rows.items()} == {
        "0": "completed", "1": "completed", "2": "completed",
        "3": "pruned", "4": "pruned", "5": "completed",
    }  # fmt: skip
    assert rows["3"]["pruned_at_epoch"] == "2" and rows["3"]["epochs_run"] == "2"
    assert rows["3"]["epoch_3"] == ""  # stopped before epoch 3
    assert float(rows["3"]["prune_median"]) == pytest.approx(0.5)  # trials 0, 1, 2 at epoch 2
    assert float(rows["0"]["objective"]) == pytest.approx(0.25)
    assert list(rows)[0] in ("0", "2", "5")  # best first


def test_without_the_rule_nothing_is_pruned(tmp_path):
    oracle = new_oracle(tmp_path, max_trials=4)
    assert drive(oracle, bad_trials={"2", "3"}) == {"0": 4, "1": 4, "2": 4, "3": 4}


def test_time_budget_stops_the_running_trial_and_starts_no_other(tmp_path):
    deadline = Deadline(3600.0)
    oracle = new_oracle(tmp_path, deadline=deadline)
    first = oracle.create_trial("tuner0")
    assert oracle.update_trial(first.trial_id, {"val_loss": 1.0}, step=0).status == "RUNNING"
    deadline.started = time.time() - 7200  # the budget is now spent
    assert oracle.update_trial(first.trial_id, {"val_loss": 0.9}, step=1).status == "STOPPED"
    first.status = "COMPLETED"
    oracle.end_trial(first)
    assert oracle.create_trial("tuner0").status == "STOPPED"
    assert oracle.stopped_by_budget
    summary = write_results(tmp_path / "project", MANIFEST)
    assert [r["status"] for r in summary["trials"]] == ["budget_cut"]
    assert summary["trials"][0]["objective"] == pytest.approx(0.9)
