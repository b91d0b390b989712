"""What the merge rules read of one event, computed once per report.

A merge compares each report with many others; folding names, stemming summaries and
ranking places once per report instead of once per comparison is most of what makes 10,000
events merge in seconds. Also here: where a report stands when it lacks something (an
undated report, a physical event without a place), so the rules see one shape.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache

from schemas import ActorRole, Event, EventType, Location
from service.geo.folding import fold as _fold_uncached
from service.merge._words import ARMED, GENERIC, REGION, STATE, STOP

fold = lru_cache(maxsize=65_536)(_fold_uncached)
"""Names repeat across a job's reports (places, actors): fold each once."""

_WORD = re.compile(r"\w+")
_WEAK = frozenset({"the", "of", "and", "s"}) | GENERIC
_QUIET = STOP | _WEAK
_REGION = REGION | _WEAK
_STEM = 5  # "russia"/"russian", "ukraine"/"ukrainian": a shared 5-letter stem is one name
UNDATED_DAYS = 7
"""An undated report stands for the week before its article's publication: news reports
what just happened. Without a publication date it has no range and merges with nothing."""


class Level(StrEnum):
    """How exactly a report is placed, which decides what its place can be compared with."""

    NONE = ""  # the report names no place (falsy, like the empty string it is)
    CITY = "city"  # a point: a town or a facility, with coordinates
    SUBREGION = "subregion"  # a district inside an admin1
    REGION = "region"  # the admin1 itself ("the Odesa region")
    COUNTRY = "country"
    UNRESOLVED = "unknown"  # named, but the gazetteer did not resolve it
    CONTEXT = "context"  # none of its own: its article's place stands in (`context_place`)


PHYSICAL = frozenset(
    {
        EventType.ATTACK,
        EventType.INTERCEPTION,
        EventType.INFRASTRUCTURE_DAMAGE,
        EventType.PROTEST,
        EventType.DISASTER,
    }
)
"""Events that happen somewhere: one without a place of its own is placed by its article
(`context_place`). A statement or a treaty can be made anywhere, so those are not."""


@dataclass(frozen=True, slots=True)
class Facts:
    """What the tests read of one event, computed once: a merge compares each event with
    many others, and folding names on every comparison was most of its cost."""

    event: Event
    span: tuple[date, date] | None
    level: Level
    country: str | None
    admin1: str  # the ISO 3166-2 code, else the folded name: the key two places share
    name: str  # folded
    lat: float  # radians
    lon: float
    coslat: float  # cos(lat), for the haversine
    initiators: tuple[str, ...]  # the named ones: a description ("gunmen") names no one
    folded: tuple[str, ...]  # the initiators folded
    countries: tuple[str | None, ...]  # each initiator's country code, where its name says
    stems: tuple[frozenset[str], ...]  # and their naming words' stems
    words: frozenset[str]  # the summary's and the units' distinctive stems
    undated: bool  # the span is the week before publication
    sides: frozenset[str]  # "state", "armed": what its unnamed initiators describe
    context: Location | None  # the article's place, standing in for a missing one


def _stems(text: str, skip: frozenset[str]) -> frozenset[str]:
    return frozenset(
        w[:_STEM]
        for w in _WORD.findall(fold(text))
        if len(w) > 2 and w not in skip and not w.isdigit()
    )


def _side(name: str) -> str | None:
    words = set(_WORD.findall(fold(name)))
    state, armed = bool(words & STATE), bool(words & ARMED)
    return None if state == armed else ("state" if state else "armed")


def context_place(events: list[Event]) -> Location | None:
    """Where an article's located events are, when they agree: their admin1 if they share
    one, else their country if they share that; None when they disagree or none is placed."""
    located = [e.location for e in events if e.location and e.location.country_code]
    if not located or len({p.country_code for p in located}) > 1:
        return None
    first = located[0]
    if first.admin1 and all(
        (p.admin1_code or p.admin1) == (first.admin1_code or first.admin1) for p in located
    ):
        return Location(
            name=first.admin1,
            admin1=first.admin1,
            admin1_code=first.admin1_code,
            admin1_local=first.admin1_local,
            country=first.country,
            country_code=first.country_code,
            precision="region",
        )
    name = first.country or first.country_code or ""
    return Location(
        name=name, country=first.country, country_code=first.country_code, precision="country"
    )


def facts(
    event: Event, published: date | datetime | None = None, context: Location | None = None
) -> Facts:
    own = event.location
    stand_in = own is None and context is not None and event.type in PHYSICAL
    place = context if stand_in else own
    named = [
        (a.name, _stems(a.name, _WEAK), a.country_code)
        for a in event.actors
        if a.role is ActorRole.INITIATOR
    ]
    named = [(name, stems, code) for name, stems, code in named if stems]
    start = event.date.start
    day = published.date() if isinstance(published, datetime) else published
    span = None if start is None else (start, event.date.end or start)
    if span is None and day is not None:
        span = (day - timedelta(days=UNDATED_DAYS - 1), day)
    units = " ".join(q.unit for q in event.quantities)
    return Facts(
        event=event,
        span=span,
        level=Level.CONTEXT if stand_in else _level(place),
        country=place.country_code if place else None,
        admin1=(place.admin1_code or fold(place.admin1 or "")) if place else "",
        name=fold(place.name) if place else "",
        lat=math.radians(place.latitude) if place and place.latitude is not None else 0.0,
        lon=math.radians(place.longitude) if place and place.longitude is not None else 0.0,
        coslat=math.cos(math.radians(place.latitude))
        if place and place.latitude is not None
        else 1.0,
        initiators=tuple(name for name, _, _ in named),
        folded=tuple(fold(name) for name, _, _ in named),
        stems=tuple(stems for _, stems, _ in named),
        countries=tuple(code for _, _, code in named),
        words=_stems(f"{event.summary} {units}", _QUIET),
        undated=start is None and span is not None,
        sides=frozenset(
            side
            for a in event.actors
            if a.role is ActorRole.INITIATOR and not _stems(a.name, _WEAK)
            for side in [_side(a.name)]
            if side
        ),
        context=context if stand_in else None,
    )


def _level(place: Location | None) -> Level:
    if place is None:
        return Level.NONE
    if place.country_code is None:
        return Level.UNRESOLVED
    if place.precision in ("city", "facility") and place.latitude is not None:
        return Level.CITY
    if place.admin1 is not None and place.precision != "country":
        # the admin1 itself ("the Odesa region" of Odesa Oblast), or a district inside it
        own = _stems(place.name, _REGION) & _stems(place.admin1, _REGION)
        return Level.REGION if own else Level.SUBREGION
    return Level.COUNTRY


def within(short: str, long: str) -> bool:
    """`short` is `long`, or whole words of it ("odesa" in "odesa oblast")."""
    return short == long or (bool(short) and f" {short} " in f" {long} ")
