"""The translation family: `translation-attention-lstm` trains, decodes, round-trips and
fails in one line on bad data."""

import json
import time
import warnings

import numpy as np
import pytest
from typer.testing import CliRunner

import zoo
from zoo.cli.app import app
from zoo.data.errors import DataError
from zoo.data.translation import SentencePairs
from zoo.decoding import beam_search, greedy_search
from zoo.preprocessing.translation_text import END_ID, START_ID, UNK_ID

NAME = "translation-attention-lstm"
TINY = {"units": 16, "embedding_dim": 16, "epochs": 2, "batch_size": 32}


def tiny_pairs(n=600, seed=0):
    from zoo.data.translation_corpus import generate_translation_corpus

    return generate_translation_corpus(n, seed=seed, target_lang="fr")


@pytest.fixture(scope="module")
def trained():
    model = zoo.create_model(NAME, **TINY)
    pairs = tiny_pairs()
    model.fit(pairs.subset(range(500)), verbose=0)
    return model, pairs.subset(range(500, 600))


@pytest.fixture(scope="module")
def bahdanau():
    model = zoo.create_model(NAME, **TINY, attention="bahdanau")
    model.fit(tiny_pairs(200, seed=1), verbose=0, epochs=1)
    return model


def test_registered_card():
    card = zoo.model_card(NAME)
    assert card["task"] == "translation"
    assert "Bahdanau" in card["reference"] and "Luong" in card["reference"]
    hparams = card["hyperparameters"]
    for key in (
        "embedding_dim", "units", "attention", "dropout", "learning_rate", "batch_size",
        "epochs", "patience", "max_source_length", "max_target_length", "max_tokens",
        "beam_width", "length_penalty", "lowercase", "val_fraction", "seed",
    ):  # fmt: skip
        assert key in hparams, key
    with pytest.raises(ValueError, match="attention"):
        zoo.create_model(NAME, attention="dot")


def test_predict_returns_translations(trained):
    model, test = trained
    out = model.predict(test.sources[:4])
    assert len(out) == 4 and all(isinstance(t, str) for t in out)
    assert model.predict("I have three cats.") == model.predict(["I have three cats."])
    assert model.training_stats["target_tokens_per_second"] > 0


def test_beam_width_one_is_exactly_greedy(trained):
    model, test = trained
    ids = model.encode_sources(test.sources[:40])
    options = dict(
        start_id=START_ID, end_id=END_ID, max_length=model.hparams["max_target_length"] + 1
    )
    greedy = greedy_search(model._step, model._encode_batch(ids), **options)
    beam = beam_search(model._step, model._encode_batch(ids), beam_width=1, alpha=0.6, **options)
    assert beam == greedy
    assert model.translate_ids(ids, beam_width=1) == greedy
    assert model.predict(test.sources[:40], beam_width=1) == model.predict(
        test.sources[:40], beam_width=None
    )  # the default beam_width is 1


def test_beam_search_decodes(trained):
    model, test = trained
    beam = model.predict(test.sources[:10], beam_width=3)
    assert len(beam) == 10 and all(isinstance(t, str) for t in beam)


def test_step_model_matches_the_training_network(trained):
    """Feeding the reference prefix to the step model gives the network's teacher-forced
    log-probabilities, so training and decoding run the same function."""
    model, test = trained
    source = model.encode_sources(test.sources[:3])
    target_in, _ = model.encode_targets(test.targets[:3])
    logits = np.asarray(model.network({"source": source, "target_in": target_in}))
    expected = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    memory, h, c = (np.asarray(t) for t in model.encoder_model(source))
    mask = source != 0
    for t in range(6):
        log_probs, h, c, weights = (
            np.asarray(x) for x in model.step_model([target_in[:, t : t + 1], h, c, memory, mask])
        )
        np.testing.assert_allclose(log_probs, expected[:, t], atol=2e-4)
        np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-5)
        assert np.all(weights[~mask] < 1e-6)  # no attention on padding


def test_empty_sentence_gives_a_string(trained):
    model, _ = trained
    for width in (1, 3):
        out = model.predict(["", "   "], beam_width=width)
        assert len(out) == 2 and all(isinstance(t, str) for t in out)


def test_unknown_words_map_to_unk(trained):
    model, _ = trained
    ids = model.encode_sources(["I have zorblax flibbertigibbets."])
    assert (ids == UNK_ID).sum() == 2
    assert isinstance(model.predict(["I have zorblax flibbertigibbets."])[0], str)


def test_long_input_is_truncated_with_a_warning(trained):
    model, _ = trained
    long = " ".join(["seven"] * (model.hparams["max_source_length"] + 10))
    with pytest.warns(UserWarning, match="truncated"):
        out = model.predict([long])
    assert isinstance(out[0], str)
    assert len(model.target_tokenizer.tokenize(out[0])) <= model.hparams["max_target_length"] + 1


def test_attention_matrix(trained):
    model, test = trained
    source, target, weights = model.attention_matrix(test.sources[0])
    assert source == model.source_tokenizer.tokenize(test.sources[0])
    assert weights.shape == (len(target), len(source))
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-5)


def test_evaluate_reports_greedy_beam_and_copy(trained):
    model, test = trained
    report = model.evaluate(test.subset(range(30)))
    assert set(report) == {"model", "model_beam", "copy_source"}
    for row in report.values():
        assert {"bleu", "chrf", "exact_match"} <= set(row)
        assert 0 <= row["bleu"] <= 100 and 0 <= row["exact_match"] <= 1
    assert report["model_beam"]["beam_width"] == 4


def test_save_and_load_give_identical_translations(trained, tmp_path):
    model, test = trained
    model.save(tmp_path / "m")
    loaded = zoo.load_model(tmp_path / "m")
    assert type(loaded) is type(model) and loaded.hparams == model.hparams
    sentences = test.sources[:20] + ["", "zorblax"]
    for width in (1, 3):
        assert loaded.predict(sentences, beam_width=width) == model.predict(
            sentences, beam_width=width
        )


def test_plots_write_the_attention_heatmap(trained, tmp_path):
    model, test = trained
    paths = model.plots(test, tmp_path)
    assert [p.name for p in paths] == ["attention.png"]
    assert paths[0].stat().st_size > 1000


def test_bahdanau_score_trains_decodes_and_round_trips(bahdanau, tmp_path):
    assert bahdanau.network.get_layer("attention").score == "bahdanau"
    sentences = ["I have three cats.", ""]
    before = bahdanau.predict(sentences, beam_width=2)
    bahdanau.save(tmp_path / "b")
    assert zoo.load_model(tmp_path / "b").predict(sentences, beam_width=2) == before


def test_attention_layer_masks_padding():
    from zoo.models.translation.attention import SequenceAttention

    rng = np.random.default_rng(0)
    query = rng.normal(size=(2, 3, 4)).astype("float32")
    values = rng.normal(size=(2, 5, 6)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [0, 0, 0, 0, 0]], dtype=bool)
    for score in ("luong", "bahdanau"):
        context, weights = (np.asarray(t) for t in SequenceAttention(score)(query, values, mask))
        assert context.shape == (2, 3, 6) and weights.shape == (2, 3, 5)
        np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-6)
        assert np.all(weights[0, :, 3:] == 0)
        np.testing.assert_allclose(weights[1], 0.2, atol=1e-6)  # no tokens: uniform


def test_load_data_splits_a_small_file(tmp_path):
    pairs = tiny_pairs(50)
    path = tmp_path / "fra.txt"
    path.write_text("".join(f"{s}\t{t}\tCC-BY 2.0\n" for s, t in pairs), encoding="utf-8")
    train, test = zoo.create_model(NAME).load_data(path)
    assert len(test) >= 5 and len(train) + len(test) == 50
    assert not set(train.sources) & set(test.sources)


def test_load_data_names_a_line_without_a_tab(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("Go.\tVa !\nHello. Bonjour.\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"bad.txt: row 2.*no tab") as caught:
        zoo.create_model(NAME).load_data(path)
    assert "\n" not in str(caught.value)


def run(*args):
    return CliRunner().invoke(app, list(args))


def one_line_error(result, *fragments):
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def test_train_cli_reports_a_line_without_a_tab(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("Go.\tVa !\nRun!\tCours !\nHello. Bonjour.\n", encoding="utf-8")
    result = run("train", NAME, "--data", str(path), "--out", str(tmp_path / "out"))
    one_line_error(result, "bad.txt", "row 3", "no tab")


def test_train_and_translate_cli(tmp_path):
    pairs = tiny_pairs(300)
    path = tmp_path / "pairs.txt"
    path.write_text("".join(f"{s}\t{t}\n" for s, t in pairs), encoding="utf-8")
    out = tmp_path / "run"
    tiny = ["--epochs", "1", "--set", "units=8", "--set", "embedding_dim=8"]
    result = run("train", NAME, "--data", str(path), "--out", str(out), *tiny)
    assert result.exit_code == 0, result.output
    record = json.loads((out / "metrics.json").read_text())
    assert set(record["held_out"]) == {"model", "model_beam", "copy_source"}
    assert (out / "attention.png").is_file()
    assert "copy_source" in result.output

    result = run("translate", str(out), "I have three cats.", "", "--beam", "2")
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 2
    result = run("translate", str(out), "Today is Monday.", "--attention")
    assert result.exit_code == 0 and "attention:" in result.output, result.output
    one_line_error(run("translate", str(tmp_path / "nope"), "hello"), "nope")


def test_fit_needs_two_pairs():
    with pytest.raises(ValueError, match="at least 2"):
        zoo.create_model(NAME, **TINY).fit(SentencePairs(["a"], ["b"]), verbose=0)


@pytest.mark.slow
def test_default_training_reaches_ninety_percent_exact_match():
    """The done-when target: `lstm-zoo train translation-attention-lstm` with the defaults
    (embedded en→fr corpus) in at most 10 minutes, >= 90% exact match held out."""
    model = zoo.create_model(NAME)
    start = time.perf_counter()
    train, test = model.default_data()
    model.fit(train, verbose=0)
    seconds = time.perf_counter() - start
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        report = model.evaluate(test)
    assert report["model"]["exact_match"] >= 0.9, report
    assert seconds <= 600, seconds
