"""keras-tuner's chief/worker mode on 127.0.0.1: one chief, two workers, six trials."""

import contextlib
import json
import subprocess
import time

from conftest import CLI, TINY_SET, free_port


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
