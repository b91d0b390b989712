"""When two reports are one event: the four tests, each answering why in words.

`judge` runs the tests once: None when the reports conflict, else a `Verdict` with what
each test found and a strength that orders the candidate pairs, so the surest joins are made
first. `explain` words that same verdict as the `Join` a reader checks against the two
events (one name for "why these two joined", from the API's schema to here). Every test
reads verified, resolved fields only (the type, the date range the resolver computed, the
place the gazetteer resolved, the actors' names), so the same two events always give the
same answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Literal

from schemas import Event, EventType, Location
from schemas.merged import Join
from service.merge.facts import Facts, Level, facts, within

FAMILY: dict[EventType, EventType] = {
    EventType.INFRASTRUCTURE_DAMAGE: EventType.ATTACK,
    EventType.ACCUSATION: EventType.STATEMENT,
}
"""Types an outlet may give the same happening, each mapped to the type that heads its
family: a strike that damaged a substation is an attack to one outlet and infrastructure
damage to another; a minister's "they are lying" is a statement or an accusation. Every other
type is a family of its own. Interceptions stay apart: the strike and the drones downed are
two events in one article, and merging across them would merge within it. The blocking
(cluster.py) compares reports within a family; the type test passes within one."""
SAME_PLACE_KM = 25.0
"""Two city-level places this close are one place ("Odesa" and "Odessa", a suburb)."""
SUB_REGION_KM = 60.0
"""A town this close to the centre of a district (an admin2: "Soum province") is taken to be
in it; an admin2 is rarely wider. (A place knows its admin1, not its admin2.)"""
SIMILAR_WORDS = 3
"""Reports with no place and no named initiator in common still join when their summaries
(and the things they count) share this many distinctive word stems."""

PlaceRule = Literal["none", "one", "context", "name", "country", "same", "region", "within"]
"""Which place rule let two reports join: neither or one names a place, a stand-in from the
article (`context`), the same unresolved name, the same country, the same place or region,
or one place within the other."""
_Found = tuple[int, int] | frozenset[str] | None
"""What made the actors test pass: the two initiators that match, the shared stems, or None."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """Two reports that pass the four tests: how surely they are one event, and what each
    test found. `explain` words exactly this, so a join's reasons are the ones that made it."""

    strength: int
    type: str  # the type test's reason
    overlap: tuple[date, date]
    place: PlaceRule
    actors: _Found


def family(kind: EventType) -> EventType:
    return FAMILY.get(kind, kind)


def type_reason(a: EventType, b: EventType) -> str | None:
    if a == b:
        return "same type"
    if family(a) == family(b):
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


_FINER = {Level.CITY: 0, Level.SUBREGION: 1, Level.REGION: 2}


def _nested(a: Facts, b: Facts) -> tuple[Facts, Facts]:
    """The smaller place and the larger one."""
    return (a, b) if _FINER[a.level] < _FINER[b.level] else (b, a)


def _place(a: Facts, b: Facts) -> tuple[int, PlaceRule] | None:
    """The place test: its strength (3 same place, 2 containment, 1 country or name only,
    0 a report names no place) and which rule held; None when the places differ."""
    if not a.level or not b.level:
        return (0, "none") if a.level == b.level else (0, "one")
    levels = (a.level, b.level)
    if Level.CONTEXT in levels:
        if Level.UNRESOLVED in levels:
            return 0, "one"
        if a.country != b.country or (a.admin1 and b.admin1 and a.admin1 != b.admin1):
            return None
        return 1, "context"
    if Level.UNRESOLVED in levels:
        return (1, "name") if within(a.name, b.name) or within(b.name, a.name) else None
    if a.country != b.country:
        return None
    if Level.COUNTRY in levels:
        return 1, "country"
    if a.level == b.level == Level.CITY:
        return (3, "same") if _km(a, b) <= SAME_PLACE_KM else None
    if a.admin1 != b.admin1:
        return None
    if a.level == b.level == Level.REGION:
        return 3, "region"
    if a.level == b.level:  # two districts
        same = within(a.name, b.name) or within(b.name, a.name) or _km(a, b) <= SAME_PLACE_KM
        return (3, "same") if same else None
    small, large = _nested(a, b)
    if large.level is Level.REGION:
        return 2, "within"
    near = within(small.name, large.name) or _km(small, large) <= SUB_REGION_KM
    return (2, "within") if near else None


_SAID = frozenset(
    {EventType.STATEMENT, EventType.ACCUSATION, EventType.DIPLOMACY, EventType.AGREEMENT,
     EventType.POLICY}
)  # fmt: skip


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


def judge(a: Facts, b: Facts) -> Verdict | None:
    """Whether two events of different articles are one happening, how surely, and why;
    None: they are not."""
    kind = type_reason(a.event.type, b.event.type)
    if kind is None:
        return None
    span = _overlap(a.span, b.span)
    if span is None:
        return None
    where = _place(a, b)
    if where is None:
        return None
    who = _actors(a, b, placed=where[0] > 0)
    if who is None:
        return None
    same = a.event.type == b.event.type
    return Verdict(where[0] * 4 + who[0] * 2 + same, kind, span, where[1], who[1])


def explain(a: Facts, b: Facts, verdict: Verdict, between: tuple[int, int]) -> Join:
    """The verdict on `a` and `b` in words, as the `Join` of the two reports at `between`."""
    return Join.model_construct(  # its parts are plain strings and two indices
        a=between[0],
        b=between[1],
        type=verdict.type,
        date=_date_words(a, b, verdict.overlap),
        place=_place_words(a, b, verdict.place),
        actors=_actor_words(a, b, verdict.actors),
    )


def _date_words(a: Facts, b: Facts, overlap: tuple[date, date]) -> str:
    start, end = overlap
    text = f"overlap {start.isoformat()}" + ("" if start == end else f"..{end.isoformat()}")
    if a.undated or b.undated:
        text += " (an undated report stands for the week before its publication)"
    return text


def _place_words(a: Facts, b: Facts, rule: PlaceRule) -> str:
    pa, pb = a.event.location, b.event.location
    if rule == "context":
        inside = a if a.context else b
        other = b if inside is a else a
        return (
            f"one report names no place; its article's other events are in "
            f"{inside.context and inside.context.name}"
            + ("" if other.context is None else f", the other's in {other.context.name}")
        )
    if rule == "within":  # the smaller place is in the larger one
        small, large = _nested(a, b)
        inner, outer = small.event.location, large.event.location
        where_in = outer and (outer.admin1 if large.level is Level.REGION else outer.name)
        return f"{inner and inner.name} is in {where_in}"
    return {
        "none": "neither report names a place",
        "one": "one report names no place",
        "name": f"same name ({pa and pa.name} ~ {pb and pb.name})",
        "country": f"same country ({a.country})",
        "same": f"same place ({pa and pa.name} ~ {pb and pb.name})",
        "region": f"same region ({pa and pa.admin1})",
    }[rule]


def _actor_words(a: Facts, b: Facts, found: _Found) -> str:
    if found is None:
        return "no named initiator to compare"
    if isinstance(found, tuple):
        i, j = found
        return f"same initiator ({a.initiators[i]} ~ {b.initiators[j]})"
    # the stems the two summaries share
    return f"no named initiator to compare; similar wording ({', '.join(sorted(found))})"


def compare(
    a: Event,
    b: Event,
    published: tuple[date | None, date | None] = (None, None),
    context: tuple[Location | None, Location | None] = (None, None),
) -> Join | None:
    """Whether two events of different articles can be the same happening, and why: the
    `Join` of report 0 (`a`) and report 1 (`b`), or None."""
    fa, fb = facts(a, published[0], context[0]), facts(b, published[1], context[1])
    verdict = judge(fa, fb)
    return None if verdict is None else explain(fa, fb, verdict, (0, 1))
