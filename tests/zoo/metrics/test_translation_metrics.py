"""Tests for the sacrebleu-backed translation metrics."""

from __future__ import annotations

import pytest
import sacrebleu

from zoo.metrics.translation import corpus_bleu, corpus_chrf, exact_match, translation_scores

REFS = ["The cat is on the mat.", "There is a dog in the garden.", "¿Qué hora es?"]
HYPS = ["The cat is on the mat.", "A dog is in the garden.", "¿Qué hora es ahora?"]


def test_perfect_translations_score_the_maximum() -> None:
    assert corpus_bleu(REFS, REFS) == pytest.approx(100.0)
    assert corpus_chrf(REFS, REFS) == pytest.approx(100.0)
    assert exact_match(REFS, REFS) == 1.0
    assert translation_scores(REFS, REFS) == pytest.approx(
        {"bleu": 100.0, "chrf": 100.0, "exact_match": 1.0}
    )


def test_scores_match_sacrebleu_and_scales() -> None:
    bleu = corpus_bleu(HYPS, REFS)
    chrf = corpus_chrf(HYPS, REFS)
    assert isinstance(bleu, float) and isinstance(chrf, float)
    assert bleu == pytest.approx(sacrebleu.corpus_bleu(HYPS, [REFS]).score)
    assert chrf == pytest.approx(sacrebleu.corpus_chrf(HYPS, [REFS]).score)
    assert 0.0 < bleu < 100.0 and 0.0 < chrf < 100.0
    assert corpus_chrf(HYPS, REFS, word_order=2) == pytest.approx(
        sacrebleu.corpus_chrf(HYPS, [REFS], word_order=2).score
    )
    assert exact_match(HYPS, REFS) == pytest.approx(1 / 3)


def test_bleu_uses_13a_tokenization_of_detokenized_text() -> None:
    refs = ["Hello, world! It's fine."]
    # 13a splits the punctuation itself, so detokenized output gets full credit ...
    assert corpus_bleu(["Hello, world! It's fine."], refs) == pytest.approx(100.0)
    # ... and the metric ignores case only when asked.
    assert corpus_bleu(["hello, world! it's fine."], refs) < 100.0
    assert corpus_bleu(["hello, world! it's fine."], refs, lowercase=True) == pytest.approx(100.0)


def test_exact_match_normalises_whitespace_only() -> None:
    refs = ["Il est  midi.", "Hola."]
    assert exact_match([" Il est midi. ", "Hola."], refs) == 1.0
    assert exact_match(["Il est midi", "hola."], refs) == 0.0
    assert exact_match(["Il est midi.", "hola."], refs, lowercase=True) == 1.0


def test_multiple_references_per_hypothesis() -> None:
    refs = [["Ve.", "Vete."], ["Hola.", "Buenas."]]
    assert exact_match(["Vete.", "Buenas."], refs) == 1.0
    multi = corpus_bleu(["Vete.", "Buenas."], refs)
    assert multi == pytest.approx(
        sacrebleu.corpus_bleu(["Vete.", "Buenas."], [["Ve.", "Hola."], ["Vete.", "Buenas."]]).score
    )
    with pytest.raises(ValueError, match="same, non-zero number"):
        exact_match(["a", "b"], [["a"], ["b", "c"]])


@pytest.mark.parametrize(
    ("hyps", "refs", "error"),
    [
        (["a"], ["a", "b"], ValueError),
        ([], [], ValueError),
        ("a string", ["a"], TypeError),
        (["a"], "a", TypeError),
        ([1], ["a"], TypeError),
    ],
)
def test_invalid_inputs(hyps: object, refs: object, error: type[Exception]) -> None:
    for metric in (corpus_bleu, corpus_chrf, exact_match):
        with pytest.raises(error):
            metric(hyps, refs)  # type: ignore[arg-type]
