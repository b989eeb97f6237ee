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
    task_metric = "bleu"
    task_direction = "max"
    #: Validation pairs greedily decoded per trial for its BLEU (the cost stays bounded).
    bleu_pairs = 200

    def space(self, hp) -> dict[str, Any]:
        return {
            # 32-256 around the default 128: short Tatoeba sentences, vocabularies of a
            # few thousand words.
            "embedding_dim": self.choice(hp, "embedding_dim", [32, 64, 128, 256]),
            # 64-512 units per direction: Luong et al. 2015 use 1000 on WMT; Tatoeba's
            # short sentences need far less, and 512 is already slow on a CPU.
            "units": self.integer(hp, "units", 64, 512, step=64),
            # Both score functions (Luong et al. 2015; Bahdanau et al. 2015).
            "attention": self.choice(hp, "attention", ["luong", "bahdanau"]),
            "dropout": self.choice(hp, "dropout", [0.0, 0.1, 0.2, 0.3]),
            # Adam from 3e-4 to 1e-2 around the default 3e-3 (log scale).
            "learning_rate": self.log_float(hp, "learning_rate", 3e-4, 1e-2),
            "batch_size": self.choice(hp, "batch_size", [32, 64, 128]),
        }

    def validation_metrics(self, zoo_model: Any, data: Any) -> dict[str, float]:
        """Greedy BLEU and chrF on (at most `bleu_pairs` of) the pairs the translator
        held out: the same seeded shuffle and `val_fraction` as its `fit`."""
        import numpy as np

        from zoo.metrics.translation import translation_scores

        hp = zoo_model.hparams
        order = np.random.default_rng(hp["seed"]).permutation(len(data))
        n_val = min(int(round(hp["val_fraction"] * len(data))), len(data) - 1)
        validation = data.subset(order[:n_val][: self.bleu_pairs])
        if not len(validation):
            return {}
        greedy = zoo_model.predict(list(validation.sources), beam_width=1)
        scores = translation_scores(greedy, list(validation.targets))
        return {"bleu": float(scores["bleu"]), "chrf": float(scores["chrf"])}

    def test_metrics(self, report: dict[str, Any]) -> dict[str, float]:
        return {
            "bleu": float(report["model"]["bleu"]),
            "chrf": float(report["model"]["chrf"]),
            "copy_source_bleu": float(report["copy_source"]["bleu"]),
        }

    def prepare(self, zoo_model: Any, data: Any) -> Any:
        """Both vocabularies (the translator's own `fit_preprocessing`, on all pairs)."""
        zoo_model.fit_preprocessing(data)
        return zoo_model.build_network()
