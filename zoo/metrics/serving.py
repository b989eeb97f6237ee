"""The task metric a serving variant of a model (an int8 bundle) is held to.

Each family registers a `task_metric` part (`zoo.family.Family`): a function
`(model, data) -> TaskMetric` scoring a model that predicts on whatever engine it
was handed (`ZooModel.use_engine`) on labelled `data` (what the family's
`default_data` returns). `export.verification` scores the float and the int8 graphs
of a bundle with it, and fails the int8 graphs when their score is worse than the
float graphs' by more than the metric's tolerance. Generic code never needs to know
which metric a task uses.

Default tolerances (`POINT`, `RELATIVE`): 1 point of a 0-1 score such as accuracy or
F1 (0.01), 1 point of a 0-100 score such as BLEU, and 2% of an error such as MAE or CER.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

#: One point of a score on the 0-1 scale (accuracy, F1).
POINT = 0.01
#: A relative worsening of 2% (errors: MAE, CER).
RELATIVE = 0.02


@dataclass(frozen=True)
class TaskMetric:
    """A model's score on labelled data, and how much worse a variant may do.

    Args:
        name: the metric ("accuracy", "MAE", "BLEU", ...).
        value: the score.
        higher_is_better: True for accuracy, F1, BLEU; False for errors.
        tolerance: the largest worsening allowed: in the metric's own units, or, with
            `relative`, as a fraction of the reference score.
        relative: whether `tolerance` is relative to the reference score.
        samples: how many labelled examples (or windows) were scored.
    """

    name: str
    value: float
    higher_is_better: bool
    tolerance: float
    relative: bool = False
    samples: int = 0

    def worsening(self, reference: TaskMetric) -> float:
        """How much worse this score is than `reference`'s (negative: better), in the
        metric's units, or as a fraction of the reference with `relative`."""
        change = self.value - reference.value
        worse = -change if self.higher_is_better else change
        if self.relative:
            return worse / max(abs(reference.value), 1e-12)
        return worse

    def within(self, reference: TaskMetric) -> bool:
        """Whether this score is at most `tolerance` worse than `reference`'s."""
        return self.worsening(reference) <= self.tolerance + 1e-12

    def describe_tolerance(self) -> str:
        if self.relative:
            return f"{self.tolerance:.0%} relative"
        return f"{self.tolerance:g} absolute"

    def as_dict(self) -> dict:
        return asdict(self)
