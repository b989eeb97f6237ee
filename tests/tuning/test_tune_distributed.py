"""keras-tuner's chief/worker mode on 127.0.0.1: one chief, two workers, six trials."""

import contextlib
import json
import re
import subprocess
import time

import pytest
from conftest import CLI, TINY_SET, free_port

from tuning.summary import read_summary


def test_chief_and_two_workers(reviews_csv, tmp_path):
    address = f"127.0.0.1:{free_port()}"
    runs = tmp_path / "runs"  # --directory: not tmp_path, which holds the logs (not ours)
    common = [
        *CLI, "tune", "sentiment-lstm", "--data", str(reviews_csv), "--directory", str(runs),
        "--max-trials", "6", "--max-epochs", "2", *TINY_SET, "--no-baseline", "--no-prune",
        "--oracle", address,
    ]  # fmt: skip
    logs = [tmp_path / f"worker{i}.log" for i in range(2)]
    with contextlib.ExitStack() as stack:
        outputs = [stack.enter_context(open(log, "w")) for log in logs]
        workers = [
            subprocess.Popen(
                [*common, "--distributed", "worker", "--tuner-id", f"tuner{i}"],
                stdout=outputs[i],
                stderr=subprocess.STDOUT,
            )
            for i in range(2)
        ]
        stack.callback(_kill, workers)
        chief = _run_chief(common, logs, workers)
    record = json.loads((runs / "sentiment-lstm" / "trials.json").read_text())
    trials = record["trials"]
    assert len(trials) == 6 and all(t["status"] == "completed" for t in trials)
    assert {t["tuner_id"] for t in trials} == {"tuner0", "tuner1"}  # both workers ran trials
    for log in logs:
        assert "trials run here: " in log.read_text()
    assert "max_trials (6) reached" in chief.stdout
    assert (runs / "sentiment-lstm" / "best_model" / "zoo_model.json").is_file()


def _run_chief(common, logs, workers):
    # start the chief once both workers wait for it, so that both get trials
    deadline = time.monotonic() + 120
    while not all("waiting for the oracle" in log.read_text() for log in logs):
        assert time.monotonic() < deadline, [log.read_text()[-2000:] for log in logs]
        time.sleep(0.1)
    chief = subprocess.run(
        [*common, "--distributed", "chief"], capture_output=True, text=True, timeout=400
    )
    assert chief.returncode == 0, chief.stdout[-3000:] + chief.stderr[-3000:]
    for worker, log in zip(workers, logs):
        assert worker.wait(timeout=120) == 0, log.read_text()[-3000:]
    return chief


def _kill(workers):
    for worker in workers:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


@pytest.mark.slow
def test_a_dead_worker_s_trial_is_queued_again(reviews_csv, tmp_path):
    """One of two workers is killed (SIGKILL) in the middle of a trial: the chief hears
    nothing from it for --trial-timeout seconds, queues its trial again, the other
    worker runs it, and the search completes every trial with the best model written
    to the shared --directory. Slow: three processes start TensorFlow, and the timeout
    must exceed a first epoch (its graph compilation) on a loaded machine."""
    address = f"127.0.0.1:{free_port()}"
    runs = tmp_path / "runs"
    common = [
        *CLI, "tune", "sentiment-lstm", "--data", str(reviews_csv), "--directory", str(runs),
        "--tuner", "random", "--max-trials", "3", "--max-epochs", "3", *TINY_SET,
        "--set", "patience=99", "--no-prune", "--oracle", address, "--trial-timeout", "60",
    ]  # fmt: skip
    logs = [tmp_path / f"worker{i}.log" for i in range(2)]
    with contextlib.ExitStack() as stack:
        outputs = [stack.enter_context(open(log, "w")) for log in logs]
        workers = [
            subprocess.Popen(
                [*common, "--distributed", "worker", "--tuner-id", f"tuner{i}"],
                stdout=outputs[i],
                stderr=subprocess.STDOUT,
            )
            for i in range(2)
        ]
        stack.callback(_kill, workers)
        deadline = time.monotonic() + 180
        while not all("waiting for the oracle" in log.read_text() for log in logs):
            assert time.monotonic() < deadline, [log.read_text()[-2000:] for log in logs]
            time.sleep(0.1)
        chief = subprocess.Popen(
            [*common, "--distributed", "chief"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        stack.callback(_kill, [chief])
        # kill worker 1 once it is inside a trial (its first epoch reported)
        killed = None
        while killed is None:
            assert time.monotonic() < deadline + 240, logs[1].read_text()[-2000:]
            text = logs[1].read_text()
            started = re.findall(r"^trial (\d+) \[tuner1\]", text, re.M)
            if started and f"trial {started[-1]} epoch 1:" in text:
                killed = started[-1]
                workers[1].kill()
            time.sleep(0.05)
        try:
            output, _ = chief.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            chief.kill()
            output, _ = chief.communicate()
            raise AssertionError([output[-3000:], logs[0].read_text()[-3000:]]) from None
        assert chief.returncode == 0, output[-3000:]
        assert workers[0].wait(timeout=120) == 0, logs[0].read_text()[-3000:]
    record = json.loads((runs / "sentiment-lstm" / "trials.json").read_text())
    trials = {t["trial_id"]: t for t in record["trials"]}
    assert len(trials) == 3 and all(t["status"] == "completed" for t in trials.values())
    assert trials[killed]["requeued"] == ["tuner1"]
    assert trials[killed]["tuner_id"] == "tuner0"  # finished by the live worker
    assert len(trials[killed]["epochs"]) == 3  # a fresh start, not the dead run's epochs
    assert f"trial {killed}: tuner tuner1 silent" in output
    assert (runs / "sentiment-lstm" / "best_model" / "zoo_model.json").is_file()
    assert read_summary(runs / "sentiment-lstm")["best_trial"] is not None
