"""`SpeechHyperModel`: the search space of the speech family."""

from __future__ import annotations

from typing import Any

from tuning.hypermodels.base import ZooHyperModel


class SpeechHyperModel(ZooHyperModel):
    """Searches `SpeechRecognizer` models ("speech-ctc-bilstm", "speech-ctc-lstm-streaming").

    Objective: **validation CER** (min), the greedy character error rate (jiwer) on the
    utterances the recognizer holds out itself, computed after every epoch; it is what
    the family reports, and the CTC loss ranks models less faithfully (it sums over every
    alignment, while decoding keeps one).

    Space (defaults: the registered model's own): `units`, `layers`, `projection`,
    `frame_stacking`, `subsample_layers`, `dropout`, `learning_rate`, `batch_size`, and the
    augmentation: `speed_perturbation`, `noise_snr`, `time_masks`, `freq_masks`.
    """

    objective_name = "val_cer"
    objective_direction = "min"
    task_metric = "cer"
    task_direction = "min"

    def space(self, hp) -> dict[str, Any]:
        return {
            "units": self.choice(hp, "units", [64, 128, 192, 256, 320]),
            "layers": self.integer(hp, "layers", 2, 4),
            "projection": self.choice(hp, "projection", [64, 128, 192, 256, 320]),
            "frame_stacking": self.choice(hp, "frame_stacking", [1, 2, 3]),
            "subsample_layers": self.integer(hp, "subsample_layers", 0, 2),
            "dropout": self.choice(hp, "dropout", [0.0, 0.1, 0.2, 0.3]),
            "learning_rate": self.log_float(hp, "learning_rate", 3e-4, 5e-3),
            "batch_size": self.choice(hp, "batch_size", [16, 32, 64]),
            "speed_perturbation": self.choice(hp, "speed_perturbation", [0.0, 0.1]),
            "noise_snr": self.choice(hp, "noise_snr", [0.0, 10.0, 15.0, 20.0]),
            "time_masks": self.choice(hp, "time_masks", [0, 1, 2]),
            "freq_masks": self.choice(hp, "freq_masks", [0, 1, 2]),
        }

    def prepare(self, zoo_model: Any, data: Any) -> Any:
        """The alphabet and feature statistics (the recognizer's own `fit_preprocessing`)."""
        zoo_model.fit_preprocessing(data)
        return zoo_model.build_network()

    def validation_metrics(self, zoo_model: Any, data: Any) -> dict[str, float]:
        """Greedy CER and WER (jiwer, in %) on the utterances the recognizer held out."""
        from zoo.models.speech.metrics import error_rates

        validation = self.held_out(zoo_model, data)
        if not len(validation):
            return {}
        return error_rates(list(validation.texts), zoo_model.predict(validation))

    def test_metrics(self, report: dict[str, Any]) -> dict[str, float]:
        model = report["model"]
        metrics = {k: float(model[k]) for k in ("cer", "wer", "cer_beam", "wer_beam")}
        if "most_frequent_transcript" in report:
            metrics["most_frequent_cer"] = float(report["most_frequent_transcript"]["cer"])
        return metrics
