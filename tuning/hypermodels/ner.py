"""`NERHyperModel`: the search space of the named-entity tagger family."""

from __future__ import annotations

from typing import Any

from tuning.hypermodels.base import ZooHyperModel


class NERHyperModel(ZooHyperModel):
    """Searches `EntityTagger` models ("ner-bilstm-crf", "ner-bilstm").

    Objective: **validation entity F1** (`val_f1`, max, seqeval), computed by the
    tagger after each epoch on its held-out sentences (CoNLL `valid` when the data has
    it): the figure NER is reported and compared on.

    Space: `word_dim`, `char_units`, `casing`, `units`, `layers`, `dropout`,
    `unk_replace`, `learning_rate`, `batch_size`.
    """

    objective_name = "val_f1"
    objective_direction = "max"
    task_metric = "f1"
    task_direction = "max"

    def space(self, hp) -> dict[str, Any]:
        return {
            "word_dim": self.choice(hp, "word_dim", [32, 64, 100]),
            "char_units": self.choice(hp, "char_units", [16, 24, 32, 50]),
            "casing": self.boolean(hp, "casing"),
            "units": self.integer(hp, "units", 32, 256, step=32),
            "layers": self.integer(hp, "layers", 1, 2),
            "dropout": self.choice(hp, "dropout", [0.0, 0.2, 0.3, 0.5]),
            "unk_replace": self.choice(hp, "unk_replace", [0.0, 0.3, 0.5]),
            "learning_rate": self.log_float(hp, "learning_rate", 1e-3, 1e-2),
            "batch_size": self.choice(hp, "batch_size", [16, 32, 64]),
        }

    def prepare(self, zoo_model: Any, data: Any) -> Any:
        """The vocabularies and tags (the tagger's own `fit_preprocessing`)."""
        zoo_model.fit_preprocessing(data)
        return zoo_model.build_network()

    def validation_metrics(self, zoo_model: Any, data: Any) -> dict[str, float]:
        """Entity F1 (seqeval, micro) on the sentences the tagger held out."""
        from zoo.models.ner.scoring import entity_scores

        validation = self.held_out(zoo_model, data)
        if not len(validation):
            return {}
        scores = entity_scores(validation.tags, zoo_model.tag(validation.sentences))
        return {"f1": scores["f1"], "precision": scores["precision"], "recall": scores["recall"]}

    def test_metrics(self, report: dict[str, Any]) -> dict[str, float]:
        model = report["model"]
        metrics = {k: float(model[k]) for k in ("f1", "precision", "recall")}
        if "gazetteer" in report:
            metrics["gazetteer_f1"] = float(report["gazetteer"]["f1"])
        return metrics
