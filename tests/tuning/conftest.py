"""Fixtures of the tuning tests: a tiny labelled CSV, tiny model settings, subprocess runs.

Every search here trains 8-unit models on a few hundred generated reviews for one or two
epochs, so a trial takes a second or two.
"""

from __future__ import annotations

import socket
import sys

import pytest

# The project's `export` package, imported before pytest may put tests/ on sys.path: there
# tests/export/ (a folder without __init__.py) would be found first, as an empty namespace
# package, and `lstm-zoo tune --export` would find no `export.to_onnx`.
import export  # noqa: F401
from zoo.data.sentiment_corpus import generate_sentiment_corpus

#: `--set` overrides that make a sentiment model tiny.
TINY_SET = ["--set", "units=8", "--set", "embedding_dim=8", "--set", "max_length=16"]
TINY_FIXED = {"units": 8, "embedding_dim": 8, "max_length": 16}
#: Runs the `lstm-zoo` command line in a fresh Python process.
CLI = [sys.executable, "-c", "import sys; from zoo.cli.app import app; app(sys.argv[1:])"]


def write_reviews(path, n: int = 400, seed: int = 1):
    corpus = generate_sentiment_corpus(n, seed=seed)
    lines = ["review,sentiment"] + [
        f'"{t}",{corpus.label_names[y]}' for t, y in zip(corpus.texts, corpus.labels)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="session")
def reviews_csv(tmp_path_factory):
    """A CSV of 400 generated reviews (320 train after the split, 32 of them validation)."""
    return write_reviews(tmp_path_factory.mktemp("data") / "reviews.csv")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_line_error(result, *fragments):
    """`result` (a CliRunner result) failed with exit 2 and one `error: ...` line."""
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in errors[0], (fragment, errors[0])
