"""When two reports are one event: the four tests, each answering why in words.

A test returns its reason (a short text a reader checks against the two events) or None
when the reports conflict. Two reports merge only when all four pass; `strength` orders the
candidate pairs so the surest joins are made first. Every test reads verified, resolved
fields only (the type, the date range the resolver computed, the place the gazetteer
resolved, the actors' names), so the same two events always give the same answer.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from schemas import ActorRole, Event, EventType
from service.geo._gazetteer import fold as _fold_uncached

fold = lru_cache(maxsize=65_536)(_fold_uncached)
"""Names repeat across a job's reports (places, actors): fold each once."""

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
_WORD = re.compile(r"\w+")
_WEAK = frozenset({"the", "of", "and", "forces", "force", "army", "government", "officials"})
_STEM = 5  # "russia"/"russian", "ukraine"/"ukrainian": a shared 5-letter stem is one name
_UNRESOLVED = "unknown"


@dataclass(frozen=True, slots=True)
class Test:
    """The outcome of comparing two reports: each part's reason and how sure the join is."""

    type: str
    date: str
    place: str
    actors: str
    strength: int


@dataclass(frozen=True, slots=True)
class Facts:
    """What the tests read of one event, computed once: a merge compares each event with
    many others, and folding names on every comparison was most of its cost."""

    event: Event
    span: tuple[date, date] | None
    level: str  # city, region, country, unknown (not resolved), or "" (no place)
    country: str | None
    admin1: str
    name: str  # folded
    lat: float
    lon: float
    initiators: tuple[str, ...]
    folded: tuple[str, ...]  # the initiators folded
    stems: tuple[frozenset[str], ...]  # and their words' stems


def facts(event: Event) -> Facts:
    place = event.location
    names = tuple(a.name for a in event.actors if a.role is ActorRole.INITIATOR)
    folded = tuple(fold(n) for n in names)
    start = event.date.start
    return Facts(
        event=event,
        span=None if start is None else (start, event.date.end or start),
        level=_level(place.country_code, place.precision, place.latitude, place.admin1)
        if place
        else "",
        country=place.country_code if place else None,
        admin1=fold(place.admin1 or "") if place else "",
        name=fold(place.name) if place else "",
        lat=math.radians(place.latitude) if place and place.latitude is not None else 0.0,
        lon=math.radians(place.longitude) if place and place.longitude is not None else 0.0,
        initiators=names,
        folded=folded,
        stems=tuple(
            frozenset(w[:_STEM] for w in _WORD.findall(f) if len(w) > 2 and w not in _WEAK)
            for f in folded
        ),
    )


def _level(country: str | None, precision: str, latitude: float | None, admin1: str | None) -> str:
    """city (a point: a town or a facility), region, country, or unknown (not resolved)."""
    if country is None:
        return _UNRESOLVED
    if precision in ("city", "facility") and latitude is not None:
        return "city"
    if admin1 is not None and precision != "country":
        return "region"
    return "country"


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
        + math.cos(a.lat) * math.cos(b.lat) * math.sin((b.lon - a.lon) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _within(short: str, long: str) -> bool:
    return short == long or (bool(short) and f" {short} " in f" {long} ")


def _place(a: Facts, b: Facts) -> tuple[int, str] | None:
    """The place test: its strength (3 same place, 2 containment, 1 country or name only,
    0 a report names no place) and which rule held; None when the places differ."""
    if not a.level or not b.level:
        return (0, "none") if a.level == b.level else (0, "one")
    if _UNRESOLVED in (a.level, b.level):
        return (1, "name") if _within(a.name, b.name) or _within(b.name, a.name) else None
    if a.country != b.country:
        return None
    if "country" in (a.level, b.level):
        return 1, "country"
    if a.level == b.level == "city":
        return (3, "same") if _km(a, b) <= SAME_PLACE_KM else None
    if a.admin1 != b.admin1:
        return None
    return (3, "region") if a.level == b.level else (2, "within")


def _actors(a: Facts, b: Facts, placed: bool) -> tuple[int, tuple[int, int] | None] | None:
    """Initiators agree when two of them share a name or a word stem ("Russia" ~ "Russian
    forces"); when one report names none there is nothing to conflict, but then both must
    name a place (`placed`): a placeless statement needs its speaker to match."""
    if not a.folded or not b.folded:
        return (0, None) if placed else None
    for i, x in enumerate(a.folded):
        for j, y in enumerate(b.folded):
            if _within(x, y) or _within(y, x) or a.stems[i] & b.stems[j]:
                return 1, (i, j)
    return None


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
    if place is None:  # containment: the city is in the region the other names
        city, region = (pa, pb) if a.level == "city" else (pb, pa)
        place = f"{city and city.name} is in {region and region.admin1}"
    start, end = span
    date_text = f"overlap {start.isoformat()}" + ("" if start == end else f"..{end.isoformat()}")
    pair = who[1]
    actors = (
        "one report names no initiator"
        if pair is None
        else f"same initiator ({a.initiators[pair[0]]} ~ {b.initiators[pair[1]]})"
    )
    return Test(kind, date_text, place, actors, score)


def compare(a: Event, b: Event) -> Test | None:
    """Whether two events of different articles can be the same happening, and why."""
    fa, fb = facts(a), facts(b)
    return None if strength(fa, fb) is None else explain(fa, fb)
