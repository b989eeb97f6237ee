"""The parts of a search's summary that need no training: the defaults as trial 0 of
every oracle, the re-queue of a lost worker's trial, the importance and the overhead."""

import random
import time

import keras_tuner
import pytest

from tuning.oracle import make_oracle
from tuning.summary import importance, overhead


def new_oracle(tmp_path, kind="random", **options):
    oracle = make_oracle(
        kind, keras_tuner.Objective("val_loss", "min"), max_trials=6, max_epochs=3, **options
    )
    oracle._set_project_dir(str(tmp_path), "project")
    hp = keras_tuner.HyperParameters()
    hp.Choice("units", [8, 16, 32], default=16)
    hp.Float("learning_rate", 1e-4, 1e-2, sampling="log", default=1e-3)
    hp.Boolean("relative", default=True)
    oracle.update_space(hp)
    return oracle


DEFAULTS = {"units": 16, "learning_rate": 1e-3, "relative": True}


@pytest.mark.parametrize("kind", ["random", "bayesian", "hyperband"])
def test_every_oracle_starts_with_the_defaults(tmp_path, kind):
    oracle = new_oracle(tmp_path, kind)
    first = oracle.create_trial("tuner0")
    values = {k: v for k, v in first.hyperparameters.values.items() if not k.startswith("tuner/")}
    assert values == DEFAULTS
    assert oracle.record_of(first.trial_id)["defaults"] is True
    second = oracle.create_trial("tuner1")
    assert "defaults" not in oracle.record_of(second.trial_id)
    if kind == "hyperband":  # the defaults get the same epochs as the bracket's others
        assert (
            first.hyperparameters.values["tuner/epochs"]
            == (second.hyperparameters.values["tuner/epochs"])
        )


def test_without_defaults_first_trial_0_is_sampled(tmp_path):
    oracle = new_oracle(tmp_path, defaults_first=False)
    first = oracle.create_trial("tuner0")
    assert "defaults" not in oracle.record_of(first.trial_id)


def test_a_silent_worker_s_trial_is_queued_again(tmp_path):
    oracle = new_oracle(tmp_path, trial_timeout=0.3)
    alive = oracle.create_trial("alive")
    lost = oracle.create_trial("lost")
    oracle.update_trial(lost.trial_id, {"val_loss": 0.9}, step=0)
    assert oracle.requeue_lost() == []  # both reported just now
    time.sleep(0.4)
    oracle.update_trial(alive.trial_id, {"val_loss": 0.5}, step=0)  # alive keeps reporting
    alive.status = "COMPLETED"
    oracle.end_trial(alive)
    again = oracle.create_trial("alive")  # the live tuner asks: gets the lost trial
    assert again.trial_id == lost.trial_id and again.status == "RUNNING"
    assert oracle.record_of(lost.trial_id)["requeued"] == ["lost"]
    assert "lost" not in oracle.tuner_ids  # the chief no longer waits for it
    assert not again.metrics.exists("val_loss")  # a fresh start
    oracle.update_trial(again.trial_id, {"val_loss": 0.4}, step=0)
    again.status = "COMPLETED"
    oracle.end_trial(again)
    assert oracle.trials[lost.trial_id].status == "COMPLETED"


def test_a_tuner_waits_while_another_trial_may_be_lost(tmp_path):
    oracle = new_oracle(tmp_path, trial_timeout=60)
    oracle.max_trials = 2
    first = oracle.create_trial("a")
    oracle.create_trial("b")
    first.status = "COMPLETED"
    oracle.update_trial(first.trial_id, {"val_loss": 0.5}, step=0)
    oracle.end_trial(first)
    assert oracle.create_trial("a").status == "IDLE"  # not STOPPED: b may be lost
    assert "a" in oracle.tuner_ids


def rows_where_only_units_matters(n=24, seed=0):
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        units, rate = rng.choice([8, 16, 32, 64]), rng.choice([1e-4, 1e-3, 1e-2])
        objective = {8: 1.0, 16: 0.6, 32: 0.3, 64: 0.2}[units] + rng.gauss(0, 0.01)
        rows.append(
            {
                "trial_id": str(i),
                "objective": objective,
                "hparams": {"units": units, "learning_rate": rate, "skip": "last"},
            }
        )
    return rows


def test_importance_finds_the_hyperparameter_that_matters():
    rows = rows_where_only_units_matters()
    result = importance(rows, "min")
    shares = result["shares"]
    assert set(shares) == {"units", "learning_rate"}  # "skip" never varied
    assert shares["units"] > 0.8 > 0.1 > shares["learning_rate"]
    distinct = {(r["hparams"]["units"], r["hparams"]["learning_rate"]) for r in rows}
    assert list(shares)[0] == "units" and result["trials"] == len(distinct)  # one each


def test_importance_needs_enough_trials():
    result = importance(rows_where_only_units_matters(3), "min")
    assert result["shares"] == {} and "too few" in result["note"]


def test_overhead():
    rows = [
        {"trial_seconds": 10.0, "fit_seconds": 9.0},
        {"trial_seconds": 20.0, "fit_seconds": 19.0},
        {"trial_seconds": None, "fit_seconds": None},  # killed: not counted
    ]
    cost = overhead(rows)
    assert cost["fraction"] == pytest.approx(2 / 30, abs=1e-6)  # rounded to 6 places
    assert cost["median_fraction"] == pytest.approx((0.1 + 0.05) / 2, abs=1e-6)
    assert cost["trial_seconds"] == 30 and cost["fit_seconds"] == 28


def test_a_slow_tuner_s_requeued_trial_that_ends_is_not_run_again(tmp_path):
    oracle = new_oracle(tmp_path, trial_timeout=0.2)
    slow = oracle.create_trial("slow")
    time.sleep(0.3)
    assert oracle.requeue_lost() == [slow.trial_id]  # silent past the timeout
    oracle.update_trial(slow.trial_id, {"val_loss": 0.5}, step=0)  # it was only slow
    slow.status = "COMPLETED"
    oracle.end_trial(slow)
    nxt = oracle.create_trial("slow")
    assert nxt.trial_id != slow.trial_id  # not queued again once it ended
