"""CMU AN4 speech recognition with `speech-ctc-bilstm` (BLSTMP encoder, CTC, characters).

    python benchmarks/quality_speech.py --data-dir ../shared/datasets --minutes 60
    python benchmarks/quality.py --data-dir ../shared/datasets --only an4

Reads ``an4/`` (``etc/an4_{train,test}.transcription``, ``.fileids``, ``wav/**/*.sph``,
NIST SPHERE at 16 kHz) through the family's own loader (`zoo.models.speech.load_speech`),
never copied: 948 training utterances (5% held out for early stopping on validation CER)
and the 130 test utterances (773 words). Trains for at most ``minutes`` of wall time
(the learning rate falls linearly to a tenth over the last 30% of the budget), then
reports test WER and CER (jiwer) with greedy and prefix beam search decoding, beside the
training set's most frequent transcript said for every test utterance, the training time
and epochs, and the real-time factor of the exported ONNX runtime (a bundle served by
`export.runtime.Predictor`: audio file reading, features, onnxruntime and decoding, one
utterance at a time; processing seconds per second of audio, median over the test set).

Anchors (AN4 test set): ESPnet1 `egs/an4/asr1` BLSTMP encoder trained with CTC only,
CER 12.6; ESPnet2 Transformer, WER 7.4 / CER 3.6.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

NAME = "speech-ctc-bilstm"
ANCHOR_CER = 12.6

#: The benchmark's settings (everything else: the model's defaults).
SETTINGS = {
    "units": 256,
    "projection": 256,
    "layers": 4,
    "frame_stacking": 2,
    "subsample_layers": 1,
    "dropout": 0.2,
    "learning_rate": 2e-3,
    "batch_size": 32,
    "epochs": 200,
    "patience": 10,
    "val_fraction": 0.05,
    "speed_perturbation": 0.1,
    "noise_snr": 20.0,
    "beam_width": 10,
}


def find_an4(data_dir: str | os.PathLike[str]) -> Path:
    path = Path(data_dir)
    for candidate in (path, path / "an4"):
        if (candidate / "etc" / "an4_train.transcription").is_file():
            return candidate
    raise FileNotFoundError(f"no an4/etc/an4_train.transcription under {path}")


def _project_export():
    """The project's `export` package (this folder's `export.py` benchmark would shadow it
    when the folder is first on `sys.path`, as `quality.py` puts it)."""
    here = Path(__file__).resolve().parent
    shadow = sys.modules.get("export")
    if shadow is not None and not hasattr(shadow, "__path__"):
        del sys.modules["export"]
    saved = list(sys.path)
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    try:
        from export import to_onnx
        from export.runtime import Predictor
    finally:
        sys.path[:] = saved
    return to_onnx, Predictor


def real_time_factor(model, test, seconds_cap: float = 120.0) -> dict:
    """Exports `model`, serves the bundle with the runtime and times it per utterance."""
    import soundfile

    to_onnx, Predictor = _project_export()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        model.save(tmp / "model")
        bundle = to_onnx(tmp / "model", tmp / "bundle", samples=False)
        predictor = Predictor.load(bundle)
        factors, same = [], 0
        started = time.perf_counter()
        for index, audio in enumerate(test.audio):
            path = tmp / f"{index}.wav"
            soundfile.write(path, audio, test.sample_rate, subtype="PCM_16")
            begin = time.perf_counter()
            (text,) = predictor.predict([str(path)])
            factors.append((time.perf_counter() - begin) / (len(audio) / test.sample_rate))
            same += text == model.predict([str(path)])[0]
            if time.perf_counter() - started > seconds_cap:
                break
    return {
        "rtf_median": round(statistics.median(factors), 4),
        "rtf_utterances": len(factors),
        "runtime_equals_keras": f"{same}/{len(factors)}",
    }


def run_an4(
    data_dir: str | os.PathLike[str],
    minutes: float = 60.0,
    seed: int = 0,
    overrides: dict | None = None,
    out: str | os.PathLike[str] | None = None,
) -> list[dict]:
    """Trains on AN4 train for at most ``minutes``; scores AN4 test (module docstring)."""
    import zoo
    from zoo.models.speech import load_speech
    from zoo.models.translation.callbacks import time_budget_callback

    train, test = load_speech(find_an4(data_dir))
    settings = {**SETTINGS, "seed": seed, **(overrides or {})}
    model = zoo.create_model(NAME, **settings)
    budget = time_budget_callback(minutes * 60, anneal=0.3)
    print(
        f"an4: {len(train)} training utterances ({train.seconds / 60:.1f} min), "
        f"{len(test)} test ({test.seconds / 60:.1f} min); {settings}",
        flush=True,
    )
    start, cpu = time.perf_counter(), time.process_time()
    model.fit(train, verbose=2, callbacks=[budget])
    train_seconds, train_cpu = time.perf_counter() - start, time.process_time() - cpu
    if out is not None:
        model.save(out)
    report = model.evaluate(test)
    shared = {
        "train_minutes": round(train_seconds / 60, 1),
        "train_cpu_minutes": round(train_cpu / 60, 1),
        "budget_minutes": minutes,
        "stopped_by": "time budget" if budget.stopped_early else "early stopping/epochs",
        "epochs": len(model.history.get("loss", [])),
        "best_val_cer": round(min(model.history.get("val_cer", [float("nan")])), 2),
        **real_time_factor(model, test),
    }
    rows = []
    scores = report["model"]
    for decoding, wer, cer in (
        ("greedy", scores["wer"], scores["cer"]),
        (f"beam {scores['beam_width']}", scores["wer_beam"], scores["cer_beam"]),
    ):
        rows.append(
            {"dataset": f"AN4 test {len(test)}", "decoding": decoding, "wer": round(wer, 2),
             "cer": round(cer, 2), "anchor_cer": ANCHOR_CER, **shared}
        )  # fmt: skip
    floor = report.get("most_frequent_transcript")
    if floor:
        rows.append(
            {"dataset": f"AN4 test {len(test)}", "decoding": "most frequent transcript",
             "wer": round(floor["wer"], 2), "cer": round(floor["cer"], 2)}
        )  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=os.environ.get("LSTM_ZOO_DATA_DIR"))
    parser.add_argument("--minutes", type=float, default=60.0, help="training time budget")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", action="append", default=[], help="override KEY=VALUE")
    parser.add_argument("--out", type=Path, default=None, help="save the trained model here")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = parser.parse_args()
    if args.data_dir is None:
        parser.error("give --data-dir (or set LSTM_ZOO_DATA_DIR) pointing at the datasets")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.path.append(str(Path(__file__).resolve().parent))
    from quality import print_rows

    from zoo.cli.errors import parse_overrides

    overrides = parse_overrides(args.set, NAME) if args.set else None
    rows = run_an4(args.data_dir, args.minutes, args.seed, overrides, args.out)
    print_rows("an4", rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
