"""Checks of the series a fitted forecaster is given: finite values, the training frequency.

A forecaster fitted on hourly data and given a daily series (or an array whose dates are
daily) would forecast "the next 24 hours" from 24 days without a word; a NaN or an infinity
inside an input window would still give finite-looking forecasts. These checks raise
:class:`zoo.data.errors.DataError` instead, naming the series, the row and the column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from zoo.data.errors import DataError, format_value
from zoo.data.timeseries import TimeSeries, describe_freq, infer_freq, same_freq

__all__ = ["check_finite", "check_frequency", "series_freq"]


def series_freq(series: TimeSeries) -> str | None:
    """The frequency of ``series`` inferred from its dates (its ``freq`` if under 2 dates)."""
    return infer_freq(series.dates) if len(series) >= 2 else series.freq


def check_frequency(series: TimeSeries, trained: str | None) -> None:
    """Raise when ``series`` is sampled at another frequency than the training data.

    ``trained`` is the frequency inferred from the training series (the preprocessor's
    ``freq``; ``None``: unknown, nothing is checked).
    """
    given = series_freq(series)
    if trained is None or given is None or same_freq(trained, given):
        return
    raise DataError(
        f"the series is {describe_freq(given)} but the model was trained on "
        f"{describe_freq(trained)} data; give it a series at the training frequency",
        file=series.source,
    )


def check_finite(
    values: np.ndarray,
    columns: Sequence[str],
    series: TimeSeries,
    offset: int = 0,
) -> None:
    """Raise at the first NaN or infinite value of ``values`` (rows ``offset:`` of ``series``).

    The message names the column and the 0-based row of the series with its date.
    """
    finite = np.isfinite(values)
    if finite.all():
        return
    row, col = (int(i) for i in np.argwhere(~finite)[0])
    index = offset + row
    date = np.datetime_as_string(series.dates[index], unit="s") if len(series.dates) else "?"
    raise DataError(
        f"value {format_value(float(values[row, col]))} in row {index} (0-based, date {date}) "
        "is not finite; forecast inputs must be finite numbers (fill or drop gaps first)",
        file=series.source,
        column=columns[col],
        value=float(values[row, col]),
    )


def check_preprocessing_state(state: dict[str, Any], file: str, error: type[ValueError]) -> None:
    """A saved forecaster's preprocessing, past its schema: target indices point at the
    targets, and the scaler has one mean and scale per column (the family's
    `check_preprocessing`)."""
    columns, targets, index = state["columns"], state["targets"], state["target_index"]
    where = f"{file}: field 'preprocessing"
    if len(index) != len(targets):
        raise error(f"{where}.target_index': {len(index)} entries for {len(targets)} targets")
    for position, (target, column) in enumerate(zip(targets, index, strict=True)):
        if column >= len(columns) or columns[column] != target:
            raise error(
                f"{where}.target_index[{position}]': {column} is not the index of target "
                f"{target!r} in the columns {columns}"
            )
    for key in ("mean", "scale"):
        if len(state["scaler"][key]) != len(columns):
            raise error(
                f"{where}.scaler.{key}': {len(state['scaler'][key])} values "
                f"for {len(columns)} columns"
            )
