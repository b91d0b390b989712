"""When two reports are one event: the four tests, each answering why in words.

A test returns its reason (a short text a reader checks against the two events) or None
when the reports conflict. Two reports merge only when all four pass; `strength` orders the
candidate pairs so the surest joins are made first. Every test reads verified, resolved
fields only (the type, the date range the resolver computed, the place the gazetteer
resolved, the actors' names), so the same two events always give the same answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from schemas import Event, EventType, Location
from service.merge.facts import CONTEXT, UNRESOLVED, Facts, facts, within

# Types an outlet may give the same happening: a strike that damaged a substation is an
# attack to one and infrastructure damage to another; a minister's "they are lying" is a
# statement or an accusation. Interceptions stay apart: the strike and the drones downed
# are two events in one article, and merging across them would merge within it.
_COMPATIBLE = (
    frozenset({EventType.ATTACK, EventType.INFRASTRUCTURE_DAMAGE}),
    frozenset({EventType.STATEMENT, EventType.ACCUSATION}),
)
SAME_PLACE_KM = 25.0
"""Two city-level places this close are one place ("Odesa" and "Odessa", a suburb)."""
SUB_REGION_KM = 60.0
"""A town this close to the centre of a district (an admin2: "Soum province") is taken to be
in it; an admin2 is rarely wider. (A place knows its admin1, not its admin2.)"""
SIMILAR_WORDS = 3
"""Reports with no place and no named initiator in common still join when their summaries
(and the things they count) share this many distinctive word stems."""


@dataclass(frozen=True, slots=True)
class Test:
    """The outcome of comparing two reports: each part's reason and how sure the join is."""

    type: str
    date: str
    place: str
    actors: str
    strength: int


def type_reason(a: EventType, b: EventType) -> str | None:
    if a == b:
        return "same type"
    if any(a in group and b in group for group in _COMPATIBLE):
        return f"compatible types ({a.value} ~ {b.value})"
    return None


def _overlap(a: tuple[date, date] | None, b: tuple[date, date] | None) -> tuple[date, date] | None:
    """Ranges must overlap; an undated report has nothing to compare and merges with none."""
    if a is None or b is None:
        return None
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return None if start > end else (start, end)


def _km(a: Facts, b: Facts) -> float:
    h = (
        math.sin((b.lat - a.lat) / 2) ** 2
        + a.coslat * b.coslat * math.sin((b.lon - a.lon) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


_FINER = {"city": 0, "subregion": 1, "region": 2}


def _place(a: Facts, b: Facts) -> tuple[int, str] | None:
    """The place test: its strength (3 same place, 2 containment, 1 country or name only,
    0 a report names no place) and which rule held; None when the places differ."""
    if not a.level or not b.level:
        return (0, "none") if a.level == b.level else (0, "one")
    if CONTEXT in (a.level, b.level):
        if UNRESOLVED in (a.level, b.level):
            return 0, "one"
        if a.country != b.country or (a.admin1 and b.admin1 and a.admin1 != b.admin1):
            return None
        return 1, CONTEXT
    if UNRESOLVED in (a.level, b.level):
        return (1, "name") if within(a.name, b.name) or within(b.name, a.name) else None
    if a.country != b.country:
        return None
    if "country" in (a.level, b.level):
        return 1, "country"
    if a.level == b.level == "city":
        return (3, "same") if _km(a, b) <= SAME_PLACE_KM else None
    if a.admin1 != b.admin1:
        return None
    if a.level == b.level == "region":
        return 3, "region"
    if a.level == b.level:  # two districts
        same = within(a.name, b.name) or within(b.name, a.name) or _km(a, b) <= SAME_PLACE_KM
        return (3, "same") if same else None
    small, large = (a, b) if _FINER[a.level] < _FINER[b.level] else (b, a)
    if large.level == "region":
        return 2, "within"
    near = within(small.name, large.name) or _km(small, large) <= SUB_REGION_KM
    return (2, "within") if near else None


_SAID = frozenset(
    {EventType.STATEMENT, EventType.ACCUSATION, EventType.DIPLOMACY, EventType.AGREEMENT,
     EventType.POLICY}
)  # fmt: skip
_Found = tuple[int, int] | frozenset[str] | None
"""What made the actors test pass: the two initiators that match, the shared stems, or None."""


def _actors(a: Facts, b: Facts, placed: bool) -> tuple[int, _Found] | None:
    """Named initiators agree when two of them share a name or a stem ("Russia" ~ "Russian
    forces") or a country code (service/grounding/actors.py); two that share none conflict.
    When a report names none, there is nothing to conflict, but a report without a place
    (`placed` false) must then say the same thing: `SIMILAR_WORDS` distinctive stems in common
    between the summaries.

    A country code makes two names one side only for what a government says or decides (a
    spokesman and his ministry); armed actors of one country are often the two sides of its
    war ("the Sudanese army", "the RSF"), so violence keeps to names."""
    said = a.event.type in _SAID and b.event.type in _SAID
    for i, x in enumerate(a.folded):
        for j, y in enumerate(b.folded):
            if within(x, y) or within(y, x) or a.stems[i] & b.stems[j]:
                return 1, (i, j)
            if said and a.countries[i] is not None and a.countries[i] == b.countries[j]:
                return 1, (i, j)  # "Taras Hlushko" (UA) ~ "Ukraine's foreign ministry"
    if a.folded and b.folded:
        return None
    if a.sides and b.sides and not a.sides & b.sides:
        return None  # "the army" and "gunmen"
    if placed:
        return 0, None
    shared = a.words & b.words
    return (0, shared) if len(shared) >= SIMILAR_WORDS else None


def strength(a: Facts, b: Facts) -> int | None:
    """How surely two events of different articles are one happening; None: they are not."""
    same = a.event.type == b.event.type
    if not (same or type_reason(a.event.type, b.event.type)):
        return None
    if a.span is None or b.span is None or a.span[0] > b.span[1] or b.span[0] > a.span[1]:
        return None
    where = _place(a, b)
    if where is None:
        return None
    who = _actors(a, b, placed=where[0] > 0)
    if who is None:
        return None
    return where[0] * 4 + who[0] * 2 + same


def explain(a: Facts, b: Facts) -> Test:
    """The reasons behind `strength(a, b)`, in words; only for a pair that passes."""
    kind = type_reason(a.event.type, b.event.type)
    span = _overlap(a.span, b.span)
    where = _place(a, b)
    score = strength(a, b)
    assert kind is not None and span is not None and where is not None and score is not None
    who = _actors(a, b, placed=where[0] > 0)
    assert who is not None
    pa, pb = a.event.location, b.event.location
    place = {
        "none": "neither report names a place",
        "one": "one report names no place",
        "name": f"same name ({pa and pa.name} ~ {pb and pb.name})",
        "country": f"same country ({a.country})",
        "same": f"same place ({pa and pa.name} ~ {pb and pb.name})",
        "region": f"same region ({pa and pa.admin1})",
    }.get(where[1])
    if where[1] == CONTEXT:
        inside = a if a.context else b
        other = b if inside is a else a
        place = (
            f"one report names no place; its article's other events are in "
            f"{inside.context and inside.context.name}"
            + ("" if other.context is None else f", the other's in {other.context.name}")
        )
    if place is None:  # containment: the smaller place is in the larger one
        small, large = (a, b) if _FINER[a.level] < _FINER[b.level] else (b, a)
        inner, outer = small.event.location, large.event.location
        where_in = outer and (outer.admin1 if large.level == "region" else outer.name)
        place = f"{inner and inner.name} is in {where_in}"
    start, end = span
    date_text = f"overlap {start.isoformat()}" + ("" if start == end else f"..{end.isoformat()}")
    if a.undated or b.undated:
        date_text += " (an undated report stands for the week before its publication)"
    found = who[1]
    if found is None:
        actors = "no named initiator to compare"
    elif isinstance(found, tuple):
        i, j = found
        actors = f"same initiator ({a.initiators[i]} ~ {b.initiators[j]})"
    else:  # the stems the two summaries share
        actors = f"no named initiator to compare; similar wording ({', '.join(sorted(found))})"
    return Test(kind, date_text, place, actors, score)


def compare(
    a: Event,
    b: Event,
    published: tuple[date | None, date | None] = (None, None),
    context: tuple[Location | None, Location | None] = (None, None),
) -> Test | None:
    """Whether two events of different articles can be the same happening, and why."""
    fa, fb = facts(a, published[0], context[0]), facts(b, published[1], context[1])
    return None if strength(fa, fb) is None else explain(fa, fb)
