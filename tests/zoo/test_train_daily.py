"""`lstm-zoo train` on daily data: defaults that follow the frequency, what was inferred,
one target, `--delimiter`, `--date-column`, `--columns`, and dataset names for `--data`."""

import json

import numpy as np

import zoo
from tests.trust_helpers import invoke, one_line_error
from zoo.training import metrics_table

TINY = ["--set", "units=4", "--epochs", "1"]


def _daily_csv(path, delimiter=",", date="date"):
    t = np.arange(400)
    dates = np.datetime64("2020-01-01") + t.astype("timedelta64[D]")
    rain, temp = np.abs(np.sin(t / 3)), 10 + 8 * np.sin(2 * np.pi * t / 365)
    lines = [delimiter.join([date, "rain", "temp", "wind"])]
    lines += [
        delimiter.join([str(d), f"{a:.3f}", f"{b:.3f}", "3.0"])
        for d, a, b in zip(dates, rain, temp)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_daily_csv_gets_daily_defaults_and_train_says_so(tmp_path):
    data = _daily_csv(tmp_path / "daily.csv")
    result = invoke(
        "train", "forecast-lstm", "--data", str(data), "--out", str(tmp_path / "m"), *TINY
    )
    assert result.exit_code == 0, result.output
    assert "inferred frequency: daily ('D'); season: 7 steps" in result.output
    assert "input_width=28, horizon=7 (from the frequency)" in result.output
    assert "targets: temp (of rain, temp, wind" in result.output
    record = json.loads((tmp_path / "m" / "metrics.json").read_text())
    assert record["hparams"]["input_width"] == 28 and record["hparams"]["horizon"] == 7
    assert record["hparams"]["targets"] == ["temp"]
    state = json.loads((tmp_path / "m" / "zoo_model.json").read_text())["preprocessing"]
    assert len(state["reference"]["dates"]) == 28 + 7 + 7  # the real sample for export


def test_set_values_win_over_the_frequency(tmp_path):
    model = zoo.create_model("forecast-lstm", input_width=10, targets=["rain", "wind"])
    model.load_data(_daily_csv(tmp_path / "d.csv"))
    assert model.hparams["input_width"] == 10 and model.hparams["horizon"] == 7
    assert model.hparams["targets"] == ["rain", "wind"]


def test_delimiter_and_column_options(tmp_path):
    data = _daily_csv(tmp_path / "semi.csv", delimiter=";", date="day")
    out = tmp_path / "m"
    refused = invoke("train", "forecast-lstm", "--data", str(data), "--out", str(out), *TINY)
    line = one_line_error(refused, "semi.csv", "--delimiter ';'")
    assert "row 1" in line
    options = ["--delimiter", ";", "--date-column", "day", "--columns", "temp,rain"]
    result = invoke(
        "train", "forecast-lstm", "--data", str(data), "--out", str(out), *options, *TINY
    )
    assert result.exit_code == 0, result.output
    assert "targets: temp (of temp, rain" in result.output
    bad = invoke("train", "forecast-lstm", "--data", str(data), "--delimiter", ";;", *TINY)
    one_line_error(bad, "--delimiter must be one character")
    wrong = invoke("train", "sentiment-lstm", "--data", str(data), "--delimiter", ";", *TINY)
    one_line_error(wrong, "--delimiter does not apply")


def test_metric_names_never_run_together():
    report = {"model": {"mse_scaled": 0.1, "nominal_coverage": 0.8, "pinball": 1.0}}
    header = metrics_table(report).splitlines()[0]
    assert "mse_scalednominal" not in header and "pinballpinball" not in header
    assert header.split() == ["mse_scaled", "nominal_coverage", "pinball"]


def test_data_accepts_a_dataset_name(tmp_path):
    model = zoo.create_model("forecast-lstm")
    train, test = model.load_data("seattle-weather")
    assert model.hparams["targets"] == ["temp_max"] and model.hparams["season"] == 365
    assert model.data_name == "seattle-weather" and train.freq == "D"
    missing = invoke("train", "forecast-lstm", "--data", "seattle-wether", *TINY)
    one_line_error(missing, "seattle-wether", "lstm-zoo datasets")
