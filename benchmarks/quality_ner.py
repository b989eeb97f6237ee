"""CoNLL-2003 English NER: train on train, select on valid (entity F1), report test F1.

    python benchmarks/quality.py --data-dir ../shared/datasets --only conll2003
    python benchmarks/quality_ner.py --data-dir ../shared/datasets --minutes 60
    python benchmarks/quality_ner.py --data-dir ../shared/datasets --set units=200

No pretrained word vectors (none can be downloaded here): word embeddings, the
character BiLSTM and the CRF learn from the training file alone. Anchors (test F1,
entity-level, conlleval): Lample et al. 2016 without pretrained embeddings ~83.6,
Ma & Hovy 2016 with random embeddings ~80.8; with pretrained vectors 90.9-91.2.
Training stops at `--minutes` of wall-clock training (checked after each epoch) or when
valid F1 has not improved for `patience` epochs; the weights of the best valid epoch
are kept, and the gazetteer (dictionary of the training entities) is reported beside.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

ANCHORS = "Lample et al. 2016 no pretraining ~83.6; Ma & Hovy 2016 random emb. ~80.8"
#: Hyperparameters of the benchmark run (Lample et al.'s sizes: 100-unit word LSTMs,
#: 25-unit character LSTMs, dropout 0.5, singletons replaced by <unk> half the time),
#: with Ma & Hovy's per-epoch learning-rate decay 1 / (1 + 0.05 epoch).
SETTINGS = {
    "word_dim": 100,
    "char_dim": 25,
    "char_units": 25,
    "units": 100,
    "layers": 1,
    "dropout": 0.5,
    "unk_replace": 0.5,
    "learning_rate": 2e-3,
    "lr_decay": 0.05,
    "batch_size": 32,
    "epochs": 100,
    "patience": 6,
    "step_backend": "auto",
}


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def run_conll2003(
    data_dir: Path, minutes: float = 60.0, seed: int = 0, overrides=None
) -> list[dict]:
    """Trains `ner-bilstm-crf` on CoNLL-2003 and returns one result row."""
    import keras

    import zoo

    model = zoo.create_model("ner-bilstm-crf", seed=seed, **{**SETTINGS, **(overrides or {})})
    train, test = model.load_data(Path(data_dir) / "conll2003")
    print(
        f"CoNLL-2003: train {len(train)}, valid {len(train.validation)}, test {len(test)} "
        f"sentences ({train.scheme} converted to IOB2)",
        flush=True,
    )
    start = time.perf_counter()

    class Budget(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            spent = (time.perf_counter() - start) / 60
            print(f"  epoch {epoch + 1}: {spent:.1f} min of training", flush=True)
            if spent >= minutes:
                self.model.stop_training = True

    model.fit(train, verbose=2, callbacks=[Budget()])
    seconds = time.perf_counter() - start
    report = model.evaluate(test)
    valid_f1 = model.history.get("val_f1", [0.0])
    return [
        {
            "dataset": "CoNLL-2003 test",
            "model": "ner-bilstm-crf",
            "test_f1": round(100 * report["model"]["f1"], 2),
            "test_precision": round(100 * report["model"]["precision"], 2),
            "test_recall": round(100 * report["model"]["recall"], 2),
            "best_valid_f1": round(100 * max(valid_f1), 2),
            "gazetteer_f1": round(100 * report["gazetteer"]["f1"], 2),
            "per_type_f1": {
                k: round(100 * v["f1"], 2) for k, v in report["model"]["per_type"].items()
            },
            "anchor": ANCHORS,
            "train_minutes": round(seconds / 60, 1),
            "epochs_run": len(valid_f1),
            "settings": {**SETTINGS, **(overrides or {})},
            "cpu": f"{cpu_name()} ({os.cpu_count()} cores)",
        }
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=os.environ.get("LSTM_ZOO_DATA_DIR"))
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a hyperparameter of SETTINGS (VALUE read as JSON), e.g. units=200",
    )
    args = parser.parse_args()
    if args.data_dir is None or not (Path(args.data_dir) / "conll2003").is_dir():
        parser.error("give --data-dir holding conll2003/ (train.txt, valid.txt, test.txt)")
    overrides = {}
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep or name not in SETTINGS:
            parser.error(f"--set {item!r}: expected NAME=VALUE with NAME one of {sorted(SETTINGS)}")
        try:
            overrides[name] = json.loads(value)
        except json.JSONDecodeError:
            parser.error(f"--set {item!r}: VALUE is not JSON (a number, true/false or a string)")
    rows = run_conll2003(args.data_dir, minutes=args.minutes, overrides=overrides)
    print(json.dumps(rows, indent=2))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
