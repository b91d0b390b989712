"""Small yes/no questions about the article that verification and re-asks share.

Each returns a `Failure` when the item fails, or None when it holds, so the draft's
validators (which re-ask the model) and the verifier (which drops items) agree exactly.
A failure has two texts: `reason`, from a fixed vocabulary and safe to return to clients
(it never repeats what the model wrote, so an invented quote cannot leak into a response
through the drop list), and `detail`, which names the offending text for the re-ask and
the log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.grounding.numbers import mentions_number, number_near, numbers_in
from service.grounding.text import NormalisedText, normalise, normalised_text

_STOPWORD_TEXT = (
    "the of and for in on at to a an s by with from its his her their state regional local "
    "gov gen president minister ministry foreign defense defence top official officials"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD = re.compile(r"\w+", re.UNICODE)

KILLED_STEMS = ("kill", "dead", "death", "die", "fatalit", "bodies", "lives", "muert", "fallec")
INJURED_STEMS = ("injur", "wound", "hurt", "hospitali", "casualt", "herid", "lesionad")


@dataclass(frozen=True, slots=True)
class Failure:
    reason: str
    detail: str

    def __str__(self) -> str:
        return self.detail


def _words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def _normalised(article: str | NormalisedText) -> NormalisedText:
    """The article's normalised index: a request's own (`ArticleText.normalised`, built once
    for all its checks), or, for a plain string, the one `text.py` keeps for recent texts."""
    return article if isinstance(article, NormalisedText) else normalised_text(article)


def name_problem(name: str, article: str | NormalisedText, what: str = "name") -> Failure | None:
    """A name must be written in the article: whole, or every distinctive word of it.

    The word rule accepts "Gov. Alexander Gusev" for "Alexander Gusev" and "Russian
    defense ministry" for "Russia's defense ministry", and still rejects an invented
    "Eliajad". `article` is its text or, better, its normalised index.
    """
    failure = Failure(f"{what} not found in the article", f"{what} {name!r} is not in the article")
    if not name.strip():
        return failure
    index = _normalised(article)
    if index.contains(name):
        return None
    wanted = [w for w in _words(name) if w not in _STOPWORDS and not w.isdigit()]
    if not wanted or not all(_has_stem(w, index.words) for w in wanted):
        return failure
    return None


def _has_stem(word: str, article_words: frozenset[str]) -> bool:
    """A word matches an article word sharing its stem (Russia ~ Russian, Ukraine ~ Ukrainian)."""
    if word in article_words:
        return True
    stem = word[: max(4, len(word) - 2)]
    return len(word) >= 4 and any(w.startswith(stem) for w in article_words)


def phrase_problem(phrase: str, article: str | NormalisedText, what: str) -> Failure | None:
    """Date phrases and similar must be copied from the article, not paraphrased."""
    if _normalised(article).contains(phrase):
        return None
    return Failure(
        f"{what} phrase not written in the article",
        f"{what} {phrase!r} is not written in the article",
    )


def numbers_problem(text: str, evidence: str, what: str) -> Failure | None:
    """Every number a sentence of ours states must be in the evidence it cites."""
    missing = [value for value, _, _ in numbers_in(text) if not mentions_number(value, evidence)]
    if not missing:
        return None
    shown = ", ".join(_fmt(v) for v in missing)
    return Failure(
        f"{what} states a number its evidence does not",
        f"{what} states {shown}, which its evidence does not",
    )


def quantity_problem(value: float, unit: str, evidence: str) -> Failure | None:
    if not mentions_number(value, evidence):
        return Failure(
            "quantity not stated in its evidence",
            f"quantity {_fmt(value)} {unit} is not stated in its evidence",
        )
    stems = [w[: max(4, len(w) - 2)] for w in _words(unit) if len(w) >= 3]
    if stems and not number_near(value, evidence, stems):
        return Failure(
            "quantity's number is in the evidence, but not counting that unit",
            f"quantity {_fmt(value)} is in the evidence, but not as {unit!r}",
        )
    return None


def casualty_problem(kind: str, value: int, evidence: str) -> Failure | None:
    stems = KILLED_STEMS if kind == "killed" else INJURED_STEMS
    if not mentions_number(value, evidence):
        return Failure(
            f"{kind} count not stated in its evidence",
            f"{kind}={value} is not stated in its evidence",
        )
    if not number_near(value, evidence, stems):
        return Failure(
            f"{kind} count is in the evidence, but not as people {kind}",
            f"{kind}={value}: the evidence gives {value}, but not as people {kind}",
        )
    return None


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"
