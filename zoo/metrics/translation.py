"""Corpus-level translation metrics: BLEU and chrF from sacrebleu, and exact match.

BLEU and chrF are computed by `sacrebleu <https://github.com/mjpost/sacrebleu>`_, not by
hand, so the numbers are comparable with published ones. Both expect **detokenized** text,
the kind :meth:`zoo.preprocessing.translation_text.TranslationTokenizer.decode` returns:
BLEU applies sacrebleu's own default ``13a`` tokenization (the one of WMT's
``mteval-v13a.pl``) to hypotheses and references alike, so feeding it text that is already
split into tokens (``"hello , world !"``) would tokenize twice and change the score.

References are either one string per hypothesis or, for several references, one sequence of
strings per hypothesis (each hypothesis with the same number of references). Scales: BLEU and
chrF are 0-100, :func:`exact_match` is 0-1.
"""

from __future__ import annotations

from collections.abc import Sequence

from sacrebleu.metrics import BLEU, CHRF

__all__ = ["corpus_bleu", "corpus_chrf", "exact_match", "translation_scores"]

References = Sequence[str] | Sequence[Sequence[str]]


def _check_texts(texts: object, what: str) -> list[str]:
    if isinstance(texts, str) or not isinstance(texts, Sequence):
        raise TypeError(f"{what} must be a sequence of strings, got {type(texts).__name__}")
    if not all(isinstance(t, str) for t in texts):
        raise TypeError(f"every item of {what} must be a string")
    return list(texts)


def _reference_streams(hypotheses: Sequence[str], references: References) -> list[list[str]]:
    """Validate inputs and return sacrebleu's layout: one list per reference *set*."""
    if isinstance(references, str) or not isinstance(references, Sequence):
        raise TypeError(f"references must be a sequence, got {type(references).__name__}")
    if len(hypotheses) != len(references):
        raise ValueError(
            f"{len(hypotheses)} hypotheses but {len(references)} references; one entry per "
            "hypothesis is needed"
        )
    if not hypotheses:
        raise ValueError("cannot score an empty corpus")
    if all(isinstance(r, str) for r in references):
        return [list(references)]  # type: ignore[arg-type]
    per_hyp = [_check_texts(r, "each hypothesis's references") for r in references]
    counts = {len(r) for r in per_hyp}
    if len(counts) != 1 or 0 in counts:
        raise ValueError(
            f"every hypothesis needs the same, non-zero number of references, got {sorted(counts)}"
        )
    return [list(stream) for stream in zip(*per_hyp, strict=True)]


def corpus_bleu(
    hypotheses: Sequence[str],
    references: References,
    *,
    lowercase: bool = False,
    tokenize: str = "13a",
) -> float:
    """Corpus BLEU on the 0-100 scale (sacrebleu, default ``13a`` tokenization).

    Args:
        hypotheses: Detokenized system outputs, one per source sentence.
        references: The reference translation(s) of each sentence (see the module docstring).
        lowercase: Compare case-insensitively.
        tokenize: A sacrebleu tokenizer name; keep ``"13a"`` to match the usual reports.

    Returns:
        sacrebleu's ``BLEU.corpus_score(...).score``: 4-gram BLEU with the brevity penalty
        and exponential smoothing.
    """
    hyps = _check_texts(hypotheses, "hypotheses")
    refs = _reference_streams(hyps, references)
    metric = BLEU(lowercase=lowercase, tokenize=tokenize)
    return float(metric.corpus_score(hyps, refs).score)


def corpus_chrf(
    hypotheses: Sequence[str],
    references: References,
    *,
    word_order: int = 0,
    lowercase: bool = False,
) -> float:
    """Corpus chrF on the 0-100 scale (sacrebleu: character 6-grams, beta 2).

    ``word_order=2`` gives chrF++ (word uni- and bigrams added). chrF needs no tokenization
    and gives partial credit for near misses, e.g. a right number with a wrong ending.
    """
    hyps = _check_texts(hypotheses, "hypotheses")
    refs = _reference_streams(hyps, references)
    metric = CHRF(word_order=word_order, lowercase=lowercase)
    return float(metric.corpus_score(hyps, refs).score)


def _normalize_whitespace(text: str, lowercase: bool) -> str:
    text = " ".join(text.split())
    return text.lower() if lowercase else text


def exact_match(
    hypotheses: Sequence[str], references: References, *, lowercase: bool = False
) -> float:
    """Fraction (0-1) of hypotheses equal to a reference after whitespace normalisation.

    Runs of whitespace become one space and both ends are stripped before comparing; with
    several references a hypothesis matches when it equals any of them. Punctuation and (by
    default) case must match.
    """
    hyps = _check_texts(hypotheses, "hypotheses")
    streams = _reference_streams(hyps, references)
    hits = 0
    for i, hyp in enumerate(hyps):
        wanted = _normalize_whitespace(hyp, lowercase)
        hits += any(_normalize_whitespace(s[i], lowercase) == wanted for s in streams)
    return hits / len(hyps)


def translation_scores(
    hypotheses: Sequence[str], references: References, *, lowercase: bool = False
) -> dict[str, float]:
    """All three metrics at once: ``{"bleu": ..., "chrf": ..., "exact_match": ...}``."""
    return {
        "bleu": corpus_bleu(hypotheses, references, lowercase=lowercase),
        "chrf": corpus_chrf(hypotheses, references, lowercase=lowercase),
        "exact_match": exact_match(hypotheses, references, lowercase=lowercase),
    }
