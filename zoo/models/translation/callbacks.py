"""Training callbacks of the translation model: a batch counter and a time budget.

Built lazily, so that importing them does not import Keras.
"""

from __future__ import annotations

import time


class _BatchCounter:
    """Counts training batches (a Keras callback, built lazily so that importing this
    module does not import Keras)."""

    def __new__(cls):
        import keras

        class BatchCounter(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.batches = 0

            def on_train_batch_end(self, batch, logs=None):
                self.batches += 1

        return BatchCounter()


def time_budget_callback(seconds: float, anneal: float = 0.0, final_lr: float = 0.1):
    """A Keras callback that stops training once ``seconds`` of training have passed
    (checked after every batch; the epoch's validation still runs).

    With ``anneal > 0`` the learning rate also falls linearly from its starting value to
    ``final_lr`` times it over the last ``anneal`` fraction of the budget, so a run cut by
    the clock still ends on small steps. ``stopped_early`` tells whether the budget stopped
    training.
    """
    import keras

    if seconds <= 0:
        raise ValueError(f"the time budget must be positive; received {seconds!r}.")
    if not 0.0 <= anneal < 1.0:
        raise ValueError(f"anneal must be in [0, 1); received {anneal!r}.")

    class TimeBudget(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = float(seconds)
            self.start = None
            self.base_lr = None
            self.stopped_early = False

        def on_train_begin(self, logs=None):
            self.start = time.perf_counter()
            self.base_lr = float(self.model.optimizer.learning_rate)

        def on_train_batch_end(self, batch, logs=None):
            progress = (time.perf_counter() - self.start) / self.seconds
            if progress >= 1.0:
                self.stopped_early = True
                self.model.stop_training = True
            elif anneal > 0 and progress > 1.0 - anneal:
                done = (progress - (1.0 - anneal)) / anneal
                self.model.optimizer.learning_rate = self.base_lr * (1.0 - (1.0 - final_lr) * done)

    return TimeBudget()
