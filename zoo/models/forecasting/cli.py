"""The forecasting family's part of `lstm-zoo predict` (protocol: `zoo.models.predict_cli`):
a series CSV in (`--file`), the forecast table out.

    lstm-zoo predict bundles/forecast --file series.csv
    date                 temp
    2010-12-31T00:00:00  5.1234
    ...

A quantile forecaster's cells add the interval, `median [lower, upper]`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zoo.data.timeseries import TimeSeries, load_series_csv
from zoo.models.predict_cli import PredictCommandLine


@dataclass
class ForecastHistory(TimeSeries):
    """The series read from `--file`, with the names of the targets its model forecasts
    (the columns of the table `show` prints)."""

    targets: list[str] = field(default_factory=list)


class ForecastingCommandLine(PredictCommandLine):
    """Reads the history from `--file SERIES.csv` (a date column and at least the model's
    columns) and prints one row per forecast step: the date, then each target."""

    def inputs(self, texts: list[str], file: Path | None, predictor: Any) -> ForecastHistory:
        """The series in `file`, its value columns those the model was fitted on.

        Raises:
            ValueError: TEXT arguments were given, or no `--file`; `DataError` (a
                `ValueError`) for a file that is not such a series, naming the row and
                column; `FileNotFoundError`: no such file.
        """
        if texts:
            raise ValueError(
                "a forecaster predicts from a series, not from TEXT arguments: "
                "pass --file SERIES.csv"
            )
        if file is None:
            raise ValueError("a forecaster predicts from a series: pass --file SERIES.csv")
        preprocessor = predictor.model.preprocessor
        series = load_series_csv(file, value_columns=preprocessor.columns)
        return ForecastHistory(
            series.dates,
            series.values,
            series.columns,
            series.source,
            series.freq,
            targets=list(preprocessor.targets),
        )

    def show(self, inputs: ForecastHistory, results: dict[str, Any]) -> list[str]:
        """`date<TAB>target...`, then a row per step (`median [lower, upper]` cells for a
        quantile forecaster)."""
        forecast = results["forecast"]
        targets = list(getattr(inputs, "targets", None) or []) or [
            f"target_{j + 1}" for j in range(forecast.shape[1])
        ]
        lines = ["date" + "".join(f"\t{t}" for t in targets)]
        for index, date in enumerate(results["dates"]):
            cells = []
            for j in range(len(targets)):
                cell = f"{forecast[index, j]:.4f}"
                if "lower" in results:
                    cell += f" [{results['lower'][index, j]:.4f}, {results['upper'][index, j]:.4f}]"
                cells.append(cell)
            lines.append(str(date) + "".join(f"\t{c}" for c in cells))
        return lines


COMMAND_LINE = ForecastingCommandLine()
