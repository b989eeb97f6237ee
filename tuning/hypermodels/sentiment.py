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
    task_metric = "accuracy"
    task_direction = "max"

    def space(self, hp) -> dict[str, Any]:
        return {
            # 16-128: sentence classifiers on SST-size data peak around 50-150 dimensions
            # when trained from scratch; smaller ones underfit the vocabulary.
            "embedding_dim": self.choice(hp, "embedding_dim", [16, 32, 64, 128]),
            # 16-128 units, around the default 64 (Tai et al. 2015 use 150 with GloVe).
            "units": self.integer(hp, "units", 16, 128, step=16),
            # One or two layers: the 2-layer LSTM of Tai et al. 2015 is the target.
            "layers": self.integer(hp, "layers", 1, 2),
            # Reading both ways helps negation scope ("not bad") on short sentences.
            "bidirectional": self.boolean(hp, "bidirectional"),
            # Dropout up to 0.5: the usual regulariser on small text sets (Zaremba 2014).
            "dropout": self.choice(hp, "dropout", [0.0, 0.1, 0.2, 0.3, 0.5]),
            # Recurrent dropout kept small: it slows training and disables the fused path.
            "recurrent_dropout": self.choice(hp, "recurrent_dropout", [0.0, 0.1, 0.2]),
            # Adam around the default 3e-3, a decade either side (log scale).
            "learning_rate": self.log_float(hp, "learning_rate", 1e-4, 1e-2),
            "batch_size": self.choice(hp, "batch_size", [32, 64, 128]),
        }

    def validation_metrics(self, zoo_model: Any, data: Any) -> dict[str, float]:
        """Accuracy on the texts the classifier held out (`validation_split`)."""
        import numpy as np

        validation = self.held_out(zoo_model, data)
        if not len(validation):
            return {}
        texts = list(validation.texts)
        # in slices of 512: direct calls of the network, no predict() graph to trace
        chunks = [zoo_model.predict_proba(texts[i : i + 512]) for i in range(0, len(texts), 512)]
        predicted = np.argmax(np.concatenate(chunks), axis=1)
        return {"accuracy": float(np.mean(predicted == np.asarray(validation.labels)))}

    def test_metrics(self, report: dict[str, Any]) -> dict[str, float]:
        metrics = {
            "accuracy": float(report["model"]["accuracy"]),
            "macro_f1": float(report["model"]["macro_f1"]),
        }
        if "bag_of_words" in report:
            metrics["bag_of_words_accuracy"] = float(report["bag_of_words"]["accuracy"])
        return metrics

    def prepare(self, zoo_model: Any, data: Any) -> Any:
        """The vocabulary and label names (the classifier's own `fit_preprocessing`)."""
        zoo_model.fit_preprocessing(data)
        return zoo_model.build_network()
