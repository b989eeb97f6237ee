"""A generated English movie-review corpus in which word order decides the label.

Each review is one opinion sentence, optionally surrounded by neutral filler sentences
("We saw the late show on a Sunday."), which carry no sentiment. The opinion sentence is
built from a structure whose label is known by construction:

* **plain** -- "the acting was (very) good" (intensifiers never change the sign);
* **negated** -- "the plot was not bad" is positive, "the plot wasn't good" negative,
  "I didn't hate the ending" positive;
* **contrast** -- "good acting but a terrible plot": the clause after *but* / *yet* /
  *however*, or the main clause of *although* / *even though*, decides; the other clause
  has the opposite sign (or, one time in five, is neutral: "the pacing was average but the
  ending was superb");
* **double** -- "neither the acting nor the plot was good" (negative), "it is not true that
  the script was dull" (positive), "it would be wrong to say the film was not moving"
  (positive: two negations), "not only was the cast superb, the score was great too",
  "I liked the plot and the score was superb" (two clauses of the same sign).

Polarity, negation and the decisive clause are drawn independently, so a bag of words
cannot tell "good acting but a terrible plot" from "terrible acting but a good plot", and
has to solve an XOR for negation.

With ``num_classes=3`` the labels are negative (0), neutral/mixed (1), positive (2). The
neutral class is made of neutral verdicts ("the pacing was average", "the film was neither
good nor bad", "the plot was not great, but not bad either") and *mixed* reviews joined by
*and* ("the acting was great and the plot was awful"), which differ from decisive *but*
contrasts only in the conjunction (polar reviews also use *and*, between clauses of the
same sign).
"""

from __future__ import annotations

import re

import numpy as np

from zoo.data.sentiment import TextDataset

__all__ = ["generate_sentiment_corpus"]

# (noun phrase, plural)
_ASPECTS = [
    ("the acting", False),
    ("the plot", False),
    ("the script", False),
    ("the story", False),
    ("the direction", False),
    ("the cinematography", False),
    ("the soundtrack", False),
    ("the score", False),
    ("the dialogue", False),
    ("the pacing", False),
    ("the ending", False),
    ("the cast", False),
    ("the performances", True),
    ("the visuals", True),
    ("the characters", True),
    ("the jokes", True),
    ("the film", False),
    ("this movie", False),
    ("the sequel", False),
    ("the lead actress", False),
    ("the villain", False),
    ("the editing", False),
]
_POSITIVE = [
    "good",
    "great",
    "excellent",
    "wonderful",
    "brilliant",
    "superb",
    "moving",
    "charming",
    "delightful",
    "gripping",
    "clever",
    "beautiful",
    "engaging",
    "fantastic",
    "impressive",
    "memorable",
    "touching",
    "stunning",
    "solid",
    "terrific",
    "witty",
    "heartfelt",
]
_NEGATIVE = [
    "bad",
    "terrible",
    "awful",
    "boring",
    "dull",
    "weak",
    "clumsy",
    "tedious",
    "bland",
    "dreadful",
    "lifeless",
    "messy",
    "predictable",
    "forgettable",
    "painful",
    "poor",
    "disappointing",
    "incoherent",
    "flat",
    "lazy",
    "shallow",
    "annoying",
]
_NEUTRAL = ["average", "okay", "ordinary", "so-so", "middling", "standard", "passable"]
_INTENSIFIERS = [
    "very",
    "really",
    "extremely",
    "incredibly",
    "truly",
    "remarkably",
    "genuinely",
    "quite",
    "seriously",
    "thoroughly",
]
# (past tense, base form)
_POS_VERBS = [
    ("liked", "like"),
    ("loved", "love"),
    ("enjoyed", "enjoy"),
    ("admired", "admire"),
    ("adored", "adore"),
    ("appreciated", "appreciate"),
]
_NEG_VERBS = [
    ("hated", "hate"),
    ("disliked", "dislike"),
    ("loathed", "loathe"),
    ("despised", "despise"),
    ("detested", "detest"),
]
_NEGATED_DO = ["did not", "didn't", "didn\u2019t", "never"]
_NEGATED_FEEL = ["did not feel", "didn't feel", "never felt", "hardly felt"]
_FILLERS = [
    "we saw the late show on a {day}.",
    "i watched it with my {who} last {day}.",
    "it runs a little over two hours.",
    "the theater was half full.",
    "it is based on a novel from the seventies.",
    "i went in knowing almost nothing.",
    "my {who} picked it.",
    "it came out last {season}.",
    "we streamed it at home.",
    "the director made two other films before this one.",
    "i saw it twice.",
]
_DAYS = ["monday", "tuesday", "friday", "saturday", "sunday"]
_WHO = ["brother", "sister", "friends", "parents", "wife", "husband", "roommate", "kids"]
_SEASONS = ["spring", "summer", "autumn", "winter"]
# Cumulative shares of the opinion structures: plain 40%, negated 25%, contrast 25%,
# double 10%.
_MIX = (0.40, 0.65, 0.90)
_PRONOUN_I = re.compile(r"\bi\b")
_OPENERS = ["", "", "", "honestly, ", "overall, ", "in short, ", "in my opinion, "]


def _pick(rng: np.random.Generator, items: list) -> object:
    return items[int(rng.integers(len(items)))]


def _adjective(rng: np.random.Generator, polarity: int) -> str:
    return str(_pick(rng, _POSITIVE if polarity > 0 else _NEGATIVE))


def _be(rng: np.random.Generator, plural: bool, negated: bool) -> str:
    past = bool(rng.integers(2))
    verb = ("were" if plural else "was") if past else ("are" if plural else "is")
    if not negated:
        return verb
    return str(_pick(rng, [f"{verb} not", f"{verb}n't", f"{verb} never", f"{verb} hardly"]))


def _clause(
    rng: np.random.Generator, polarity: int, negated: bool, fragment_ok: bool = True
) -> str:
    """A clause of the given final polarity, built with or without a negation.

    ``fragment_ok`` allows verdict noun phrases ("superb acting") instead of a full clause.
    """
    subject, plural = _pick(rng, _ASPECTS)  # type: ignore[misc]
    surface = -polarity if negated else polarity  # the polarity word that appears
    form = int(rng.integers(4))
    if form == 0:  # "i (did not) like the plot"
        past, base = _pick(rng, _POS_VERBS if surface > 0 else _NEG_VERBS)  # type: ignore[misc]
        if negated:
            negation = str(_pick(rng, _NEGATED_DO))
            verb = f"{negation} {past}" if negation == "never" else f"{negation} {base}"
        else:
            verb = past
        return f"i {verb} {subject}"
    if form == 1 and not negated and fragment_ok:  # a verdict noun phrase: "(very) good acting"
        noun = subject.split(" ", 1)[1]
        intens = f"{_pick(rng, _INTENSIFIERS)} " if rng.random() < 0.4 else ""
        return f"{intens}{_adjective(rng, surface)} {noun}"
    if form == 2:  # "the pacing (never) felt dull"
        verb = str(_pick(rng, _NEGATED_FEEL)) if negated else "felt"
        return f"{subject} {verb} {_adjective(rng, surface)}"
    if negated and rng.random() < 0.2:  # "the plot was not bad at all"
        verb = _be(rng, plural, False)
        return f"{subject} {verb} not {_adjective(rng, surface)} at all"
    intens = f"{_pick(rng, _INTENSIFIERS)} " if not negated and rng.random() < 0.4 else ""
    return f"{subject} {_be(rng, plural, negated)} {intens}{_adjective(rng, surface)}"


def _contrast(rng: np.random.Generator, polarity: int) -> str:
    form = int(rng.integers(5))
    fragments = form < 2  # "good acting but a terrible plot"; not after "although"
    decisive = _clause(rng, polarity, rng.random() < 0.3, fragments)
    if rng.random() < 0.2:  # "the pacing was average but the ending was superb"
        other = _neutral_clause(rng)
    else:
        other = _clause(rng, -polarity, rng.random() < 0.3, fragments)
    if form == 0:
        return f"{other} but {decisive}"
    if form == 1:
        return f"{other}, yet {decisive}"
    if form == 2:
        return f"{other}; however, {decisive}"
    if form == 3:
        return f"although {other}, {decisive}"
    return f"{decisive} even though {other}"


def _double(rng: np.random.Generator, polarity: int) -> str:
    a1, a2 = rng.choice(len(_ASPECTS), 2, replace=False).tolist()
    (first, plural1), (second, plural2) = _ASPECTS[a1], _ASPECTS[a2]
    was1, was2 = ("were" if plural1 else "was"), ("were" if plural2 else "was")
    form = int(rng.integers(5))
    if form == 4:  # two clauses of the same sign joined by "and"
        first = _clause(rng, polarity, rng.random() < 0.3, fragment_ok=False)
        return f"{first} and {_clause(rng, polarity, rng.random() < 0.3, fragment_ok=False)}"
    if form == 0:  # neither ... nor ... was ADJ -> opposite of ADJ
        return f"neither {first} nor {second} was {_adjective(rng, -polarity)}"
    if form == 1:  # it is not true that X was ADJ -> opposite of ADJ
        return f"it is not true that {first} {was1} {_adjective(rng, -polarity)}"
    if form == 2:  # wrong to say X was not ADJ -> ADJ (double negation)
        return f"it would be wrong to say that {first} {was1} not {_adjective(rng, polarity)}"
    return (
        f"not only {was1} {first} {_adjective(rng, polarity)}, "
        f"{second} {was2} {_adjective(rng, polarity)} too"
    )


def _neutral_clause(rng: np.random.Generator) -> str:
    """ "the pacing was average": a clause with a neutral adjective."""
    subject, plural = _pick(rng, _ASPECTS)  # type: ignore[misc]
    return f"{subject} {_be(rng, plural, False)} {_pick(rng, _NEUTRAL)}"


def _neutral(rng: np.random.Generator) -> str:
    form = int(rng.integers(4))
    if form == 0:
        return _neutral_clause(rng)
    if form == 3:  # "the plot was not great, but not bad either"
        subject, plural = _pick(rng, _ASPECTS)  # type: ignore[misc]
        good, bad = _adjective(rng, 1), _adjective(rng, -1)
        if rng.random() < 0.5:
            good, bad = bad, good
        return f"{subject} {_be(rng, plural, False)} not {good}, but not {bad} either"
    if form == 1:
        subject, plural = _pick(rng, _ASPECTS)  # type: ignore[misc]
        good, bad = _adjective(rng, 1), _adjective(rng, -1)
        pair = f"{good} nor {bad}" if rng.random() < 0.5 else f"{bad} nor {good}"
        return f"{subject} {_be(rng, plural, False)} neither {pair}"
    first = _clause(rng, 1, rng.random() < 0.3, fragment_ok=False)
    second = _clause(rng, -1, rng.random() < 0.3, fragment_ok=False)
    if rng.random() < 0.5:
        first, second = second, first
    return f"{first} and {second}"


def _opinion(rng: np.random.Generator, polarity: int) -> str:
    kind = rng.random()
    if kind < _MIX[0]:
        return _clause(rng, polarity, negated=False)
    if kind < _MIX[1]:
        return _clause(rng, polarity, negated=True)
    if kind < _MIX[2]:
        return _contrast(rng, polarity)
    return _double(rng, polarity)


def _review(rng: np.random.Generator, opinion: str) -> str:
    sentence = f"{_pick(rng, _OPENERS)}{opinion}{_pick(rng, ['.', '.', '!'])}"
    parts = [sentence]
    for k in rng.choice(len(_FILLERS), int(rng.integers(3)), replace=False).tolist():
        filler = _FILLERS[k].format(
            day=_pick(rng, _DAYS), who=_pick(rng, _WHO), season=_pick(rng, _SEASONS)
        )
        parts.insert(int(rng.integers(len(parts) + 1)), filler)
    text = " ".join(p[0].upper() + p[1:] for p in parts)
    return _PRONOUN_I.sub("I", text)


def generate_sentiment_corpus(n: int, seed: int = 0, num_classes: int = 2) -> TextDataset:
    """Generate ``n`` labelled movie reviews (deterministic for a given ``seed``).

    See the module docstring for the structures used. Labels are balanced in expectation.

    Args:
        n: Number of reviews.
        seed: Seed of the NumPy generator; the same seed gives the same corpus.
        num_classes: 2 (``negative``/``positive``) or 3 (``negative``/``neutral``/
            ``positive``, where neutral covers neutral verdicts and mixed "X and Y" reviews).

    Returns:
        A :class:`TextDataset` with ``source="generated:seed=<seed>"``.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if num_classes not in (2, 3):
        raise ValueError(f"num_classes must be 2 or 3, got {num_classes}")
    rng = np.random.default_rng(seed)
    texts: list[str] = []
    labels = np.empty(n, dtype=np.int64)
    for i in range(n):
        label = int(rng.integers(num_classes))
        if num_classes == 3 and label == 1:
            opinion = _neutral(rng)
        else:
            opinion = _opinion(rng, 1 if label == num_classes - 1 else -1)
        texts.append(_review(rng, opinion))
        labels[i] = label
    names = ["negative", "positive"] if num_classes == 2 else ["negative", "neutral", "positive"]
    return TextDataset(texts, labels, names, f"generated:seed={seed}")
