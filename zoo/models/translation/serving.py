"""The translation family's task metric for serving variants (`zoo.metrics.serving`)."""

from __future__ import annotations

from typing import Any

from zoo.metrics.serving import TaskMetric

#: One BLEU point (BLEU is on the 0-100 scale).
BLEU_POINT = 1.0


def task_metric(model: Any, data: Any) -> TaskMetric:
    """Corpus BLEU (sacrebleu, 0-100) of greedy translations of the held-out pairs
    `data`; 1 point of tolerance."""
    import warnings

    from zoo.metrics.translation import corpus_bleu

    with warnings.catch_warnings():  # sentences longer than the model's limit are cut
        warnings.simplefilter("ignore", UserWarning)
        hypotheses = model.predict(list(data.sources), beam_width=1)
    return TaskMetric(
        "BLEU",
        float(corpus_bleu(hypotheses, data.targets)),
        higher_is_better=True,
        tolerance=BLEU_POINT,
        samples=len(data.sources),
    )
