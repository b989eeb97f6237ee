"""Tokenizer / Vocabulary: splitting rules, encoding, decoding and serialisation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from zoo.preprocessing.text import PAD_ID, UNK_ID, Tokenizer, Vocabulary, tokenize


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("I didn't like it.", ["i", "did", "n't", "like", "it", "."]),
        ("It does n't work", ["it", "does", "n't", "work"]),  # SST-2 style, same tokens
        ("Can’t, won't!", ["ca", "n't", ",", "wo", "n't", "!"]),
        ("it's well-made ... 7.5/10", ["it", "'s", "well-made", "...", "7.5", "/", "10"]),
        ("a <unk> word", ["a", "<unk>", "word"]),
        ("", []),
    ],
)
def test_tokenize_rules(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


def test_fit_orders_by_count_then_alphabet_with_reserved_ids() -> None:
    tok = Tokenizer().fit(["b a a", "c b a"])
    assert tok.vocabulary is not None
    assert tok.vocabulary.tokens == ["<pad>", "<unk>", "a", "b", "c"]
    limited = Tokenizer().fit(["b a a", "c b a"], max_tokens=3)
    assert limited.vocab_size == 3 and "b" not in limited.vocabulary  # type: ignore[operator]
    assert Tokenizer().fit(["b a a", "c b a"], min_count=2).vocabulary.tokens[2:] == ["a", "b"]  # type: ignore[union-attr]


def test_encode_pads_truncates_and_marks_unknown() -> None:
    tok = Tokenizer().fit(["the film was good", "the film was bad"])
    ids = tok.encode(["The film was GREAT", "", "the film was good and long too"], max_length=5)
    assert ids.dtype == np.int32 and ids.shape == (3, 5)
    film = tok.vocabulary.id("film")  # type: ignore[union-attr]
    assert ids[0].tolist()[:4] == [tok.vocabulary.id("the"), film, tok.vocabulary.id("was"), UNK_ID]  # type: ignore[union-attr]
    assert ids[0, 4] == PAD_ID
    assert ids[1].tolist() == [PAD_ID] * 5  # empty text: all padding
    assert tok.decode(ids[2]) == "the film was good <unk>"  # keeps the first max_length tokens
    assert tok.decode(ids) == ["the film was <unk>", "", "the film was good <unk>"]
    assert tok.encode("the film", max_length=3).shape == (1, 3)


def test_config_roundtrip_and_save_load(tmp_path: Path) -> None:
    tok = Tokenizer().fit(["Ünïcode café didn't"])
    config = tok.to_config()
    assert json.loads(json.dumps(config)) == config
    again = Tokenizer.from_config(config)
    assert again.vocabulary.tokens == tok.vocabulary.tokens  # type: ignore[union-attr]
    path = tok.save(tmp_path / "tok.json")
    loaded = Tokenizer.load(path)
    np.testing.assert_array_equal(loaded.encode(["café didn't"], 4), tok.encode(["café didn't"], 4))


def test_errors() -> None:
    with pytest.raises(RuntimeError, match="call fit"):
        Tokenizer().encode(["x"], 3)
    with pytest.raises(ValueError, match="max_length"):
        Tokenizer().fit(["x"]).encode(["x"], 0)
    with pytest.raises(TypeError, match="expected str"):
        Tokenizer().fit(["x", 3])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="max_tokens"):
        Tokenizer().fit(["x"], max_tokens=1)
    with pytest.raises(ValueError, match="not a Tokenizer"):
        Tokenizer.from_config({"class_name": "Other"})
    assert Vocabulary(["a"]).tokens == ["<pad>", "<unk>", "a"]


def test_preprocessing_does_not_import_tensorflow() -> None:
    code = (
        "import sys, zoo.preprocessing, zoo.metrics, zoo.baselines; "
        "bad = [m for m in ('tensorflow', 'keras') if m in sys.modules]; "
        "sys.exit(f'imported {bad}' if bad else 0)"
    )
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr + result.stdout
