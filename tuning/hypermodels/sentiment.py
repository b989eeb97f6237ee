"""`SentimentHyperModel`: the search space of the sentiment family."""

from __future__ import annotations

from typing import Any

from tuning.hypermodels.base import ZooHyperModel


class SentimentHyperModel(ZooHyperModel):
    """Searches `SentimentClassifier` models ("sentiment-lstm", "sentiment-bilstm").

    Objective: **validation accuracy** (max), on the `val_fraction` of the training data
    the classifier holds out itself; accuracy is what the family reports and what its
    baselines are compared on, and on balanced labels it ranks models like macro-F1.

    Space (defaults: the registered model's own, so "sentiment-bilstm" starts from two
    bidirectional layers of 48 units): `embedding_dim`, `units`, `layers`,
    `bidirectional`, `dropout`, `recurrent_dropout`, `learning_rate`, `batch_size`.
    """

    objective_name = "val_accuracy"
    objective_direction = "max"

    def space(self, hp) -> dict[str, Any]:
        return {
            "embedding_dim": self.choice(hp, "embedding_dim", [16, 32, 64, 128]),
            "units": self.integer(hp, "units", 16, 128, step=16),
            "layers": self.integer(hp, "layers", 1, 2),
            "bidirectional": self.boolean(hp, "bidirectional"),
            "dropout": self.choice(hp, "dropout", [0.0, 0.1, 0.2, 0.3, 0.5]),
            "recurrent_dropout": self.choice(hp, "recurrent_dropout", [0.0, 0.1, 0.2]),
            "learning_rate": self.log_float(hp, "learning_rate", 1e-4, 1e-2),
            "batch_size": self.choice(hp, "batch_size", [32, 64, 128]),
        }

    def prepare(self, zoo_model: Any, data: Any) -> Any:
        """The vocabulary and label names (the classifier's own `fit_preprocessing`)."""
        zoo_model.fit_preprocessing(data)
        return zoo_model.build_network()
