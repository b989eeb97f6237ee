"""The oracle's reload after a crash, at the moments keras-tuner gets wrong.

keras-tuner 1.4.8 writes `oracle.json` in `end_trial` before it takes the trial off
`ongoing_trials`, and reloads every ongoing trial for a retry, so a search killed right
after a trial completes runs that trial again; a trial whose `trial.json` was written but
whose creation `oracle.json` missed is never run; and grid search loses its queue of
combinations and stops at once. Each moment is reproduced here by putting back the
`oracle.json` of an earlier moment, as a kill -9 would leave it.
"""

import json

import keras_tuner

from tuning.oracle import make_oracle


def new_oracle(tmp_path, kind="random", max_trials=4):
    oracle = make_oracle(
        kind, keras_tuner.Objective("val_loss", "min"), max_trials=max_trials, max_epochs=2
    )
    oracle._set_project_dir(str(tmp_path), "project")
    hp = keras_tuner.HyperParameters()
    hp.Choice("units", [8, 16, 32])
    hp.Choice("layers", [1, 2])
    oracle.update_space(hp)
    return oracle


def run_trial(oracle, value=1.0):
    trial = oracle.create_trial("tuner0")
    oracle.update_trial(trial.trial_id, {"val_loss": value + 0.5}, step=0)
    oracle.update_trial(trial.trial_id, {"val_loss": value}, step=1)
    trial.status = "COMPLETED"
    oracle.end_trial(trial)
    return trial


def reload(tmp_path, kind="random", max_trials=4):
    oracle = new_oracle(tmp_path, kind, max_trials)
    oracle.reload()
    return oracle


def saved(tmp_path, trial_id):
    return json.loads((tmp_path / "project" / f"trial_{trial_id}" / "trial.json").read_text())


def test_a_trial_that_completed_just_before_the_kill_is_not_run_again(tmp_path):
    oracle = new_oracle(tmp_path)
    run_trial(oracle, 1.0)
    trial = oracle.create_trial("tuner0")
    stale = (tmp_path / "project" / "oracle.json").read_text()  # trial 1 ongoing
    oracle.update_trial(trial.trial_id, {"val_loss": 0.7}, step=0)
    trial.status = "COMPLETED"
    oracle.end_trial(trial)
    (tmp_path / "project" / "oracle.json").write_text(stale)  # killed before it was saved
    before = saved(tmp_path, "1")
    again = reload(tmp_path)
    nxt = again.create_trial("tuner0")
    assert nxt.trial_id == "2"  # not a retry of trial 1
    assert saved(tmp_path, "1") == before
    assert again.trials["1"].score == 0.7 and "1" in again.end_order


def test_a_trial_whose_creation_oracle_json_missed_is_run_again_first(tmp_path):
    oracle = new_oracle(tmp_path)
    run_trial(oracle, 1.0)
    stale = (tmp_path / "project" / "oracle.json").read_text()
    interrupted = oracle.create_trial("tuner0")
    oracle.update_trial(interrupted.trial_id, {"val_loss": 5.0}, step=0)  # a partial epoch
    (tmp_path / "project" / "oracle.json").write_text(stale)
    again = reload(tmp_path)
    retry = again.create_trial("tuner0")
    assert retry.trial_id == interrupted.trial_id == "1"
    assert retry.hyperparameters.values == interrupted.hyperparameters.values
    assert not retry.metrics.exists("val_loss")  # the partial run's epoch is dropped
    retry.status = "COMPLETED"
    again.update_trial("1", {"val_loss": 0.5}, step=0)
    again.end_trial(retry)
    fresh = again.create_trial("tuner0")
    assert fresh.trial_id == "2"
    assert fresh.hyperparameters.values != retry.hyperparameters.values
    assert saved(tmp_path, "1")["zoo"]["runs"] == 2


def test_a_trial_running_at_the_kill_is_retried_with_its_values(tmp_path):
    oracle = new_oracle(tmp_path)
    run_trial(oracle, 1.0)
    running = oracle.create_trial("tuner0")
    oracle.update_trial(running.trial_id, {"val_loss": 3.0}, step=0)
    again = reload(tmp_path)
    retry = again.create_trial("tuner0")
    assert (retry.trial_id, retry.hyperparameters.values) == ("1", running.hyperparameters.values)
    assert not retry.metrics.exists("val_loss")
    assert sorted(again.trials) == ["0", "1"]


def test_grid_search_goes_on_after_a_reload(tmp_path):
    oracle = new_oracle(tmp_path, "grid", max_trials=6)
    seen = [run_trial(oracle).hyperparameters.values for _ in range(2)]
    oracle.save()  # a clean stop: plain keras-tuner would answer STOPPED next
    again = reload(tmp_path, "grid", max_trials=6)
    while (trial := again.create_trial("tuner0")).status == "RUNNING":
        seen.append(dict(trial.hyperparameters.values))
        trial.status = "COMPLETED"
        again.update_trial(trial.trial_id, {"val_loss": 1.0}, step=0)
        again.end_trial(trial)
    assert len(seen) == 6  # the whole 3 x 2 grid, each point once
    assert len({tuple(sorted(v.items())) for v in seen}) == 6
