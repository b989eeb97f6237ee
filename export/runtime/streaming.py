"""`StreamingForecaster`: feed a forecaster one step (or chunk) at a time.

The bundle's `stream` graph carries each LSTM layer's h and c between calls;
this class keeps them, scales each new row and adds its calendar features
(the zoo model's own NumPy code), and keeps the recent rows the skip
connection repeats. After `input_width` steps from a fresh start its
forecast equals the window model's forecast for those steps.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np

from export.bundle import BundleError


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

    def reset(self) -> None:
        """Back to zero states and no history."""
        self.states = {
            s["name"]: np.zeros((1, s["shape"][1]), np.float32) for s in self.state_inputs
        }
        self.rows: deque[np.ndarray] = deque(maxlen=self.model._state["input_width"])
        self.last_date: np.datetime64 | None = None
        self.head: np.ndarray | None = None
        self.steps = 0

    def _dates(self, count: int, dates: Any) -> np.ndarray | None:
        if dates is not None:
            return np.atleast_1d(np.asarray(dates, dtype="datetime64[s]"))
        if self.last_date is None:
            return None
        step = int(round(self.model._state["step_seconds"]))
        return self.last_date + np.arange(1, count + 1) * np.timedelta64(step, "s")

    def update(self, values: Any, dates: Any = None) -> StreamingForecaster:
        """Feeds one row `[columns]` or a chunk `[t, columns]` (with their dates;
        without, the dates continue from the last ones at the series' step)."""
        values = np.asarray(values, dtype=np.float32)
        if values.ndim == 1:
            values = values[None, :]
        series = self.model._as_series(values, self._dates(len(values), dates))
        inputs = self.model._inputs(series).astype(np.float32)
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
        from zoo.models.forecasting.lstm_forecaster import _future_dates

        if self.head is None:
            raise ValueError("no steps fed yet: call update() first")
        state, model = self.model._state, self.model
        scaled = self.head
        if model.hparams["skip"]:
            width = state["input_width"]
            positions = model._skip_steps()
            needed = width - min(positions)
            if len(self.rows) < needed:
                raise ValueError(
                    f"the skip connection repeats steps up to {needed} back; "
                    f"only {len(self.rows)} fed so far"
                )
            rows = np.stack(self.rows)
            base = rows[[p - width for p in positions]][:, state["target_index"]][None]
            scaled = scaled + (base[..., None] if scaled.ndim == 4 else base)
        out = {k: v[0] for k, v in model._from_scaled(scaled).items()}
        out["dates"] = _future_dates(
            self.last_date, state["freq"], state["step_seconds"], state["horizon"]
        )
        if hasattr(model, "levels"):
            out["levels"] = list(model.levels)
        return out
