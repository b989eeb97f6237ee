"""Tests for the translation sentence-pair loader, the split and the generated corpus."""

from __future__ import annotations

import datetime
import os
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from zoo.data.errors import DataError, MissingDataError
from zoo.data.translation import SentencePairs, load_sentence_pairs, split_pairs
from zoo.data.translation_corpus import (
    TARGET_LANGUAGES,
    TEMPLATES,
    corpus_capacity,
    generate_translation_corpus,
)
from zoo.preprocessing.translation_text import TranslationTokenizer

DATASETS = Path(
    os.environ.get("LSTM_ZOO_DATA_DIR") or Path(__file__).parents[4] / "shared" / "datasets"
)
SPA = DATASETS / "spa-eng" / "spa.txt"
FRA = DATASETS / "fra-eng" / "fra.txt"


def _write(tmp_path: Path, content: str | bytes, name: str = "pairs.txt") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


# ----------------------------------------------------------------------------- loader
def test_load_two_and_three_columns_and_blank_lines(tmp_path: Path) -> None:
    text = (
        "Go.\tVe.\n"
        "\n"
        "Who?\t¿Quién?\tCC-BY 2.0 (France) Attribution: tatoeba.org #2083030 (CK)\n"
        "   \n"
        "I'm 19.\tTengo diecinueve.\n"
    )
    pairs = load_sentence_pairs(_write(tmp_path, text))
    assert pairs.sources == ["Go.", "Who?", "I'm 19."]
    assert pairs.targets == ["Ve.", "¿Quién?", "Tengo diecinueve."]
    assert pairs.source.endswith("pairs.txt")
    assert len(pairs) == 3
    assert list(pairs)[1] == ("Who?", "¿Quién?")


def test_load_reverse_max_pairs_bom_and_crlf(tmp_path: Path) -> None:
    path = _write(tmp_path, "\ufeffHi.\tSalut !\r\nRun!\tCours !\r\nbroken line\r\n")
    pairs = load_sentence_pairs(path, max_pairs=2, reverse=True)
    assert pairs.sources == ["Salut !", "Cours !"]
    assert pairs.targets == ["Hi.", "Run!"]  # the broken third line is never read


def test_line_without_tab_names_file_line_and_text(tmp_path: Path) -> None:
    long_line = "This line has no tab at all " + "and goes on " * 20
    path = _write(tmp_path, f"Go.\tVe.\n\n{long_line}\n")
    with pytest.raises(DataError) as info:
        load_sentence_pairs(path)
    err = info.value
    message = str(err)
    assert isinstance(err, ValueError)
    assert (err.row, err.file) == (3, str(path))
    assert "\n" not in message
    assert message.startswith("pairs.txt: row 3")
    assert "no tab" in message and "This line has no tab" in message
    assert len(message) < 250  # the line is shown truncated


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("a\tb\tc\td\n", "4 columns"),
        ("Go.\t \n", "empty sentence"),
    ],
)
def test_malformed_lines(tmp_path: Path, content: str, fragment: str) -> None:
    with pytest.raises(DataError, match=fragment) as info:
        load_sentence_pairs(_write(tmp_path, content))
    assert info.value.row == 1


def test_invalid_utf8_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="UTF-8") as info:
        load_sentence_pairs(_write(tmp_path, b"Go.\tVe.\nCaf\xe9\tcaf\xe9\n"))
    assert info.value.row == 2
    for content in ("", "\n  \n\n"):
        with pytest.raises(DataError, match="no sentence pairs"):
            load_sentence_pairs(_write(tmp_path, content, "empty.txt"))
    with pytest.raises(MissingDataError):
        load_sentence_pairs(tmp_path / "missing.txt")
    with pytest.raises(ValueError, match="max_pairs"):
        load_sentence_pairs(_write(tmp_path, "a\tb\n"), max_pairs=0)


# ------------------------------------------------------------------------------ split
def _pairs_with_repeats() -> SentencePairs:
    sources = [f"sentence {i % 40}" for i in range(100)]  # every source appears 2-3 times
    return SentencePairs(sources, [f"target {i}" for i in range(100)], "test")


def test_split_is_deterministic_and_partitions() -> None:
    pairs = _pairs_with_repeats()
    train, test = split_pairs(pairs, test_size=0.2, seed=3)
    again_train, again_test = split_pairs(pairs, test_size=0.2, seed=3)
    assert (train.targets, test.targets) == (again_train.targets, again_test.targets)
    assert sorted(train.targets + test.targets) == sorted(pairs.targets)
    assert split_pairs(pairs, 0.2, seed=4)[1].targets != test.targets


def test_split_dedupes_sources_by_default() -> None:
    pairs = _pairs_with_repeats()
    train, test = split_pairs(pairs, test_size=20, seed=0)
    assert not set(train.sources) & set(test.sources)
    assert 20 <= len(test) < 20 + 3  # whole groups, largest group has 3 pairs
    train, test = split_pairs(pairs, test_size=20, seed=0, dedupe_sources=False)
    assert len(test) == 20 and len(train) == 80
    assert set(train.sources) & set(test.sources)  # with 40 sources, overlap is certain


@pytest.mark.parametrize("test_size", [0, 100, 0.0, 1.0, True])
def test_split_rejects_bad_sizes(test_size: float) -> None:
    with pytest.raises((ValueError, TypeError)):
        split_pairs(_pairs_with_repeats(), test_size=test_size, seed=0)


# ----------------------------------------------------------------------------- corpus
@pytest.mark.parametrize("lang", TARGET_LANGUAGES)
def test_corpus_is_deterministic_distinct_and_small(lang: str) -> None:
    pairs = generate_translation_corpus(600, seed=7, target_lang=lang)
    assert pairs == generate_translation_corpus(600, seed=7, target_lang=lang)
    assert pairs.sources != generate_translation_corpus(600, seed=8, target_lang=lang).sources
    assert len(set(pairs)) == len(pairs) == 600
    assert pairs.source == f"generated:en-{lang}:n=600:seed=7"
    for texts in (pairs.sources, pairs.targets):
        tokenizer = TranslationTokenizer().fit(texts)
        assert tokenizer.vocab_size < 500
        assert max(len(tokenizer.tokenize(t)) for t in texts) <= 20
    assert any("," in s for s in pairs.sources)


class _FixedRng:
    """Stands in for ``random.Random``: every draw is ``value``, every choice the first item."""

    def __init__(self, value: int) -> None:
        self.value = value

    def randint(self, low: int, high: int) -> int:
        assert low <= self.value <= high
        return self.value

    def choice(self, items: Sequence[Any]) -> Any:
        return items[0]


_DAYS_TO_2021_03_03 = (datetime.date(2021, 3, 3) - datetime.date(1970, 1, 1)).days
_DAYS_TO_MAY_1 = (datetime.date(2024, 5, 1) - datetime.date(2024, 1, 1)).days


@pytest.mark.parametrize(
    ("template", "value", "english", "expected"),
    [
        (
            "number",
            312,
            "The answer is three hundred and twelve.",
            {"fr": "La réponse est trois cent douze.", "es": "La respuesta es trescientos doce."},
        ),
        ("number", 71, "The answer is seventy-one.", {"de": "Die Antwort ist einundsiebzig."}),
        (
            "count",
            21,
            "I have twenty-one books.",
            {
                "fr": "J'ai vingt et un livres.",
                "es": "Tengo veintiún libros.",
                "de": "Ich habe einundzwanzig Bücher.",
            },
        ),
        (
            "rank",
            3,
            "He finished third.",
            {"fr": "Il a terminé troisième.", "es": "Terminó tercero.", "de": "Er wurde Dritter."},
        ),
        (
            "born",
            _DAYS_TO_2021_03_03,
            "She was born on March 3, 2021.",
            {
                "fr": "Elle est née le 3 mars 2021.",
                "es": "Nació el 3 de marzo de 2021.",
                "de": "Sie wurde am 3. März 2021 geboren.",
            },
        ),
        (
            "today",
            _DAYS_TO_2021_03_03,
            "Today is Wednesday, March 3, 2021.",
            {
                "fr": "Nous sommes le mercredi 3 mars 2021.",
                "es": "Hoy es miércoles, 3 de marzo de 2021.",
                "de": "Heute ist Mittwoch, 3. März 2021.",
            },
        ),
        (
            "day",
            _DAYS_TO_MAY_1,
            "The party is on the first of May.",
            {
                "fr": "La fête a lieu le premier mai.",
                "es": "La fiesta es el primero de mayo.",
                "de": "Die Feier ist am ersten Mai.",
            },
        ),
    ],
)
def test_templates_write_real_translations(
    template: str, value: int, english: str, expected: dict[str, str]
) -> None:
    for lang, target in expected.items():
        assert TEMPLATES[template](_FixedRng(value), lang) == (english, target)


def test_corpus_mixes_templates_and_spanish_apocope() -> None:
    pairs = generate_translation_corpus(1200, seed=0, target_lang="es")
    starts = {s.split()[0] for s in pairs.sources}
    assert {"I", "We", "There", "The", "Count", "He", "She", "Today", "My"} <= starts
    seen = {TEMPLATES["count"](random.Random(i), "es")[1] for i in range(400)}
    assert not any(word in {"uno", "veintiuno"} for t in seen for word in t.split())
    assert any(" un " in t or "veintiún" in t for t in seen)


def test_corpus_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="target_lang"):
        generate_translation_corpus(10, target_lang="it")
    with pytest.raises(ValueError, match="n must be"):
        generate_translation_corpus(corpus_capacity("de") + 1, target_lang="de")
    with pytest.raises(ValueError, match="n must be"):
        generate_translation_corpus(0)


# --------------------------------------------------------------------- real datasets
@pytest.mark.datasets
@pytest.mark.skipif(not SPA.is_file(), reason="shared spa-eng/spa.txt not present")
def test_load_spa_eng() -> None:
    start = time.perf_counter()
    pairs = load_sentence_pairs(SPA)
    elapsed = time.perf_counter() - start
    assert len(pairs) == 118964
    assert (pairs.sources[0], pairs.targets[0]) == ("Go.", "Ve.")
    assert elapsed < 10
    train, test = split_pairs(pairs, test_size=0.1, seed=0)
    assert len(train) + len(test) == len(pairs)
    assert not {s.casefold() for s in train.sources} & {s.casefold() for s in test.sources}


@pytest.mark.datasets
@pytest.mark.skipif(not FRA.is_file(), reason="shared fra-eng/fra.txt not present")
def test_load_fra_eng_reversed() -> None:
    pairs = load_sentence_pairs(FRA, max_pairs=1000, reverse=True)
    assert len(pairs) == 1000
    assert (pairs.sources[0], pairs.targets[0]) == ("Va !", "Go.")
