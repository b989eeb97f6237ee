"""The command line hides TensorFlow's C++ log lines by default and shows them with
`--verbose`; its own lines and usage errors stay one line on stderr."""

from __future__ import annotations

import os
import subprocess
import sys

from zoo.cli.quiet import NATIVE_LINE

SCRIPT = """
import os, sys
from zoo.cli import quiet
if sys.argv[1] == "quiet":
    quiet.quiet_environment()
    quiet.filter_native_logs()
import tensorflow as tf
tf.constant(1.0) + 1.0
os.write(2, b"I0000 00:00:1796217465.813621   17030 port.cc:153] oneDNN custom operations\\n")
print("error: our own line", file=sys.stderr)
"""


def _run(mode: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_native_log_lines_are_hidden_by_default_and_ours_pass():
    lines = _run("quiet").splitlines()
    assert lines == ["error: our own line"], lines


def test_without_the_filter_tensorflow_writes_native_lines():
    # The filter has something to do: TensorFlow does write such lines here.
    assert any(NATIVE_LINE.match(line.encode()) for line in _run("loud").splitlines())


def test_usage_errors_are_one_line_with_exit_2():
    from tests.trust_helpers import one_line_error, run_cli

    one_line_error(run_cli("train", "sentiment-lstm", "--epochs", "0"), "--epochs")
    one_line_error(run_cli("train", "sentiment-lstm", "--nosuch"), "--nosuch")
    one_line_error(run_cli("frobnicate"), "frobnicate")
