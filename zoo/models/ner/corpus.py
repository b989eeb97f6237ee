"""The embedded default: English sentences with PER, LOC, ORG and MISC entities.

Generated offline, reproducibly from a seed, by `faker` (a well-kept library of fake
names, companies, cities, countries, states and languages) placed into varied news-like
templates. Part of the entity slots are filled with words whose type only the context
decides: "Washington" or "Jordan" as a person ("Washington said on Monday ...") or as a
place ("talks in Jordan"), "Ford" or "Morgan" as a person or a company. A dictionary of
the training entities (the gazetteer baseline) therefore falls short twice: on these
words, and on the many names it has never seen.
"""

from __future__ import annotations

import functools

import numpy as np

from zoo.models.ner.conll import NERDataset
from zoo.models.ner.preprocessing import tokenize

__all__ = ["AMBIGUOUS", "TEMPLATES", "generate_ner_corpus"]

#: Words that are one entity type or another depending on the context.
AMBIGUOUS = {
    "PER": ["Washington", "Jordan", "Georgia", "Lincoln", "Ford", "Morgan", "Paris", "Chelsea"],
    "LOC": ["Washington", "Jordan", "Georgia", "Lincoln", "Paris", "Chelsea"],
    "ORG": ["Ford", "Morgan", "Lincoln", "Chelsea"],
}

#: Sentence templates; `{PER}`, `{LOC}`, `{ORG}` and `{MISC}` are entity slots.
TEMPLATES = [
    "{PER} said on Monday that {ORG} would cut 300 jobs in {LOC} .",
    "{PER} told reporters in {LOC} that the talks had failed .",
    "Shares of {ORG} fell 4 percent after {PER} resigned .",
    "{ORG} said it had agreed to buy a stake in {ORG} for $ 2 billion .",
    "The {MISC} delegation arrived in {LOC} on Tuesday .",
    "{PER} , a spokesman for {ORG} , declined to comment .",
    "Police in {LOC} arrested two men , {PER} said .",
    "{PER} won the {MISC} after beating {PER} in the final .",
    "Mr. {PER} will visit {LOC} and {LOC} next week .",
    "Talks between {LOC} and {LOC} resumed in {LOC} .",
    "{ORG} shares rose after the company reported higher profits .",
    "According to {PER} , the {MISC} market is growing .",
    "She met {PER} at the {ORG} offices in {LOC} .",
    "{PER} scored twice as {ORG} beat {ORG} 3-1 .",
    "The president of {LOC} , {PER} , called for calm .",
    "Flights to {LOC} were cancelled on Friday .",
    "{PER} speaks {MISC} and lives in {LOC} .",
    "Analysts at {ORG} expect the {MISC} economy to slow .",
    "{PER} joined {ORG} in 2019 as chief executive .",
    "Heavy rain hit {LOC} , officials said .",
    "In {LOC} , {PER} opened a new factory for {ORG} .",
    "{ORG} and {ORG} signed the deal in {LOC} .",
    "The {MISC} will be held in {LOC} next year .",
    "{PER} and {PER} will meet in {LOC} on Thursday .",
    "A court in {LOC} fined {ORG} $ 5 million .",
    "Officials from {LOC} said {PER} had left the country .",
    "{PER} thanked the fans after the match .",
    "It was the first {MISC} title for {PER} .",
    "Investors sold {ORG} stock on Wednesday .",
    "{PER} was born in {LOC} in 1970 .",
]


def _entities(fake, rng: np.random.Generator):
    """Functions drawing one entity string of each type."""

    def ambiguous(kind: str, probability: float):
        words = AMBIGUOUS[kind]
        return words[rng.integers(len(words))] if rng.random() < probability else None

    def person() -> str:
        word = ambiguous("PER", 0.15)
        if word is not None:
            return word
        return fake.name() if rng.random() < 0.7 else fake.last_name()

    def place() -> str:
        word = ambiguous("LOC", 0.15)
        if word is not None:
            return word
        pick = rng.random()
        return fake.city() if pick < 0.5 else fake.country() if pick < 0.8 else fake.state()

    def organisation() -> str:
        word = ambiguous("ORG", 0.1)
        if word is not None:
            return word
        return fake.company()

    def misc() -> str:
        pick = rng.random()
        if pick < 0.4:
            return fake.language_name()
        if pick < 0.7:
            return f"{fake.city()} Open"
        return f"{fake.last_name()} Cup"

    return {"PER": person, "LOC": place, "ORG": organisation, "MISC": misc}


def generate_ner_corpus(n: int = 6000, seed: int = 0) -> NERDataset:
    """`n` tagged sentences (IOB2), the same for the same `seed` (a fresh copy each call
    of what was generated once in this process)."""
    sentences, tags = _generate(int(n), int(seed))
    return NERDataset(
        [list(s) for s in sentences],
        [list(t) for t in tags],
        f"generated NER corpus (faker, seed {seed})",
    )


@functools.lru_cache(maxsize=4)
def _generate(n: int, seed: int) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]:
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = np.random.default_rng(seed)
    draw = _entities(fake, rng)
    sentences, tags = [], []
    for _ in range(n):
        template = TEMPLATES[rng.integers(len(TEMPLATES))]
        tokens: list[str] = []
        labels: list[str] = []
        for word in template.split():
            kind = word[1:-1] if word.startswith("{") and word.endswith("}") else None
            if kind not in draw:  # context words, split as `predict` splits raw text
                parts = tokenize(word)
                tokens += parts
                labels += ["O"] * len(parts)
                continue
            parts = tokenize(draw[kind]())
            tokens += parts
            labels += [f"B-{kind}"] + [f"I-{kind}"] * (len(parts) - 1)
        sentences.append(tuple(tokens))
        tags.append(tuple(labels))
    return tuple(sentences), tuple(tags)
