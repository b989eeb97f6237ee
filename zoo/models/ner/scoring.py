"""Entity-level scores (seqeval, conlleval-compatible) and the gazetteer baseline.

Why `seqeval`: it is the maintained Python implementation of the CoNLL shared task's
`conlleval` scoring (an entity counts only when its type and both boundaries are
right), used by most NER papers and libraries, so the figures here compare with theirs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from zoo.models.ner.preprocessing import entities

__all__ = ["Gazetteer", "entity_scores", "type_confusion"]


def entity_scores(
    gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]
) -> dict[str, Any]:
    """Micro-averaged precision, recall and F1 over entities, and the same per type."""
    from seqeval.metrics import classification_report, f1_score, precision_score, recall_score

    gold, predicted = [list(r) for r in gold], [list(r) for r in predicted]
    report = classification_report(gold, predicted, output_dict=True, zero_division=0)
    per_type = {
        kind: {
            "precision": float(row["precision"]),
            "recall": float(row["recall"]),
            "f1": float(row["f1-score"]),
            "support": int(row["support"]),
        }
        for kind, row in report.items()
        if not kind.endswith("avg")
    }
    return {
        "precision": float(precision_score(gold, predicted, zero_division=0)),
        "recall": float(recall_score(gold, predicted, zero_division=0)),
        "f1": float(f1_score(gold, predicted, zero_division=0)),
        "per_type": per_type,
    }


def type_confusion(
    gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]
) -> dict[str, dict[str, int]]:
    """For each gold entity type: how its entities were predicted, by the predicted type
    of an entity with the same span, or `"missed"` when no predicted entity has it."""
    table: dict[str, dict[str, int]] = defaultdict(Counter)
    for gold_row, predicted_row in zip(gold, predicted, strict=True):
        spans = {(b, e): kind for kind, b, e in entities([""] * len(predicted_row), predicted_row)}
        for kind, b, e in entities([""] * len(gold_row), gold_row):
            table[kind][spans.get((b, e), "missed")] += 1
    return {kind: dict(sorted(row.items())) for kind, row in sorted(table.items())}


class Gazetteer:
    """The dictionary-lookup baseline: every entity string of the training data with its
    most frequent type, matched longest-first (case-sensitive) in new sentences."""

    def __init__(self) -> None:
        self.types: dict[tuple[str, ...], str] = {}
        self.longest = 1

    def fit(self, sentences: Sequence[Sequence[str]], tags: Sequence[Sequence[str]]) -> Gazetteer:
        counts: dict[tuple[str, ...], Counter] = defaultdict(Counter)
        for tokens, row in zip(sentences, tags, strict=True):
            for kind, b, e in entities(tokens, row):
                counts[tuple(tokens[b:e])][kind] += 1
        self.types = {k: c.most_common(1)[0][0] for k, c in counts.items()}
        self.longest = max((len(k) for k in self.types), default=1)
        return self

    def tag(self, tokens: Sequence[str]) -> list[str]:
        out = ["O"] * len(tokens)
        i = 0
        while i < len(tokens):
            for size in range(min(self.longest, len(tokens) - i), 0, -1):
                kind = self.types.get(tuple(tokens[i : i + size]))
                if kind is not None:
                    out[i : i + size] = [f"B-{kind}"] + [f"I-{kind}"] * (size - 1)
                    i += size
                    break
            else:
                i += 1
        return out
