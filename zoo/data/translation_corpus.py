"""A small, real English -> French/Spanish/German translation corpus that needs no download.

Sentences are built from a few templates whose variable parts are written by well-kept
language libraries rather than by hand: numbers and ordinals by ``num2words`` ("three hundred
and twelve" -> "trois cent douze" / "trescientos doce") and dates by ``babel`` from the CLDR
data ("Wednesday, March 3, 2021" -> "mercredi 3 mars 2021" / "miércoles, 3 de marzo de
2021" / "Mittwoch, 3. März 2021"). The templates are:

* ``count``: "We bought twenty-one books." -> "Wir haben einundzwanzig Bücher gekauft."
* ``number``: "The answer is ninety-nine." -> "La réponse est quatre-vingt-dix-neuf."
* ``rank``: "My brother finished third." -> "Mi hermano terminó tercero."
* ``born``: "She was born on March 3, 2021." -> "Elle est née le 3 mars 2021."
* ``today``: "Today is Wednesday, March 3, 2021." -> "Heute ist Mittwoch, 3. März 2021."
* ``day``: "The party is on the first of May." -> "La fête a lieu le premier mai."

Targets reorder words (day before month, German verb-final clauses, dropped "and"/"of"), so
it is a real little translation task for a word-level seq2seq model: a few hundred words per
side and at most about a dozen tokens per sentence. German writes every number below a
million as one word, so its cardinals stop at 99 (``MAX_CARDINAL``) to keep the vocabulary
small; French and Spanish go to 999.

The output is deterministic for a given ``seed`` (and versions of num2words and babel).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable

from babel.dates import format_date, get_month_names
from num2words import num2words

from zoo.data.translation import SentencePairs

__all__ = [
    "MAX_CARDINAL",
    "TARGET_LANGUAGES",
    "TEMPLATES",
    "corpus_capacity",
    "generate_translation_corpus",
]

TARGET_LANGUAGES: tuple[str, ...] = ("fr", "es", "de")
MAX_CARDINAL: dict[str, int] = {"fr": 999, "es": 999, "de": 99}
MAX_ORDINAL = 99
_FIRST_DATE = datetime.date(1970, 1, 1)
_LAST_DATE = datetime.date(2029, 12, 31)

# English plural, then the plural in fr/es/de (masculine in French and Spanish, so the
# numeral agrees without gender rules: "vingt et un livres", "veintiún libros").
_NOUNS: tuple[dict[str, str], ...] = tuple(
    dict(zip(("en", "fr", "es", "de"), row.split("|"), strict=True))
    for row in (
        "books|livres|libros|Bücher",
        "cats|chats|gatos|Katzen",
        "dogs|chiens|perros|Hunde",
        "pens|stylos|bolígrafos|Stifte",
        "trees|arbres|árboles|Bäume",
        "horses|chevaux|caballos|Pferde",
        "birds|oiseaux|pájaros|Vögel",
        "tickets|billets|billetes|Fahrkarten",
        "trains|trains|trenes|Züge",
        "eggs|œufs|huevos|Eier",
    )
)
# Each frame: English, then fr/es/de with {x} for the variable part.
_COUNT_FRAMES = (
    ("I have {x}.", "J'ai {x}.", "Tengo {x}.", "Ich habe {x}."),
    ("We bought {x}.", "Nous avons acheté {x}.", "Compramos {x}.", "Wir haben {x} gekauft."),
    ("There are {x} here.", "Il y a {x} ici.", "Aquí hay {x}.", "Hier gibt es {x}."),
)
_NUMBER_FRAMES = (
    ("The answer is {x}.", "La réponse est {x}.", "La respuesta es {x}.", "Die Antwort ist {x}."),
    ("Count to {x}.", "Compte jusqu'à {x}.", "Cuenta hasta {x}.", "Zähl bis {x}."),
)
_RANK_FRAMES = (
    ("He finished {x}.", "Il a terminé {x}.", "Terminó {x}.", "Er wurde {x}."),
    (
        "My brother finished {x}.",
        "Mon frère a terminé {x}.",
        "Mi hermano terminó {x}.",
        "Mein Bruder wurde {x}.",
    ),
    (
        "The driver finished {x}.",
        "Le pilote a terminé {x}.",
        "El piloto terminó {x}.",
        "Der Fahrer wurde {x}.",
    ),
)
_BORN_FRAME = (
    "She was born on {x}.",
    "Elle est née le {x}.",
    "Nació el {x}.",
    "Sie wurde am {x} geboren.",
)
_TODAY_FRAME = ("Today is {x}.", "Nous sommes le {x}.", "Hoy es {x}.", "Heute ist {x}.")
_DAY_FRAMES = (
    (
        "The party is on {x}.",
        "La fête a lieu le {x}.",
        "La fiesta es el {x}.",
        "Die Feier ist am {x}.",
    ),
    (
        "The meeting is on {x}.",
        "La réunion a lieu le {x}.",
        "La reunión es el {x}.",
        "Die Besprechung ist am {x}.",
    ),
    (
        "My birthday is on {x}.",
        "Mon anniversaire est le {x}.",
        "Mi cumpleaños es el {x}.",
        "Mein Geburtstag ist am {x}.",
    ),
)
_LANG_COLUMN = {"en": 0, "fr": 1, "es": 2, "de": 3}

_Pair = tuple[str, str]


def _fill(frame: tuple[str, ...], lang: str, english: str, target: str) -> _Pair:
    return frame[0].format(x=english), frame[_LANG_COLUMN[lang]].format(x=target)


def _cardinal_before_noun(n: int, lang: str) -> str:
    """The cardinal as written before a masculine plural noun."""
    words = num2words(n, lang=lang)
    if lang == "es":  # apocope: veintiuno -> veintiún libros, ciento uno -> ciento un libros
        if words.endswith("veintiuno"):
            words = words[: -len("veintiuno")] + "veintiún"
        elif words.endswith(" uno") or words == "uno":
            words = words[:-1]
    return words


def _count(rng: random.Random, lang: str) -> _Pair:
    n = rng.randint(2, MAX_CARDINAL[lang])
    noun = rng.choice(_NOUNS)
    english = f"{num2words(n)} {noun['en']}"
    return _fill(
        rng.choice(_COUNT_FRAMES), lang, english, f"{_cardinal_before_noun(n, lang)} {noun[lang]}"
    )


def _number(rng: random.Random, lang: str) -> _Pair:
    n = rng.randint(0, MAX_CARDINAL[lang])
    return _fill(rng.choice(_NUMBER_FRAMES), lang, num2words(n), num2words(n, lang=lang))


def _rank(rng: random.Random, lang: str) -> _Pair:
    n = rng.randint(1, MAX_ORDINAL)
    target = num2words(n, to="ordinal", lang=lang)
    if lang == "de":  # a nominalised ordinal after "wurde": Dritter, Einundzwanzigster
        target = target[0].upper() + target[1:] + "r"
    return _fill(rng.choice(_RANK_FRAMES), lang, num2words(n, to="ordinal"), target)


def _random_date(rng: random.Random) -> datetime.date:
    span = (_LAST_DATE - _FIRST_DATE).days
    return _FIRST_DATE + datetime.timedelta(days=rng.randint(0, span))


def _born(rng: random.Random, lang: str) -> _Pair:
    date = _random_date(rng)
    english = format_date(date, format="long", locale="en")
    return _fill(_BORN_FRAME, lang, english, format_date(date, format="long", locale=lang))


def _today(rng: random.Random, lang: str) -> _Pair:
    date = _random_date(rng)
    english = format_date(date, format="full", locale="en")
    return _fill(_TODAY_FRAME, lang, english, format_date(date, format="full", locale=lang))


def _day(rng: random.Random, lang: str) -> _Pair:
    date = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 365))  # leap year
    english = f"the {num2words(date.day, to='ordinal')} of {get_month_names('wide', locale='en')[date.month]}"
    month = get_month_names("wide", locale=lang)[date.month]
    if lang == "de":  # am dritten März
        day = num2words(date.day, to="ordinal", lang="de") + "n"
        target = f"{day} {month}"
    else:  # le premier mai / le trois mai; el primero de mayo / el tres de mayo
        day = (
            {"fr": "premier", "es": "primero"}[lang]
            if date.day == 1
            else num2words(date.day, lang=lang)
        )
        target = f"{day} {month}" if lang == "fr" else f"{day} de {month}"
    return _fill(rng.choice(_DAY_FRAMES), lang, english, target)


TEMPLATES: dict[str, Callable[[random.Random, str], _Pair]] = {
    "count": _count,
    "number": _number,
    "rank": _rank,
    "born": _born,
    "today": _today,
    "day": _day,
}


def corpus_capacity(target_lang: str) -> int:
    """How many distinct pairs the templates can make for ``target_lang``."""
    if target_lang not in TARGET_LANGUAGES:
        raise ValueError(f"target_lang must be one of {TARGET_LANGUAGES}, got {target_lang!r}")
    top = MAX_CARDINAL[target_lang]
    dates = (_LAST_DATE - _FIRST_DATE).days + 1
    return (
        len(_COUNT_FRAMES) * len(_NOUNS) * (top - 1)  # count: 2..top
        + len(_NUMBER_FRAMES) * (top + 1)  # number: 0..top
        + len(_RANK_FRAMES) * MAX_ORDINAL  # rank
        + 2 * dates  # born, today
        + len(_DAY_FRAMES) * 366  # day
    )


def generate_translation_corpus(n: int, seed: int = 0, target_lang: str = "fr") -> SentencePairs:
    """Generate ``n`` distinct English -> ``target_lang`` sentence pairs.

    Each pair picks one of :data:`TEMPLATES` uniformly at random and fills it; a pair that
    was already generated is drawn again, so templates with few possible sentences
    (``rank``, ``day``, and ``number`` for German) contribute less once they are used up.

    Args:
        n: Number of pairs, at most :func:`corpus_capacity` (77,165 for French and Spanish,
            48,365 for German). Drawing slows down as ``n`` approaches that limit.
        seed: Seed of the generator; the same arguments always give the same pairs in the
            same order.
        target_lang: ``"fr"``, ``"es"`` or ``"de"``.

    Returns:
        Pairs with English sources, cased and punctuated as ordinary sentences; ``source``
        describes the generator call, e.g. ``"generated:en-fr:n=100:seed=0"``.

    Raises:
        ValueError: An unknown language, or ``n`` outside ``1..corpus_capacity(target_lang)``.
    """
    if target_lang not in TARGET_LANGUAGES:
        raise ValueError(f"target_lang must be one of {TARGET_LANGUAGES}, got {target_lang!r}")
    capacity = corpus_capacity(target_lang)
    if not 1 <= n <= capacity:
        raise ValueError(f"n must be in 1..{capacity} for en-{target_lang}, got {n}")
    rng = random.Random(seed)
    makers = list(TEMPLATES.values())
    seen: set[_Pair] = set()
    sources: list[str] = []
    targets: list[str] = []
    while len(sources) < n:
        pair = rng.choice(makers)(rng, target_lang)
        if pair not in seen:
            seen.add(pair)
            sources.append(pair[0])
            targets.append(pair[1])
    return SentencePairs(sources, targets, f"generated:en-{target_lang}:n={n}:seed={seed}")
