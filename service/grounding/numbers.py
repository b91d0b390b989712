"""Number extraction for checking that figures in model output really occur in the evidence.

Small models invent or re-attach numbers ('20,000 killed' from '20,000 households'), so a figure
is accepted only if the evidence mentions the same value, optionally next to the right noun.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import lru_cache

from service.grounding.text import normalise, split_sentences

__all__ = ["mentions_number", "number_near", "numbers_in", "parse_number"]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    # Spanish ("uno", "una" and "once" are left out: articles, and an English word)
    "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
    "nueve": 9,
}  # fmt: skip
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "diez": 10, "doce": 12, "quince": 15,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "cien": 100,
}  # fmt: skip
_SCALES = {
    "hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "dozen": 12.0, "mil": 1e3, "millones": 1e6, "millón": 1e6,
}  # fmt: skip
# 'first' and 'second' are left out: they are far more often sequence words ('second-largest',
# 'a second strike') than counts, and treating them as 1 and 2 would let invented figures pass.
_ORDINALS = {
    "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20,
}  # fmt: skip
_WORD_VALUES: dict[str, float] = {**_UNITS, **_TEENS, **_TENS}


def _alt(words: Iterable[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_SEP = r"[ \t\u00a0]+"
_SCALE = rf"(?:{_alt(_SCALES)})"
_NUMBER_RE = re.compile(
    rf"""
    (?<!\w)(?<!\d[.,])  # not inside a word or in the middle of another number
    (?:
        (?P<digits>\d{{1,3}}(?:,\d{{3}})+|\d{{1,3}}(?:\.\d{{3}}){{2,}}(?![.,]?\d)
                  |\d{{1,3}}(?:[ \u00a0\u202f]\d{{3}})+|\d+)
        (?P<frac>\.\d+)?
        (?:%|st|nd|rd|th|(?P<dscale>(?:{_SEP}{_SCALE})+))?
      | (?P<words>
            (?:(?:{_alt(_TENS)})(?:[-‐‑ ](?:{_alt(_UNITS)}))?|{_alt(_TEENS)}|{_alt(_UNITS)}
               |(?:an?{_SEP})?{_SCALE})
            (?:{_SEP}{_SCALE})*
        )
      | (?P<ordinal>{_alt(_ORDINALS)})
    )
    (?!\w)
    """,
    re.IGNORECASE | re.VERBOSE,
)
_TOKEN_SPLIT_RE = re.compile(r"[\s\-‐‑]+")
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def _scaled(value: float, scales: str) -> float:
    for token in scales.split():
        value *= _SCALES[token.lower()]
    return value


def _value(m: re.Match[str]) -> float:
    """Turns one regex match into its value; words are summed, scale words multiply."""
    if m.group("digits") is not None:
        digits = re.sub(r"[,.\s]", "", m.group("digits")) + (m.group("frac") or "")
        return _scaled(float(digits), m.group("dscale") or "")
    if m.group("ordinal") is not None:
        return float(_ORDINALS[m.group("ordinal").lower()])
    value: float | None = None
    for token in _TOKEN_SPLIT_RE.split(m.group("words").lower()):
        if token in ("a", "an"):
            value = 1.0
        elif token in _SCALES:
            value = (1.0 if value is None else value) * _SCALES[token]
        else:
            value = (value or 0.0) + _WORD_VALUES[token]
    assert value is not None  # the regex cannot match an empty word group
    return value


def parse_number(s: str) -> float | None:
    """Parses a figure the model wrote as a field value; vague amounts ('dozens') give None."""
    candidate = s.strip().lstrip("$€£¥").strip()
    m = _NUMBER_RE.fullmatch(candidate)
    return None if m is None else _value(m)


def numbers_in(text: str) -> list[tuple[float, int, int]]:
    """Lists ``(value, start, end)`` for every number mention, offsets into ``text``.

    Years stay plain numbers: telling '2021' the year from 2021 the count needs context that
    a grounding check does not have, and a false 'mentioned' is safer here than a false miss.
    """
    return [(_value(m), m.start(), m.end()) for m in _NUMBER_RE.finditer(text)]


# "150.000" is 150,000 in Spanish, German or Italian copy and 150.0 in English copy.
_DOTTED_THOUSANDS = re.compile(r"\d{1,3}\.\d{3}")


@lru_cache(maxsize=128)
def _readings(text: str) -> tuple[tuple[tuple[float, ...], int, int], ...]:
    """Like ``numbers_in``, with every value a mention can be read as: a dotted group of three
    digits is both. Both are stated by the text, so a check that a figure is stated accepts
    either; it never has to guess the article's convention.

    Kept for recent texts: the same evidence is checked by the draft's validators and again
    by verification, and a headline's and a summary's numbers each against the whole
    article (``ArticleText.reported``)."""
    found: list[tuple[tuple[float, ...], int, int]] = []
    for value, start, end in numbers_in(text):
        if _DOTTED_THOUSANDS.fullmatch(text, start, end):
            found.append(((value, value * 1000), start, end))
        else:
            found.append(((value,), start, end))
    return tuple(found)


def _same(a: float, values: tuple[float, ...]) -> bool:
    return any(math.isclose(a, b, rel_tol=1e-9) for b in values)


def mentions_number(value: float, text: str) -> bool:
    """Tells whether ``text`` states ``value`` in any of the supported spellings."""
    return any(_same(value, values) for values, _, _ in _readings(text))


def number_near(value: float, text: str, words: Iterable[str], window: int = 6) -> bool:
    """Tells whether ``value`` occurs with one of the stems ``words`` close by.

    A bare 'mentions the number' test would accept '20,000 killed' from '20,000 households were
    affected'; requiring the noun within ``window`` words, and in the same sentence, ties the
    figure to what it counts.
    """
    stems = tuple(stem for stem in (normalise(w) for w in words) if stem)
    if not stems:
        return False
    sentences = split_sentences(text)
    for values, start, end in _readings(text):
        if not _same(value, values):
            continue
        span = next((s for s in sentences if s.start <= start < s.end), None)
        lo, hi = (span.start, span.end) if span else (0, len(text))
        before = _WORD_RE.findall(text, lo, start)[-window:] if window > 0 else []
        after = _WORD_RE.findall(text, end, hi)[:window]
        if any(normalise(w).startswith(stems) for w in before + after):
            return True
    return False
