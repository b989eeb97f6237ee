"""`TranslationHyperModel`: the search space of the translation family."""

from __future__ import annotations

from typing import Any

from tuning.hypermodels.base import ZooHyperModel


class TranslationHyperModel(ZooHyperModel):
    """Searches `Seq2SeqTranslator` models ("translation-attention-lstm").

    Objective: **validation loss** (min), the token-level cross-entropy with teacher
    forcing on the pairs the translator holds out itself, rather than validation BLEU:
    BLEU needs the whole validation set decoded step by step after every epoch, which
    costs more than the epoch itself on a CPU, while the loss comes with the epoch for
    free and tracks BLEU closely on a fixed vocabulary. Score the best model's BLEU
    afterwards with `evaluate` (or `lstm-zoo train`).

    Space: `embedding_dim`, `units` (per encoder direction and in the decoder),
    `attention` (Luong or Bahdanau scores), `dropout`, `learning_rate`, `batch_size`.
    """

    objective_name = "val_loss"
    objective_direction = "min"

    def space(self, hp) -> dict[str, Any]:
        return {
            "embedding_dim": self.choice(hp, "embedding_dim", [32, 64, 128, 256]),
            "units": self.integer(hp, "units", 64, 512, step=64),
            "attention": self.choice(hp, "attention", ["luong", "bahdanau"]),
            "dropout": self.choice(hp, "dropout", [0.0, 0.1, 0.2, 0.3]),
            "learning_rate": self.log_float(hp, "learning_rate", 3e-4, 1e-2),
            "batch_size": self.choice(hp, "batch_size", [32, 64, 128]),
        }

    def prepare(self, zoo_model: Any, data: Any) -> Any:
        """Both vocabularies (the translator's own `fit_preprocessing`, on all pairs)."""
        zoo_model.fit_preprocessing(data)
        return zoo_model.build_network()
