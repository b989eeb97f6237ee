"""`lstm-zoo train` and `lstm-zoo models`: results on disk, one-line errors."""

import json

import pytest
from conftest import one_line_error
from typer.testing import CliRunner

from zoo.cli.app import app
from zoo.data.sentiment_corpus import generate_sentiment_corpus

TINY = ["--epochs", "1", "--set", "units=8", "--set", "embedding_dim=8", "--set", "max_length=16"]


def run(*args):
    return CliRunner().invoke(app, list(args))


def test_models_table_lists_the_registry():
    result = run("models")
    assert result.exit_code == 0
    assert "sentiment-lstm" in result.output and "sentiment-bilstm" in result.output
    cards = json.loads(run("models", "sentiment-*", "--card").output)
    assert [c["name"] for c in cards] == ["sentiment-bilstm", "sentiment-lstm"]


def test_train_on_a_users_csv(tmp_path):
    corpus = generate_sentiment_corpus(300, seed=1)
    lines = ["review,sentiment"] + [
        f'"{t}",{corpus.label_names[y]}' for t, y in zip(corpus.texts, corpus.labels)
    ]
    data = tmp_path / "reviews.csv"
    data.write_text("\n".join(lines) + "\n")
    out = tmp_path / "run"
    result = run("train", "sentiment-lstm", "--data", str(data), "--out", str(out), *TINY)
    assert result.exit_code == 0, result.output
    record = json.loads((out / "metrics.json").read_text())
    assert set(record["held_out"]) >= {"model", "bag_of_words"}
    assert record["held_out"]["model"]["accuracy"] >= 0.0
    for name in ("model.keras", "zoo_model.json", "confusion_matrix.png", "gates.png"):
        assert (out / name).is_file(), name
    assert "bag_of_words" in result.output  # the table printed beside the baseline


def test_unknown_model(tmp_path):
    one_line_error(run("train", "sentimnt-lstm", "--out", str(tmp_path)), "sentiment-lstm")


def test_bad_override(tmp_path):
    one_line_error(run("train", "sentiment-lstm", "--set", "units"), "KEY=VALUE")
    one_line_error(run("train", "sentiment-lstm", "--set", "unitz=3"), "unitz")


def test_missing_data_path(tmp_path):
    one_line_error(run("train", "sentiment-lstm", "--data", str(tmp_path / "nope.csv")), "nope.csv")


@pytest.mark.parametrize(
    "name, content, fragments",
    [
        ("empty.csv", "", ["empty.csv", "empty"]),
        ("tabs.csv", "text\tlabel\ngood film\tpositive\nbad film\tnegative\n", ["tabs.csv"]),
    ],
)
def test_malformed_text_files(tmp_path, name, content, fragments):
    path = tmp_path / name
    path.write_text(content)
    one_line_error(run("train", "sentiment-lstm", "--data", str(path), *TINY), *fragments)


def test_label_outside_known_classes(tmp_path):
    sst2 = tmp_path / "SST-2"
    sst2.mkdir()
    (sst2 / "train.tsv").write_text("sentence\tlabel\ngood film \t1\nodd film \t7\n")
    (sst2 / "dev.tsv").write_text("sentence\tlabel\nfine \t1\n")
    one_line_error(
        run("train", "sentiment-lstm", "--data", str(sst2), *TINY), "train.tsv", "row 3", "7"
    )


def hourly_csv(rows: int, bad_row: int | None = None, bad_value: str = "") -> str:
    lines = ["date,load,temp"]
    for i in range(rows):
        value = f"{20 + (i % 24) * 0.5:.1f}"
        if bad_row is not None and i + 2 == bad_row:  # +2: header is line 1
            value = bad_value
        lines.append(f"2024-01-{1 + i // 24:02d} {i % 24:02d}:00:00,{i % 7},{value}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "content, extra, fragments",
    [
        (hourly_csv(200, 57, "abc"), [], ["series.csv", "row 57", "temp", "abc"]),
        (hourly_csv(200, 40, ""), [], ["series.csv", "row 40", "temp"]),
        ("", [], ["series.csv", "empty"]),
        (hourly_csv(300), ["--set", 'targets=["humidity"]'], ["series.csv", "humidity", "load"]),
        (hourly_csv(30), [], ["series.csv", "30"]),
    ],
    ids=["non-numeric", "nan-gap", "empty", "missing-column", "too-short"],
)
def test_malformed_series_files(tmp_path, content, extra, fragments):
    path = tmp_path / "series.csv"
    path.write_text(content)
    args = ["train", "forecast-lstm", "--data", str(path), "--epochs", "1", "--set", "units=4"]
    one_line_error(run(*args, *extra), *fragments)
