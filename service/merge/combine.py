"""One merged event from its reports: who reported it, and where the reports agree.

Nothing is averaged or voted away. Each report's figures are kept beside its outlet, with
the smallest and largest and a `conflicting` flag; the event's own date and place are the
most precise any report gives (they all overlap, or they would not have merged), its type
the one most reports give.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from schemas import Actor, Location
from schemas.merged import (
    Agreement,
    AttributionAgreement,
    CasualtyAgreement,
    Figure,
    Join,
    Member,
    MergedEvent,
    QuantityAgreement,
    SourcedSpan,
)
from service.merge.cluster import Report
from service.merge.facts import fold, within

_DATE_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, "unknown": 4}
_PLACE_RANK = {"city": 0, "facility": 0, "region": 1, "country": 2, "unknown": 3}


def _instant(when: date | datetime) -> datetime:
    if isinstance(when, datetime):
        return when if when.tzinfo else when.replace(tzinfo=UTC)
    return datetime(when.year, when.month, when.day, tzinfo=UTC)


def reported_at(report: Report) -> datetime:
    """A sortable publication time: a bare date is its midnight UTC; none sorts last."""
    when = report.published_at
    return datetime.max.replace(tzinfo=UTC) if when is None else _instant(when)


def outlet(report: Report) -> str:
    """Who published it, as a key: the outlet's name, else the URL's host, else the article."""
    if report.source and report.source.strip():
        return "source:" + fold(report.source)
    host = urlsplit(report.url).hostname if report.url else None
    if host:
        return "host:" + host.removeprefix("www.")
    return f"article:{report.article}"


def _unit(text: str) -> str:
    key = fold(text)
    return key[:-1] if key.endswith("s") and len(key) > 3 else key


def _figures(values: list[tuple[Report, float]]) -> dict[str, Any]:
    """The fields of an `Agreement` (built unvalidated: every value comes from verified events,
    and a 10,000-event merge builds thousands of these)."""
    numbers = [v for _, v in values]
    return {
        "reports": [
            Figure.model_construct(briefing_id=r.briefing_id, source=r.source, value=v)
            for r, v in values
        ],
        "min": min(numbers),
        "max": max(numbers),
        "conflicting": len(set(numbers)) > 1,
    }


def _agreement(values: list[tuple[Report, float]]) -> Agreement | None:
    return Agreement.model_construct(**_figures(values)) if values else None


def _quantities(reports: Sequence[Report]) -> list[QuantityAgreement]:
    """One entry per thing counted (by unit, singular or plural alike), in first-seen order.
    A report may give several figures for one unit (drones launched, drones downed): the
    entry conflicts when the reports' sets of figures differ, not merely when it has two."""
    by_unit: dict[str, list[tuple[Report, float]]] = {}
    names: dict[str, str] = {}
    for report in reports:
        for q in report.event.quantities:
            key = _unit(q.unit)
            names.setdefault(key, q.unit)
            by_unit.setdefault(key, []).append((report, q.value))
    out = []
    for key, values in by_unit.items():
        per_report: dict[str, set[float]] = {}
        for r, v in values:
            per_report.setdefault(r.briefing_id, set()).add(v)
        differ = len({frozenset(s) for s in per_report.values()}) > 1
        fields = _figures(values) | {"conflicting": differ}
        out.append(QuantityAgreement.model_construct(unit=names[key], **fields))
    return out


def _casualties(reports: Sequence[Report]) -> CasualtyAgreement | None:
    def figures(field: Callable[[Report], int | None]) -> Agreement | None:
        values = [(r, float(v)) for r in reports if (v := field(r)) is not None]
        return _agreement(values)

    killed = figures(lambda r: r.event.casualties.killed if r.event.casualties else None)
    injured = figures(lambda r: r.event.casualties.injured if r.event.casualties else None)
    return (
        None
        if killed is None and injured is None
        else CasualtyAgreement(killed=killed, injured=injured)
    )


def _attributions(reports: Sequence[Report]) -> list[AttributionAgreement]:
    groups: list[tuple[str, list[Report]]] = []
    for report in reports:
        claim = report.event.attributed_to
        if claim is None:
            continue
        key = fold(claim.source)
        for name, members in groups:  # "Oleh Kiper" and "governor Oleh Kiper" are one source
            if within(fold(name), key) or within(key, fold(name)):
                members.append(report)
                break
        else:
            groups.append((claim.source, [report]))
    out = []
    for name, members in groups:
        disputed = [r for r in members if r.event.attributed_to.disputed]  # type: ignore[union-attr]
        out.append(
            AttributionAgreement(
                source=name,
                reported_by=[r.briefing_id for r in members],
                disputed_in=[r.briefing_id for r in disputed],
                disputed_in_outlets=list(dict.fromkeys(r.source for r in disputed if r.source)),
                conflicting=0 < len(disputed) < len(members),
            )
        )
    return out


def _actors(reports: Sequence[Report]) -> list[Actor]:
    seen: set[tuple[str, str]] = set()
    out = []
    for report in reports:
        for actor in report.event.actors:
            key = (fold(actor.name), actor.role.value)
            if key not in seen:
                seen.add(key)
                out.append(actor)
    return out


def _place_rank(place: Location | None) -> int:
    if place is None:
        return 5
    return _PLACE_RANK[place.precision] if place.country_code else 4


def _conflicts(
    types: Sequence[object],
    quantities: list[QuantityAgreement],
    casualties: CasualtyAgreement | None,
    attributions: list[AttributionAgreement],
) -> list[str]:
    found = ["type"] if len(types) > 1 else []
    if casualties is not None:
        found += [
            name
            for name, figure in (("killed", casualties.killed), ("injured", casualties.injured))
            if figure is not None and figure.conflicting
        ]
    found += [f"quantity:{q.unit}" for q in quantities if q.conflicting]
    if any(a.conflicting for a in attributions):
        found.append("attribution")
    return found


def merged_event(number: int, ordered: Sequence[Report], joined: list[Join]) -> MergedEvent:
    """The merged event `m{number}` of `ordered` (earliest report first), made by `joined`."""
    first = ordered[0]
    counts = Counter(r.event.type for r in ordered)
    top = max(counts.values())
    main = next(r for r in ordered if counts[r.event.type] == top)
    dated = min(ordered, key=lambda r: _DATE_RANK[r.event.date.precision.value])
    placed = min(ordered, key=lambda r: _place_rank(r.event.location))
    known = [r.published_at for r in ordered if r.published_at is not None]
    quantities = _quantities(ordered)
    casualties = _casualties(ordered)
    attributions = _attributions(ordered)
    types = list(dict.fromkeys(r.event.type for r in ordered))
    return MergedEvent(
        id=f"m{number}",
        type=main.event.type,
        types=types,
        taxonomy=main.event.taxonomy,
        summary=first.event.summary,
        date=dated.event.date,
        location=placed.event.location,
        actors=_actors(ordered),
        num_articles=len({r.article for r in ordered}),
        num_sources=len({outlet(r) for r in ordered}),
        first_reported=min(known, key=_instant) if known else None,
        last_reported=max(known, key=_instant) if known else None,
        members=[_member(r) for r in ordered],
        joins=joined,
        evidence=[
            SourcedSpan.model_construct(briefing_id=r.briefing_id, event_id=r.event.id, **dict(s))
            for r in ordered
            for s in r.event.evidence
        ],
        quantities=quantities,
        casualties=casualties,
        attributions=attributions,
        conflicting=_conflicts(types, quantities, casualties, attributions),
    )


def joins(positions: dict[int, int], between_reports: Sequence[Join]) -> list[Join]:
    """The joins between reports as joins between member positions (`positions`: report ->
    member)."""
    return [
        join.model_copy(update={"a": positions[join.a], "b": positions[join.b]})
        for join in between_reports
    ]


def _member(report: Report) -> Member:
    return Member.model_construct(  # its values are validated already: 10,000 of these add up
        briefing_id=report.briefing_id,
        event_id=report.event.id,
        article_index=report.article,
        source=report.source,
        title=report.title,
        published_at=report.published_at,
        url=report.url,
        type=report.event.type,
    )
