"""Pair predicted events with gold events, one to one.

The rule (also in seeds/EVAL.md):
- **strict match**: same type (or one the gold lists in `also_ok`), same place (names equal
  after normalisation, or one contains the other; a gold event without a place accepts any),
  same resolved date (the predicted range contains the gold start day; a gold event without
  a date accepts any), and the same initiator (an actor with role `initiator` whose name
  shares a distinctive word with the gold initiator; a gold event without one accepts any).
- **relaxed match**: same type and evidence that overlaps the gold evidence in the article.
  Relaxed pairs are what quantity and attribution accuracy are measured on, so those
  numbers say "when the model found the event, did it get the details right".
- **overlapping**: evidence that overlaps, whatever the type. Type, initiator, location and
  date accuracy are measured on these pairs, so a wrong type shows as a wrong type rather
  than as a missed event.
Pairs are chosen greedily in gold order, each predicted event used at most once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from schemas import Event
from service.evaluation.gold import GoldEvent
from service.grounding.text import locate, normalise

_WORD = re.compile(r"\w+")
_WEAK = frozenset({"the", "of", "and", "s", "minister", "ministry", "gov", "president"})


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(normalise(text)) if len(w) > 2 and w not in _WEAK}


def names_match(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    na, nb = normalise(a), normalise(b)
    return na in nb or nb in na or bool(_words(a) & _words(b))


def place_ok(gold: GoldEvent, event: Event) -> bool:
    return gold.location is None or names_match(
        gold.location, event.location.name if event.location else None
    )


def date_ok(gold: GoldEvent, event: Event) -> bool:
    if gold.date is None:
        return True
    start, end = event.date.start, event.date.end or event.date.start
    return start is not None and end is not None and start <= gold.date <= end


def initiator_ok(gold: GoldEvent, event: Event) -> bool:
    if gold.initiator is None:
        return True
    return any(a.role == "initiator" and names_match(gold.initiator, a.name) for a in event.actors)


def strict(gold: GoldEvent, event: Event, _: str) -> bool:
    return (
        gold.accepts(event.type)
        and place_ok(gold, event)
        and date_ok(gold, event)
        and initiator_ok(gold, event)
    )


def relaxed(gold: GoldEvent, event: Event, text: str) -> bool:
    return gold.accepts(event.type) and overlapping(gold, event, text)


def overlapping(gold: GoldEvent, event: Event, text: str) -> bool:
    """The event cites text the gold cites: the same happening found, whatever its slots
    say. The pairs slot accuracy (type, initiator, place, date) is measured on."""
    gold_spans = [found for frag in gold.evidence if (found := locate(frag, text))]
    return any(
        s.start < g_end and g_start < s.end for s in event.evidence for g_start, g_end in gold_spans
    )


@dataclass(frozen=True, slots=True)
class Pair:
    gold: GoldEvent
    event: Event


def match(
    gold: list[GoldEvent],
    events: list[Event],
    text: str,
    rule: Callable[[GoldEvent, Event, str], bool] = strict,
) -> list[Pair]:
    used: set[int] = set()
    pairs: list[Pair] = []
    for g in gold:
        for i, event in enumerate(events):
            if i not in used and rule(g, event, text):
                used.add(i)
                pairs.append(Pair(g, event))
                break
    return pairs
