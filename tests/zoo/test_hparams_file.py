"""`--hparams FILE`: a hyperparameters file is validated, one line naming file and field."""

import json

import pytest
from typer.testing import CliRunner

from zoo.cli.app import app
from zoo.hparams_file import HparamsFileError, read_hparams_file


def write(tmp_path, data, name="hp.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def test_a_search_record_is_read(tmp_path):
    path = write(
        tmp_path,
        {
            "model": "forecast-lstm",
            "hparams": {"units": 32, "skip": "none", "learning_rate": 0.002, "tuner/epochs": 3},
            "fixed": {"horizon": 12, "units": 8},
            "value": 0.1,
        },
    )
    values = read_hparams_file(path, "forecast-lstm")
    assert values["units"] == 32  # hparams win over fixed
    assert values["horizon"] == 12 and values["learning_rate"] == 0.002
    assert "tuner/epochs" not in values


@pytest.mark.parametrize(
    "data, fragments",
    [
        ("{not json", ["line 1, column 2"]),
        ([1, 2], ["JSON object"]),
        ({"units": 3}, ["field (top level)", "'hparams'"]),
        ({"hparams": {"unitz": 3}}, ["field hparams/unitz", "'units'"]),
        ({"hparams": {"units": -3}}, ["field hparams/units", "-3"]),
        ({"hparams": {"units": {"a": 1}}}, ["field hparams/units"]),
        ({"model": "sentiment-lstm", "hparams": {}}, ["field model", "sentiment-lstm"]),
    ],
    ids=["not-json", "not-object", "no-hparams", "unknown", "range", "type", "other-model"],
)
def test_bad_files(tmp_path, data, fragments):
    path = write(tmp_path, data)
    with pytest.raises(HparamsFileError) as caught:
        read_hparams_file(path, "forecast-lstm")
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_the_command_line_error_is_one_line(tmp_path):
    path = write(tmp_path, {"hparams": {"unitz": 3}})
    result = CliRunner().invoke(app, ["train", "forecast-lstm", "--hparams", str(path)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [f"error: {path}: field hparams/unitz: forecast-lstm has no hyperparameter "
                     "'unitz'. Did you mean 'units'?"]  # fmt: skip
