"""What the job page shows of a job's merged events (service/merge/): one card per event.

The merge keeps every report's figure beside its outlet and flags where reports disagree
(`MergedEvent.conflicting`); this module turns that into text a reader scans: the flags
("killed: 3–5"), each report's figure with its outlet, the reports with links to their
briefing pages, and the rule behind every join. The cards, the timeline and the map all draw
the merged events, so one happening is one row and one marker however many articles report
it. Plain data, as in views.py: the templates escape every string.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from schemas.merged import Agreement, JobEvents, Member, MergedEvent
from service.web.atlas import MapView, map_view
from service.web.openapi import briefing_page_url
from service.web.views import Dated, Timeline, date_range, date_text, located, place_text, timeline

SHOWN = 200
"""Merged events drawn on the page at most (the earliest by date); a big job's JSON and CSV
hold them all, and the page stays a page: every card, row and marker is markup."""


@dataclass(frozen=True, slots=True)
class Reported:
    """One report's say on a figure: who published it and what it gives."""

    outlet: str
    value: str


@dataclass(frozen=True, slots=True)
class Figures:
    """A figure as every report gives it; `flag` is set when the reports disagree."""

    what: str
    shown: str  # "3", or "3–5" when the reports differ
    flag: str | None
    reports: list[Reported]


@dataclass(frozen=True, slots=True)
class Report:
    """One member: an article's report of the event, and where to read it."""

    outlet: str
    published: str
    title: str
    event_id: str
    page: str  # the briefing page, at the event's first evidence span
    url: str | None  # the article's own URL, as the client sent it
    linkable: bool  # http(s): anything else (javascript:, data:) is shown, never linked
    type: str  # the type this report gave, shown where it is not the event's


@dataclass(frozen=True, slots=True)
class Card:
    id: str
    when: str
    type: str
    other_types: list[str]
    place: str
    summary: str
    badge: str
    flags: list[str]
    figures: list[Figures]
    reports: list[Report]
    joins: list[str]


@dataclass(frozen=True, slots=True)
class MergedSection:
    cards: list[Card]
    total: int
    note: str  # what the section covers, or plainly that there are no events
    partial: bool
    json_url: str
    csv_url: str
    timeline: Timeline
    map: MapView | None


def number(value: float) -> str:
    return f"{int(value):,}" if value.is_integer() else f"{value:,}"


def span(low: float, high: float) -> str:
    return number(low) if low == high else f"{number(low)}–{number(high)}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def outlet_of(member: Member) -> str:
    """The outlet as a reader knows it: the name sent, else the URL's host, else the article."""
    if member.source and member.source.strip():
        return member.source
    host = urlsplit(member.url).hostname if member.url else None
    return host.removeprefix("www.") if host else f"article #{member.article_index + 1}"


def published(when: dt.date | dt.datetime | None) -> str:
    if when is None:
        return "date unknown"
    if isinstance(when, dt.datetime):
        return when.strftime("%Y-%m-%d %H:%M")
    return when.isoformat()


def _linkable(url: str | None) -> bool:
    return url is not None and urlsplit(url.strip()).scheme.lower() in ("http", "https")


def _report(member: Member) -> Report:
    return Report(
        outlet=outlet_of(member),
        published=published(member.published_at),
        title=member.title or f"article #{member.article_index + 1}",
        event_id=member.event_id,
        page=f"{briefing_page_url(member.briefing_id)}#at-{member.event_id}",
        url=member.url,
        linkable=_linkable(member.url),
        type=member.type.value,
    )


def _figures(what: str, agreement: Agreement, outlets: dict[str, str]) -> Figures:
    shown = span(agreement.min, agreement.max)
    return Figures(
        what=what,
        shown=shown,
        flag=f"{what}: {shown}" if agreement.conflicting else None,
        reports=[
            Reported(
                f.source if f.source and f.source.strip() else outlets.get(f.briefing_id, "?"),
                number(f.value),
            )
            for f in agreement.reports
        ],
    )


def figures(event: MergedEvent) -> list[Figures]:
    """Every figure of the event (type, casualties, quantities, attributions), flagged in the
    order `conflicting` names them."""
    outlets = {m.briefing_id: outlet_of(m) for m in reversed(event.members)}  # first wins
    out = []
    if len(event.types) > 1:
        types = " / ".join(t.value for t in event.types)
        out.append(
            Figures(
                "type",
                types,
                f"type: {types}",
                [Reported(outlet_of(m), m.type.value) for m in event.members],
            )
        )
    casualties = event.casualties
    for what, agreement in (
        ("killed", casualties.killed if casualties else None),
        ("injured", casualties.injured if casualties else None),
    ):
        if agreement is not None:
            out.append(_figures(what, agreement, outlets))
    out += [_figures(q.unit, q, outlets) for q in event.quantities]
    for claim in event.attributions:
        disputed = set(claim.disputed_in)
        n, total = len(disputed & set(claim.reported_by)), len(claim.reported_by)
        out.append(
            Figures(
                what=f"according to {claim.source}",
                shown=f"disputed in {n} of {total}" if n else "undisputed",
                flag=f"attribution disputed in {n} of {total} ({claim.source})"
                if claim.conflicting
                else None,
                reports=[
                    Reported(outlets.get(b, "?"), "disputed" if b in disputed else "not disputed")
                    for b in claim.reported_by
                ],
            )
        )
    return out


def _join(event: MergedEvent, a: int, b: int, reasons: list[str]) -> str:
    def who(i: int) -> str:
        member = event.members[i]
        return f"{outlet_of(member)} (#{member.article_index + 1} {member.event_id})"

    return f"{who(a)} + {who(b)}: " + "; ".join(reasons)


def card(event: MergedEvent) -> Card:
    found = figures(event)
    place = ""
    if event.location is not None:
        place = f"{place_text(event)} ({event.location.precision})"
    return Card(
        id=event.id,
        when=date_text(event),
        type=event.type.value,
        other_types=[t.value for t in event.types if t != event.type],
        place=place,
        summary=event.summary,
        badge=f"{plural(event.num_articles, 'article')} · {plural(event.num_sources, 'outlet')}",
        flags=[f.flag for f in found if f.flag],
        figures=found,
        reports=[_report(m) for m in event.members],
        joins=[
            _join(
                event,
                j.a,
                j.b,
                [f"type: {j.type}", f"date: {j.date}", f"place: {j.place}", f"actors: {j.actors}"],
            )
            for j in event.joins
        ],
    )


def chronological(events: list[MergedEvent]) -> list[MergedEvent]:
    """By resolved date (first day, then last), undated last; ties in merge order (m1, m2)."""
    far = (dt.date.max, dt.date.max)
    return sorted(
        events,
        key=lambda m: (date_range(m) is None, date_range(m) or far, int(m.id[1:])),
    )


def _note(merged: JobEvents, partial: bool, shown: int) -> str:
    """One plain sentence on what the section covers, or that there is nothing to show."""
    so_far = " so far" if partial else ""
    if not merged.events:
        if merged.briefed == 0:
            said = f"No events{so_far}: no article of this job has a briefing{so_far}"
        else:
            said = f"No events{so_far}: none in the {plural(merged.briefed, 'briefed article')}"
    else:
        said = (
            f"{plural(merged.reports, 'report')} from {merged.briefed} of "
            f"{plural(merged.articles, 'article')}{so_far}, "
            f"merged into {plural(len(merged.events), 'event')}"
        )
    if shown < len(merged.events):
        said += f"; the earliest {shown} are shown here, all of them in the JSON and CSV"
    if merged.expired:
        said += f"; {plural(merged.expired, 'briefing')} expired and left out"
    return said + "."


def merged_section(merged: JobEvents, partial: bool, limit: int = SHOWN) -> MergedSection:
    """The section, and the timeline and map of the same events: each links to its card."""
    ordered = chronological(merged.events)[:limit]
    dated, places = [], []
    for m in ordered:
        href, label = f"#merged-{m.id}", f"{m.id} {m.type.value} ×{m.num_articles}"
        dated.append(Dated(m.id, href, label, m))
        if (place := located(m, m.id, href, label)) is not None:
            places.append(place)
    return MergedSection(
        cards=[card(m) for m in ordered],
        total=len(merged.events),
        note=_note(merged, partial, len(ordered)),
        partial=partial,
        json_url=merged.links.self,
        csv_url=merged.links.csv,
        timeline=timeline(dated),
        map=map_view(places),
    )
