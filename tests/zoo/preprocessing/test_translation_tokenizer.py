"""Tests for the word-level translation tokenizer (no TensorFlow involved)."""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from zoo.preprocessing.translation_text import (
    END_ID,
    PAD_ID,
    RESERVED_TOKENS,
    START_ID,
    UNK_ID,
    TranslationTokenizer,
    normalize_text,
)

DATASETS = Path(
    os.environ.get("LSTM_ZOO_DATA_DIR") or Path(__file__).parents[4] / "shared" / "datasets"
)


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Hello, world!", ["hello", ",", "world", "!"]),
        ("¿Qué hora es?", ["¿", "qué", "hora", "es", "?"]),
        ("¡Él está aquí!", ["¡", "él", "está", "aquí", "!"]),
        ("C'est l'homme qu'il aime.", ["c'", "est", "l'", "homme", "qu'", "il", "aime", "."]),
        ("Jusqu’à aujourd'hui.", ["jusqu'", "à", "aujourd'hui", "."]),
        ("I don't know twenty-one.", ["i", "don't", "know", "twenty-one", "."]),
        (
            "Il est 8:30, il pèse 3.5 kg.",
            ["il", "est", "8:30", ",", "il", "pèse", "3.5", "kg", "."],
        ),
        ("Wir sehen uns um 3 p.m.", ["wir", "sehen", "uns", "um", "3", "p.m."]),
        ("«Très bien», dit-elle...", ["«", "très", "bien", "»", ",", "dit-elle", "..."]),
        ("Straße  ÉTÉ\u00a0!", ["straße", "été", "!"]),
    ],
)
def test_tokenize(text: str, tokens: list[str]) -> None:
    assert TranslationTokenizer().tokenize(text) == tokens


def test_normalize_text_unicode_and_spaces() -> None:
    decomposed = unicodedata.normalize("NFD", "  Élève\u202f?\u200b ")
    assert normalize_text(decomposed) == "Élève ?"
    assert normalize_text("L’Été", lowercase=True) == "l'été"
    tok = TranslationTokenizer()
    assert tok.tokenize(decomposed) == tok.tokenize("élève ?")


@pytest.mark.parametrize(
    ("tokens", "text"),
    [
        ("hello , world !", "hello, world!"),
        ("¿ qué ?", "¿qué?"),
        ("¡ hola !", "¡hola!"),
        ("l ' homme", "l'homme"),
        ("c' est l' homme", "c'est l'homme"),
        ("don ' t", "don't"),
        ('he said " hi " .', 'he said "hi".'),
        ("it costs $ 100 ( about € 90 ) .", "it costs $100 (about €90)."),
    ],
)
def test_detokenize(tokens: str, text: str) -> None:
    tok = TranslationTokenizer()
    assert tok.detokenize(tokens) == text
    assert tok.detokenize(tokens.split()) == text


def test_detokenize_french_spacing() -> None:
    tokens = ["«", "c'", "est", "vrai", "»", ",", "dit-il", ":", "vraiment", "?"]
    assert TranslationTokenizer().detokenize(tokens) == "«c'est vrai», dit-il: vraiment?"
    french = TranslationTokenizer(french_spacing=True)
    assert french.detokenize(tokens) == "« c'est vrai », dit-il : vraiment ?"


ROUND_TRIP = {
    "en": [
        "Hello, world!",
        "I don't think it's going to rain today.",
        "My parents' house is near the station.",
        'She said "yes" and left.',
        "We'll meet at 8:30 a.m. on Monday.",
        "Is it 3.5 km (or more) from here?",
    ],
    "es": [
        "¿Qué hora es?",
        "¡No me digas!",
        "El niño comió una manzana y un plátano.",
        "¿Dónde está la estación de tren, señor?",
        "Me levanto a las 7:00 todos los días.",
    ],
    "fr": [
        "C'est l'homme qui parle.",
        "J'aimerais qu'il vienne aujourd'hui.",
        "Où est-ce que tu vas ?",
        "« Bonjour », dit-elle : « ça va ? »",
        "Lorsqu'on est jeune, on a le temps !",
        "Il a mangé deux œufs à midi.",
    ],
}


@pytest.mark.parametrize(
    ("lang", "sentence"), [(lang, s) for lang, texts in ROUND_TRIP.items() for s in texts]
)
@pytest.mark.parametrize("lowercase", [False, True])
def test_round_trip(lang: str, sentence: str, lowercase: bool) -> None:
    tok = TranslationTokenizer(lowercase=lowercase, french_spacing=lang == "fr")
    assert tok.detokenize(tok.tokenize(sentence)) == normalize_text(sentence, lowercase=lowercase)


def test_fit_orders_by_frequency_and_limits() -> None:
    texts = ["b a a", "c b a", "d"]
    tok = TranslationTokenizer().fit(texts)
    assert tok.vocabulary == [*RESERVED_TOKENS, "a", "b", "c", "d"]
    assert tok.vocabulary[:4] == ["<pad>", "<start>", "<end>", "<unk>"]
    assert TranslationTokenizer().fit(texts, max_tokens=6).vocabulary[4:] == ["a", "b"]
    assert TranslationTokenizer().fit(texts, min_count=2).vocab_size == 6
    assert tok.token_to_id("zzz") == UNK_ID
    with pytest.raises(ValueError):
        TranslationTokenizer().fit(texts, max_tokens=4)
    with pytest.raises(TypeError):
        TranslationTokenizer().fit("a single string")


def test_encode_pads_wraps_and_marks_unknown() -> None:
    tok = TranslationTokenizer().fit(["the cat sat .", "the dog ."])
    ids = tok.encode(["The cat!", "the dog sat."], max_length=7, add_start=True, add_end=True)
    assert ids.dtype == np.int32 and ids.shape == (2, 7)
    the, cat, dog, sat, dot = (tok.token_to_id(w) for w in ["the", "cat", "dog", "sat", "."])
    assert ids[0].tolist() == [START_ID, the, cat, UNK_ID, END_ID, PAD_ID, PAD_ID]
    assert ids[1].tolist() == [START_ID, the, dog, sat, dot, END_ID, PAD_ID]
    plain = tok.encode(["the cat"], max_length=3)
    assert plain.tolist() == [[the, cat, PAD_ID]]
    with pytest.raises(RuntimeError):
        TranslationTokenizer().encode(["x"], max_length=3)


def test_encode_truncates_with_one_warning() -> None:
    tok = TranslationTokenizer().fit(["a b c d e f"])
    with pytest.warns(UserWarning, match=r"2 of 3 sentences .*max_length=4") as record:
        ids = tok.encode(["a b c d e", "a", "a b c d"], max_length=4, add_end=True)
    assert len(record) == 1
    assert ids[0, -1] == END_ID and ids[2, -1] == END_ID
    assert tok.decode(ids) == ["a b c", "a", "a b c"]


def test_decode_stops_at_end_and_skips_special() -> None:
    tok = TranslationTokenizer().fit(["hello , world !", "¿ qué ?"])
    ids = tok.encode(["Hello, world!", "¿Qué?"], max_length=8, add_start=True, add_end=True)
    assert tok.decode(ids) == ["hello, world!", "¿qué?"]
    row = [START_ID, tok.token_to_id("hello"), END_ID, tok.token_to_id("world"), PAD_ID]
    assert tok.decode(np.array(row)) == ["hello"]
    assert tok.decode([row], skip_special=False) == ["<start> hello <end>"]
    assert tok.decode([[tok.token_to_id("hello"), UNK_ID]]) == ["hello <unk>"]
    with pytest.raises(IndexError):
        tok.decode([[tok.vocab_size]])


def test_reserved_tokens_in_text_read_back_as_themselves() -> None:
    tok = TranslationTokenizer().fit(["hello <unk> <end> world"])
    assert tok.vocabulary == [*RESERVED_TOKENS, "hello", "world"]
    assert tok.tokenize("Hello <unk>!") == ["hello", "<unk>", "!"]
    decoded = tok.decode([[tok.token_to_id("hello"), UNK_ID]])
    assert tok.encode(decoded, max_length=2).tolist() == [[tok.token_to_id("hello"), UNK_ID]]
    assert (TranslationTokenizer.START_ID, TranslationTokenizer.END_ID) == (START_ID, END_ID)


def test_config_and_save_load_round_trip(tmp_path: Path) -> None:
    tok = TranslationTokenizer(lowercase=False, french_spacing=True).fit(["Où est l'Été ?"])
    config = json.loads(json.dumps(tok.to_config()))
    clone = TranslationTokenizer.from_config(config)
    assert clone.vocabulary == tok.vocabulary
    assert (clone.lowercase, clone.french_spacing) == (False, True)
    path = tok.save(tmp_path / "tokenizer.json")
    loaded = TranslationTokenizer.load(path)
    texts = ["Où est l'Été ?", "Inconnu ?"]
    assert np.array_equal(loaded.encode(texts, 6), tok.encode(texts, 6))
    assert loaded.decode(loaded.encode(texts, 6)) == ["Où est l'Été ?", "<unk> ?"]
    with pytest.raises(ValueError, match="version"):
        TranslationTokenizer.from_config({**config, "version": 99})
    with pytest.raises(ValueError, match="reserved"):
        TranslationTokenizer.from_config({**config, "vocabulary": ["a", "b"]})


@pytest.mark.datasets
@pytest.mark.parametrize(
    ("name", "column", "french", "minimum"),
    [
        ("spa-eng/spa.txt", 0, False, 0.999),
        ("spa-eng/spa.txt", 1, False, 0.999),
        ("fra-eng/fra.txt", 1, True, 0.99),
    ],
)
def test_round_trip_rate_on_tatoeba(name: str, column: int, french: bool, minimum: float) -> None:
    path = DATASETS / name
    if not path.is_file():
        pytest.skip(f"shared {name} not present")
    with open(path, encoding="utf-8") as fh:
        texts = [line.rstrip("\n").split("\t")[column] for _, line in zip(range(20000), fh)]
    tok = TranslationTokenizer(lowercase=False, french_spacing=french)
    same = sum(tok.detokenize(tok.tokenize(t)) == normalize_text(t) for t in texts)
    assert same / len(texts) >= minimum
