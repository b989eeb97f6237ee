"""Median-stopping pruning: end a trial that does worse than the median of earlier trials.

The rule of Google Vizier's "median stopping" (Golovin et al., 2017) and Optuna's
`MedianPruner`, asked for in keras-tuner issue #279: at the end of epoch `e`, a trial whose
objective is worse than the median of the objectives that earlier completed trials had at
the same epoch is stopped. Two warm-ups keep it from judging too early: nothing is pruned
until `startup_trials` earlier trials have a value at that epoch, nor during the first
`warmup_epochs` epochs of any trial.

The rule is plain Python, so it can be tested on made-up objective curves; the oracle
(`tuning.oracle`) applies it to every epoch a tuner reports.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class PruneDecision:
    """What the rule said about one epoch of one trial."""

    prune: bool
    epoch: int
    value: float
    median: float | None
    peers: int

    def reason(self, objective: str) -> str:
        """One line saying why (or why not) the trial was stopped."""
        if self.median is None:
            return f"epoch {self.epoch}: {objective} {self.value:.6g}, too few peers to compare"
        verdict = "worse than" if self.prune else "not worse than"
        return (
            f"epoch {self.epoch}: {objective} {self.value:.6g} is {verdict} the median "
            f"{self.median:.6g} of {self.peers} earlier trials at this epoch"
        )


class MedianStoppingRule:
    """Decides, epoch by epoch, whether a trial is worse than the median of its peers.

    Args:
        direction: "min" (e.g. val_loss) or "max" (e.g. val_accuracy).
        startup_trials: earlier completed trials with a value at the epoch needed before
            anything is pruned at that epoch.
        warmup_epochs: epochs every trial runs before it can be pruned (epoch numbers
            are 1-based: with 1, the first check is at the end of epoch 2).

    Example:

    >>> rule = MedianStoppingRule("min", startup_trials=2, warmup_epochs=1)
    >>> rule.decide(2, 0.9, [0.5, 0.6, 0.4]).prune
    True
    """

    def __init__(self, direction: str = "min", startup_trials: int = 3, warmup_epochs: int = 1):
        if direction not in ("min", "max"):
            raise ValueError(f"direction must be 'min' or 'max'; received {direction!r}.")
        if startup_trials < 1:
            raise ValueError(f"startup_trials must be at least 1; received {startup_trials!r}.")
        if warmup_epochs < 0:
            raise ValueError(f"warmup_epochs must be at least 0; received {warmup_epochs!r}.")
        self.direction = direction
        self.startup_trials = int(startup_trials)
        self.warmup_epochs = int(warmup_epochs)

    def decide(self, epoch: int, value: float, peer_values: Iterable[float]) -> PruneDecision:
        """The decision at the end of `epoch` (1-based) for a trial whose objective is
        `value`, given the objectives of earlier completed trials at that same epoch."""
        peers = [float(v) for v in peer_values if v is not None and v == v]  # drop NaN
        value = float(value)
        if epoch <= self.warmup_epochs or len(peers) < self.startup_trials:
            return PruneDecision(False, epoch, value, None, len(peers))
        median = statistics.median(peers)
        worse = value > median if self.direction == "min" else value < median
        if value != value:  # NaN is always worse
            worse = True
        return PruneDecision(worse, epoch, value, median, len(peers))

    def get_config(self) -> dict[str, object]:
        return {
            "direction": self.direction,
            "startup_trials": self.startup_trials,
            "warmup_epochs": self.warmup_epochs,
        }

    def __repr__(self) -> str:
        return (
            f"MedianStoppingRule({self.direction!r}, startup_trials={self.startup_trials}, "
            f"warmup_epochs={self.warmup_epochs})"
        )
