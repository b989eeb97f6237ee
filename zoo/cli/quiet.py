"""Keeps TensorFlow's C++ log lines off the command line's stderr unless `--verbose`.

`TF_CPP_MIN_LOG_LEVEL` silences most of them, but not the ones TensorFlow writes while
it loads, before absl's logging is set up (tensorflow/tensorflow#100442): the oneDNN
notice, "Could not find cuda drivers", `cuInit` errors. `filter_native_logs()` puts a
pipe in front of file descriptor 2 and drops lines in absl's format (`I0000 00:00:...
file.cc:12] ...`) and absl's own "before absl::InitializeLog()" warning; every other
line, ours and Python's, passes through unchanged.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import sys
import threading

#: A line of TensorFlow's (absl's) C++ log: severity, date, time, thread, file:line].
NATIVE_LINE = re.compile(rb"^(?:[IWEF]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [\w./-]+:\d+\]|"
                         rb"WARNING: All log messages before absl::InitializeLog\(\))")  # fmt: skip
#: The continuation line of TensorFlow's CPU-instruction notice.
CONTINUATION = re.compile(rb"^To enable the following instructions: ")


def quiet_environment() -> None:
    """TensorFlow's own switches: errors only, unless the user set them."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")


def filter_native_logs() -> None:
    """Filters file descriptor 2 (see the module docstring) until the process exits."""
    try:
        sys.stderr.flush()
        original = os.dup(2)
        read_end, write_end = os.pipe()
        os.dup2(write_end, 2)
        os.close(write_end)
    except OSError:
        return  # no usable stderr: nothing to filter

    def forward() -> None:
        with os.fdopen(read_end, "rb") as source:
            for line in source:
                if not (NATIVE_LINE.match(line) or CONTINUATION.match(line)):
                    os.write(original, line)

    thread = threading.Thread(target=forward, name="lstm-zoo-stderr", daemon=True)
    thread.start()

    def restore() -> None:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        os.dup2(original, 2)  # closes the pipe's write end: the thread reads to the end
        thread.join(timeout=5)

    atexit.register(restore)
