"""CoNLL reading: schemes detected and converted, BOMs, tab files, one-line errors; the
generated default corpus; the real CoNLL-2003 files when present."""

from pathlib import Path

import pytest

from zoo.data.errors import DataError
from zoo.models.ner.conll import detect_scheme, load_conll, read_conll, to_iob2
from zoo.models.ner.corpus import AMBIGUOUS, generate_ner_corpus
from zoo.models.ner.preprocessing import entities, tokenize_with_offsets
from zoo.models.ner.scoring import Gazetteer, entity_scores

CONLL2003 = Path(__file__).resolve().parents[3] / ".." / "shared" / "datasets" / "conll2003"

IOB1 = """\ufeff-DOCSTART- -X- O O

EU NNP I-NP I-ORG
rejects VBZ I-VP O
German JJ I-NP I-MISC
call NN I-NP O
.\t. O O
  \t
Peter NNP I-NP I-PER
Blackburn NNP I-NP I-PER
in IN O O
New NNP I-NP I-LOC
York NNP I-NP I-LOC
Boston NNP I-NP B-LOC
"""


def test_space_separated_iob1_with_docstart_and_bom(tmp_path):
    path = tmp_path / "train.txt"
    path.write_text(IOB1, encoding="utf-8")
    data = read_conll(path)
    assert data.scheme == "IOB1"
    assert data.sentences == [
        ["EU", "rejects", "German", "call", "."],
        ["Peter", "Blackburn", "in", "New", "York", "Boston"],
    ]
    assert data.tags[0] == ["B-ORG", "O", "B-MISC", "O", "O"]
    assert data.tags[1] == ["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "B-LOC"]


def test_two_column_tsv_with_single_tab_breaks_and_stray_bom(tmp_path):
    path = tmp_path / "data.tsv"
    rows = ["Jordan\tB-PER", "vis\ufeffited\tO", "Jordan\tB-LOC", "\t"]
    rows += ["Ford\tB-ORG", "rose\tO", "\t", "Acme\tB-ORG", "Inc\tI-ORG", "\t"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    data = read_conll(path)
    assert data.scheme == "IOB2"
    assert data.sentences == [["Jordan", "visited", "Jordan"], ["Ford", "rose"], ["Acme", "Inc"]]
    assert data.tags[2] == ["B-ORG", "I-ORG"]


def test_bioes_is_detected_and_converted(tmp_path):
    path = tmp_path / "bioes.txt"
    path.write_text("New B-LOC\nYork E-LOC\nis O\nbig O\nBob S-PER\n", encoding="utf-8")
    data = read_conll(path)
    assert data.scheme == "BIOES"
    assert data.tags == [["B-LOC", "I-LOC", "O", "O", "B-PER"]]
    assert detect_scheme([["B-X", "I-X", "O"]]) == "IOB2"
    assert to_iob2(["I-X", "I-X", "B-X", "I-Y"], "IOB1") == ["B-X", "I-X", "B-X", "B-Y"]


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("EU B-ORG\nrejects\n", 2, "one column"),
        ("EU B-ORG\nrejects X-ORG\n", 2, "not in the IOB1, IOB2 or BIOES scheme"),
        ("EU B-ORG\n\nNew B-LOC\nYork O\nis E-LOC\n", 4, "follows the unfinished entity"),
        ("EU S-ORG\nsaid O\nYork E-LOC\n", 3, "does not continue"),
    ],
)
def test_errors_name_the_file_and_line(tmp_path, text, line, what):
    path = tmp_path / "bad.conll"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_conll(path)
    message = str(caught.value)
    assert "\n" not in message and f"bad.conll: row {line}" in message and what in message


def test_directory_and_single_file_splits(tmp_path):
    sentence = "Peter B-PER\nsaid O\n\n"
    for name in ("train.txt", "valid.txt", "test.txt"):
        (tmp_path / name).write_text(sentence * 3, encoding="utf-8")
    train, test = load_conll(tmp_path)
    assert len(train) == 3 and len(train.validation) == 3 and len(test) == 3
    single = tmp_path / "all.txt"
    single.write_text(sentence * 20, encoding="utf-8")
    train, test = load_conll(single, seed=1)
    assert (len(train), len(train.validation), len(test)) == (16, 2, 2)


def test_generated_corpus_is_reproducible_and_context_decides_ambiguous_words():
    a, b = generate_ner_corpus(800, seed=3), generate_ner_corpus(800, seed=3)
    assert a.sentences == b.sentences and a.tags == b.tags
    assert generate_ner_corpus(800, seed=4).sentences != a.sentences
    assert set(a.entity_types) == {"LOC", "MISC", "ORG", "PER"}
    types = {}
    for tokens, tags in zip(a.sentences, a.tags, strict=True):
        for kind, begin, end in entities(tokens, tags):
            types.setdefault(" ".join(tokens[begin:end]), set()).add(kind)
    for word in ("Washington", "Jordan"):
        assert {"PER", "LOC"} <= types[word], word
    assert set(AMBIGUOUS["ORG"]) & {w for w, kinds in types.items() if "ORG" in kinds}
    # a dictionary of the training entities falls short on held-out sentences
    held_out = generate_ner_corpus(1000, seed=3).subset(range(800, 1000))
    gazetteer = Gazetteer().fit(a.sentences, a.tags)
    looked_up = [gazetteer.tag(s) for s in held_out.sentences]
    assert entity_scores(held_out.tags, looked_up)["f1"] < 0.8


def test_tokens_keep_character_offsets():
    text = "Mr. Washington met U.S. officials in São Paulo, didn't he?"
    for token, start, end in tokenize_with_offsets(text):
        assert text[start:end] == token
    assert "U.S." in [t for t, _, _ in tokenize_with_offsets(text)]


@pytest.mark.datasets
@pytest.mark.skipif(not CONLL2003.is_dir(), reason="../shared/datasets/conll2003 is absent")
def test_reads_the_conll2003_files():
    import zoo

    train, test = zoo.create_model("ner-bilstm-crf").load_data(CONLL2003)
    assert (len(train), len(train.validation), len(test)) == (14041, 3250, 3453)
    assert train.scheme == "IOB1"
    assert set(train.entity_types) == {"LOC", "MISC", "ORG", "PER"}
    assert all(not t.startswith("I-") for row in train.tags for t in row[:1])
