"""Quality of the zoo models on real public datasets, beside published anchors.

    python benchmarks/quality.py --data-dir ../shared/datasets          # everything
    python benchmarks/quality.py --data-dir ../shared/datasets --only sst2

Reads the datasets through the same loaders a user calls (`zoo.data`), from a
data directory (never copied into the repository):

* SST-2 (GLUE): `SST-2/train.tsv` for training, `SST-2/dev.tsv` scored;
  anchors Tai et al. 2015 (LSTM 84.9%, 2-layer LSTM 86.3%).
* ETTh1, univariate OT, Informer protocol (12/4/4 months, input 96, horizons
  24/48/168, scaled MSE/MAE); anchor: the LSTMa row of the Informer paper.
* Tatoeba spa-eng (English to Spanish): a time-budgeted training run, BLEU and
  chrF (sacrebleu) on 2,000 held-out pairs, greedy and beam decoding.
* CoNLL-2003 English NER (`conll2003/`): train, select on valid, test entity F1
  (seqeval); anchors Lample et al. 2016 / Ma & Hovy 2016 without pretrained vectors.
* CMU AN4 speech (`an4/`, NIST SPHERE): a time-budgeted `speech-ctc-bilstm` run, test
  WER and CER (jiwer), greedy and beam; anchor ESPnet's BLSTMP CTC, CER 12.6.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))


def print_rows(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    if not rows:
        return
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    print(" | ".join(c.ljust(widths[c]) for c in columns))
    print("-+-".join("-" * widths[c] for c in columns))
    for row in rows:
        print(" | ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=os.environ.get("LSTM_ZOO_DATA_DIR"))
    parser.add_argument(
        "--only",
        choices=["sst2", "etth1", "spa-eng", "conll2003", "an4", "stocks", "weather"],
        action="append",
    )
    parser.add_argument(
        "--translation-minutes", type=float, default=45.0, help="spa-eng training budget"
    )
    parser.add_argument("--ner-minutes", type=float, default=60.0, help="CoNLL-2003 budget")
    parser.add_argument("--speech-minutes", type=float, default=60.0, help="AN4 training budget")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = parser.parse_args()
    if args.data_dir is None or not Path(args.data_dir).is_dir():
        parser.error("give --data-dir (or set LSTM_ZOO_DATA_DIR) pointing at the datasets")
    wanted = set(args.only or ["sst2", "etth1", "spa-eng", "conll2003", "an4", "stocks", "weather"])
    results: dict[str, list[dict]] = {}
    start = time.perf_counter()
    if "sst2" in wanted:
        from quality_sentiment import run_sst2

        results["sst2"] = run_sst2(args.data_dir, epochs=args.epochs)
    if "etth1" in wanted:
        from quality_forecasting import run_etth1

        results["etth1"] = run_etth1(args.data_dir)
    if "stocks" in wanted:
        from quality_walkforward import run_stocks

        results["stocks"] = run_stocks()
    if "weather" in wanted:
        from quality_walkforward import run_weather

        results["weather"] = run_weather(args.data_dir)
    if "spa-eng" in wanted:
        from quality_translation import run_spa_eng

        results["spa-eng"] = run_spa_eng(args.data_dir, minutes=args.translation_minutes)
    if "conll2003" in wanted:
        from quality_ner import run_conll2003

        results["conll2003"] = run_conll2003(args.data_dir, minutes=args.ner_minutes)
    if "an4" in wanted:
        from quality_speech import run_an4

        results["an4"] = run_an4(args.data_dir, minutes=args.speech_minutes)
    for name, rows in results.items():
        print_rows(name, rows)
    print(f"\ntotal time: {(time.perf_counter() - start) / 60:.1f} min")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
