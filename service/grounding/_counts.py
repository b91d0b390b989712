"""What a sentence counts: numbers with the words they count, and casualties.

Split from facts.py (the sentence's other slots); every value is a slice of the sentence.
"""

from __future__ import annotations

import re

from service.grounding.checks import INJURED_STEMS, KILLED_STEMS
from service.grounding.numbers import numbers_in

_YEAR = re.compile(r"(?:1[89]|20)\d\d")
_UNIT_SKIP = frozenset(
    """of its their the a an to and or more than about some at least nearly almost over""".split()
)
_UNIT_STOP = frozenset(
    """were was had have has are is be been in on at by for from with during after before that
    which who as per people's""".split()
)


def _unit(text: str, end: int) -> str | None:
    """What a number counts: the words after it up to a function word or punctuation
    ("44 Ukrainian drones", "75 basis points", "about 8,000 of its members" → "members")."""
    tail = text[end : end + 60]
    picked: list[str] = []
    for word in re.findall(r"[^\W\d_][\w’'\-]*|[^\w\s]", tail):
        low = word.lower()
        if not word[0].isalpha() or low in _UNIT_STOP:
            break
        if not picked and low in _UNIT_SKIP:
            continue
        picked.append(word)
        if len(picked) == 3:
            break
    return " ".join(picked) or None


_WORDS = re.compile(r"[^\W\d_][\w’'\-]*")


# between a verb and the number it takes: "killed at least four", "injured more than 20"
_HEDGES = frozenset("at least more than over about some nearly almost around up to".split())
_VERB_ENDINGS = ("ed", "ing", "hurt")


def _kind(word: str) -> str | None:
    for kind, stems in (("killed", KILLED_STEMS), ("injured", INJURED_STEMS)):
        if word.startswith(stems):
            return kind
    return None


def _casualty(text: str, start: int, end: int) -> str | None:
    """ "12 people were killed", "killing five", "wounding 14", "dos agentes heridos".

    The verb the number is the object of decides first: in "killed four students and
    injured seven others" the four are dead, though "injured" follows them. Else the words
    just after it ("12 people were killed"), or an "-ing" verb just before it."""
    before = [w.lower() for w in _WORDS.findall(text, max(0, start - 40), start)[-4:]]
    while before and before[-1] in _HEDGES:
        before.pop()
    if before and before[-1].endswith(_VERB_ENDINGS) and (kind := _kind(before[-1])):
        return kind
    after = [w.lower() for w in _WORDS.findall(text, end, end + 40)[:4]]
    for kind, stems in (("killed", KILLED_STEMS), ("injured", INJURED_STEMS)):
        if any(w.startswith(stems) for w in after) or any(
            w.startswith(stems) and w.endswith("ing") for w in before[-2:]
        ):
            return kind
    return None


def numbers(
    text: str, skip: list[tuple[int, int]]
) -> tuple[list[tuple[float, str]], int | None, int | None]:
    quantities: list[tuple[float, str]] = []
    killed = injured = None
    for value, start, end in numbers_in(text):
        token = text[start:end]
        if any(a <= start < b for a, b in skip) or _YEAR.fullmatch(token):
            continue
        if re.match(r",\s*$", text[max(0, start - 2) : start]) and re.match(r"^,", text[end:]):
            continue  # "Ilievski, 58," is an age
        kind = _casualty(text, start, end)
        if kind == "killed" and killed is None and value.is_integer():
            killed = int(value)
            continue
        if kind == "injured" and injured is None and value.is_integer():
            injured = int(value)
            continue
        unit = _unit(text, end)
        if token.endswith("%"):
            unit = "percent"
        if unit is not None:
            quantities.append((value, unit))
    return quantities, killed, injured
