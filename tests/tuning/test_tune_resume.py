"""A search killed with SIGKILL right after its second trial, then run again, ends with
exactly the trials asked for, the first two untouched and none run twice."""

import json
import os
import signal
import subprocess
import time

from conftest import CLI, TINY_SET

MAX_TRIALS = 4


def trial_files(project_dir):
    states = {}
    for path in project_dir.glob("trial_*/trial.json"):
        state = json.loads(path.read_text())  # written atomically: never half a file
        states[state["trial_id"]] = state
    return states


def completed(project_dir):
    return {k: s for k, s in trial_files(project_dir).items() if s["status"] == "COMPLETED"}


def test_kill_minus_nine_then_resume(reviews_csv, tmp_path):
    runs = tmp_path / "runs"  # --directory: not tmp_path, which holds the log (not ours)
    project_dir = runs / "sentiment-lstm"
    command = [
        *CLI, "tune", "sentiment-lstm", "--data", str(reviews_csv), "--directory", str(runs),
        "--max-trials", str(MAX_TRIALS), "--max-epochs", "1", *TINY_SET, "--no-baseline",
        "--tuner", "random", "--set", "recurrent_dropout=0",  # no slow unfused trial
    ]  # fmt: skip
    with open(tmp_path / "first.log", "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 240
        while len(completed(project_dir)) < 2:
            assert process.poll() is None, (tmp_path / "first.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the first two trials took too long"
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    first = completed(project_dir)
    assert len(first) in (2, 3)  # a third may have completed in the last 20 ms

    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    final = trial_files(project_dir)
    assert sorted(final) == [str(i) for i in range(MAX_TRIALS)]  # no extra trial
    assert all(s["status"] == "COMPLETED" for s in final.values())
    for trial_id, state in first.items():  # the trials done before the kill are untouched
        assert final[trial_id]["hyperparameters"]["values"] == state["hyperparameters"]["values"]
        assert final[trial_id]["score"] == state["score"]
        assert final[trial_id]["zoo"] == state["zoo"]
    ran_again = [
        line for line in again.stdout.splitlines() if line.startswith("trial ") and "[" in line
    ]
    assert not [line for line in ran_again if line.split()[1] in first], ran_again
    rows = json.loads((project_dir / "trials.json").read_text())["trials"]
    assert len(rows) == MAX_TRIALS
