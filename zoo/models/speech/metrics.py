"""Word and character error rates with `jiwer`."""

from __future__ import annotations


def error_rates(references: list[str], hypotheses: list[str]) -> dict[str, float]:
    """`{"wer", "cer"}` in percent over the whole set (errors / reference words or
    characters), as ESPnet and Kaldi report them; an empty hypothesis counts as deletions."""
    import jiwer

    if len(references) != len(hypotheses) or not references:
        raise ValueError(f"{len(references)} references but {len(hypotheses)} hypotheses")
    words = jiwer.process_words(references, hypotheses)
    chars = jiwer.process_characters(references, hypotheses)
    return {"wer": 100.0 * float(words.wer), "cer": 100.0 * float(chars.cer)}
