"""The embedded dataset catalogue, `lstm-zoo datasets` and `--data NAME`."""

import numpy as np
import pytest

from tests.trust_helpers import invoke
from zoo.data.datasets import DATASETS, is_dataset, load_dataset
from zoo.data.timeseries import infer_freq


def test_datasets_command_lists_weather_and_stocks_with_source_and_licence():
    result = invoke("datasets")
    assert result.exit_code == 0, result.output
    for name in ("seattle-weather", "sp500", "nasdaq", "seattle-temps"):
        assert name in result.output
    assert "licence:" in result.output and "source:    arch" in result.output
    kinds = {entry.kind for entry in DATASETS.values()}
    assert {"weather", "stocks"} <= kinds


def test_seattle_weather_is_daily_without_the_text_column():
    series = load_dataset("seattle-weather")
    assert series.freq == "D" and len(series) == 1461
    assert series.columns == ["precipitation", "temp_max", "temp_min", "wind"]
    assert np.isfinite(series.values).all()


def test_sp500_is_trading_daily_ohlcv():
    series = load_dataset("sp500")
    assert series.freq == "B" and infer_freq(series.dates) == "B"
    assert series.columns[3] == "Close" and len(series) == 5031
    assert str(series.dates[0])[:10] == "1999-01-04" and str(series.dates[-1])[:10] == "2018-12-31"


def test_unknown_names_and_paths(tmp_path):
    assert is_dataset("sp500") and not is_dataset("sp5000") and not is_dataset(tmp_path)
    with pytest.raises(KeyError, match="seattle-weather"):
        load_dataset("sp5000")
