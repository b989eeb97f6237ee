"""SST-2 (GLUE) quality: train on train.tsv, report dev accuracy.

Anchors: Tai, Socher & Manning (2015), Table 2, binary SST: LSTM 84.9%,
2-layer LSTM 86.3% (with GloVe vectors and phrase-level supervision; ours
learn their embeddings from train.tsv alone).
"""

from __future__ import annotations

import time
from pathlib import Path

ANCHORS = {
    "sentiment-lstm": ("LSTM (Tai et al. 2015)", 84.9),
    "sentiment-bilstm": ("2-layer LSTM (Tai et al. 2015)", 86.3),
}


def run_sst2(
    data_dir: Path,
    models=("sentiment-lstm", "sentiment-bilstm"),
    epochs=None,
    seed: int = 0,
    overrides: dict | None = None,
) -> list[dict]:
    """Trains each model on SST-2 train.tsv and scores dev.tsv; one row per model."""
    import zoo
    from zoo.data import load_sst2

    directory = Path(data_dir) / "SST-2"
    train, dev = load_sst2(directory, "train"), load_sst2(directory, "dev")
    rows = []
    for name in models:
        model = zoo.create_model(name, seed=seed, **(overrides or {}))
        start = time.perf_counter()
        model.fit(train, epochs=epochs, verbose=2)
        seconds = time.perf_counter() - start
        report = model.evaluate(dev)
        anchor_name, anchor = ANCHORS[name]
        rows.append(
            {
                "dataset": "SST-2 dev",
                "model": name,
                "accuracy": round(100 * report["model"]["accuracy"], 1),
                "bag_of_words": round(100 * report["bag_of_words"]["accuracy"], 1),
                "anchor": f"{anchor_name}: {anchor}",
                "train_minutes": round(seconds / 60, 1),
                "epochs_run": len(model.history.get("loss", [])),
            }
        )
    return rows
