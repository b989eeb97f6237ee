"""`StreamingForecaster`: feed a forecaster one step (or chunk) at a time.

The bundle's `stream` graph carries each LSTM layer's h and c between calls;
this class keeps them, scales each new row and adds its calendar features
(the model's `SeriesPreprocessor`, NumPy only), and keeps the recent rows the
skip connection repeats (`model.skip_steps()`); the model's own `postprocess`
turns the head's output into the forecast. After `input_width` steps from a fresh start its
forecast equals the window model's forecast for those steps.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np

from export.bundle import BundleError
from export.runtime.graph import InputError


class StreamingForecaster:
    """Incremental forecasts from a streaming bundle (see the module docstring).

    Example:

        stream = Predictor.load("bundles/forecast").stream()
        for row, date in zip(values, dates):
            stream.update(row, date)
        stream.forecast()["forecast"]      # [horizon, n_targets]
    """

    def __init__(self, predictor) -> None:
        if "stream" not in predictor.graphs:
            raise BundleError(
                f"{predictor.bundle} has no stream graph; export the model with "
                "streaming=True (lstm-zoo export --streaming)"
            )
        self.model = predictor.model
        self.graph = predictor.graphs["stream"]
        self.state_inputs = self.graph.inputs[1:]
        self.reset()

    @property
    def preprocessor(self):
        """The model's `SeriesPreprocessor` (scaling, calendar, dates)."""
        return self.model.preprocessor

    def reset(self) -> None:
        """Back to zero states and no history."""
        self.states = {
            s["name"]: np.zeros((1, s["shape"][1]), np.float32) for s in self.state_inputs
        }
        self.rows: deque[np.ndarray] = deque(maxlen=self.preprocessor.input_width)
        self.last_date: np.datetime64 | None = None
        self.head: np.ndarray | None = None
        self.steps = 0

    def _dates(self, count: int, dates: Any) -> np.ndarray | None:
        if dates is not None:
            return np.atleast_1d(np.asarray(dates, dtype="datetime64[s]"))
        if self.last_date is None:
            return None
        return self.preprocessor.next_dates(self.last_date, count)

    def update(self, values: Any, dates: Any = None) -> StreamingForecaster:
        """Feeds one row `[columns]` or a chunk `[t, columns]` (with their dates;
        without, the dates continue from the last ones at the series' step)."""
        values = np.asarray(values, dtype=np.float32)
        if values.ndim == 1:
            values = values[None, :]
        if values.ndim != 2 or values.shape[0] == 0:
            what = "an empty chunk" if values.ndim == 2 else "an array"
            raise InputError(
                f"update() received {what} of shape {list(values.shape)}; it takes one row "
                "[columns] or a chunk [t, columns] with t >= 1"
            )
        series = self.preprocessor.as_series(values, self._dates(len(values), dates))
        inputs = self.preprocessor.transform(series).astype(np.float32)
        feeds = {"steps": inputs[None], **self.states}
        head, *states = self.graph.run(self.graph.coerce(feeds))
        self.states = dict(zip((s["name"] for s in self.state_inputs), states, strict=True))
        self.head = head
        self.rows.extend(inputs)
        self.last_date = series.dates[-1]
        self.steps += len(values)
        return self

    def forecast(self) -> dict[str, Any]:
        """The forecast of the `horizon` steps after the last row fed."""
        if self.head is None:
            raise ValueError("no steps fed yet: call update() first")
        scaled = self.head
        positions = self.model.skip_steps()
        if positions:
            width = self.preprocessor.input_width
            needed = width - min(positions)
            if len(self.rows) < needed:
                raise ValueError(
                    f"the skip connection repeats steps up to {needed} back; "
                    f"only {len(self.rows)} fed so far"
                )
            rows = np.stack(self.rows)
            base = rows[[p - width for p in positions]][:, self.preprocessor.target_index][None]
            scaled = scaled + (base[..., None] if scaled.ndim == 4 else base)
        return self.model.postprocess(scaled, self.last_date)
