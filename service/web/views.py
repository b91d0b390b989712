"""What the analyst pages show, prepared in Python so the templates only lay it out.

The article text is cut at every evidence span's offsets into segments: plain text, or a
`<mark>` naming the items (e1, k2) and spans (e1.0) it belongs to; spans may overlap, so a
segment can belong to several. Each item's first span gets an anchor (`at-e1`) the item's
link points to, so the page works without script. Everything here is plain data: the
templates escape every string (autoescape), none of it is markup.
"""

from __future__ import annotations

import calendar
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from schemas import BriefingResponse, DatePrecision, Event, EventDate, Location, Quote, Span
from service.web.atlas import MapView, Place, map_view


class Happening(Protocol):
    """What the timeline and the map need of an event: one article's (`Event`) or one merged
    across articles (`MergedEvent`), so the job page can draw either."""

    @property
    def date(self) -> EventDate: ...

    @property
    def location(self) -> Location | None: ...


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    items: tuple[str, ...] = ()  # marked when not empty
    spans: tuple[str, ...] = ()
    anchors: tuple[str, ...] = ()  # items whose first span starts here


@dataclass(frozen=True, slots=True)
class Item:
    """A key point or an event, as listed: its id, words and the quotes it rests on."""

    id: str
    text: str
    quotes: list[str]
    details: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Row:
    """One event on a timeline: a point (a day) or a range (x to x + width), in SVG units."""

    item: str
    href: str
    label: str
    title: str
    x: float
    width: float  # 0: a point
    precision: str


@dataclass(frozen=True, slots=True)
class Timeline:
    rows: list[Row]
    ticks: list[tuple[float, str]]
    height: int
    undated: list[str]  # items without a resolved date
    width: int = 600
    label_x: float = 0.0  # where the row labels end


@dataclass(frozen=True, slots=True)
class Stored:
    """The article a briefing was made from, as the service stored it beside the briefing."""

    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published_at: str | None = None

    @classmethod
    def parse(cls, payload: bytes) -> Stored:
        raw = json.loads(payload)
        return cls(**{k: raw.get(k) for k in ("text", "title", "source", "url", "published_at")})


def segments(text: str, items: dict[str, Sequence[Span]]) -> list[Segment]:
    """`text` cut at every span boundary; spans whose quote is not at their offsets are left
    out (a stored briefing always matches, so this only guards against a wrong article)."""
    spans = [
        (span.start, span.end, item, f"{item}.{i}")
        for item, item_spans in items.items()
        for i, span in enumerate(item_spans)
        if text[span.start : span.end] == span.quote
    ]
    first = {
        item: min(start for start, _, owner, _ in spans if owner == item)
        for item in {owner for _, _, owner, _ in spans}
    }
    cuts = sorted({0, len(text), *(s for s, *_ in spans), *(e for _, e, *_ in spans)})
    out = []
    for a, b in itertools.pairwise(cuts):
        covering = [(item, key) for s, e, item, key in spans if s <= a and b <= e]
        out.append(
            Segment(
                text=text[a:b],
                items=tuple(dict.fromkeys(item for item, _ in covering)),
                spans=tuple(key for _, key in covering),
                anchors=tuple(sorted(item for item, start in first.items() if start == a)),
            )
        )
    return out


def place_text(event: Happening) -> str:
    where = event.location
    if where is None:
        return ""
    parts = [where.name, *(p for p in (where.admin1, where.country) if p and p != where.name)]
    return ", ".join(parts)


def date_range(event: Happening) -> tuple[date, date] | None:
    """The event's resolved days, first and last (inclusive); None when unresolved."""
    when = event.date
    if when.start is None:
        return None
    end = when.end
    if end is None:
        if when.precision == DatePrecision.WEEK:
            end = when.start + timedelta(days=6)
        elif when.precision == DatePrecision.MONTH:
            days = calendar.monthrange(when.start.year, when.start.month)[1]
            end = when.start.replace(day=days)
        elif when.precision == DatePrecision.YEAR:
            end = when.start.replace(month=12, day=31)
        else:
            end = when.start
    return when.start, max(end, when.start)


def date_text(event: Happening) -> str:
    span = date_range(event)
    if span is None:
        return "date unknown"
    start, end = span
    shown = start.isoformat() if start == end else f"{start.isoformat()} to {end.isoformat()}"
    return f"{shown} ({event.date.precision.value} precision)"


def event_item(event: Event) -> Item:
    details = [("type", event.type.value), ("when", date_text(event))]
    if event.date.phrase:
        details.append(("as written", event.date.phrase))
    if event.location is not None:
        details.append(("where", f"{place_text(event)} ({event.location.precision})"))
    if event.actors:
        details.append(("actors", "; ".join(f"{a.name} ({a.role.value})" for a in event.actors)))
    if event.attributed_to is not None:
        disputed = " (disputed)" if event.attributed_to.disputed else ""
        details.append(("according to", event.attributed_to.source + disputed))
    return Item(event.id, event.summary, [s.quote for s in event.evidence], details)


def quote_item(quote: Quote) -> Item:
    """A quote as listed: its words, its speaker, and the sentence naming the speaker when
    that is not the quote's own (its further evidence)."""
    return Item(
        quote.id, quote.text, [s.quote for s in quote.evidence[1:]], [("said by", quote.speaker)]
    )


# The timeline's drawing, in SVG user units: labels on the left, the days on the right.
WIDTH, PLOT_LEFT, PLOT_RIGHT, ROW_HEIGHT, AXIS_HEIGHT = 600, 160.0, 580.0, 22, 26


@dataclass(frozen=True, slots=True)
class Dated:
    """An event placed on a timeline, with its label and where its link leads."""

    item: str
    href: str
    label: str
    event: Happening


def timeline(events: Sequence[Dated]) -> Timeline:
    dated = [(d, span) for d in events if (span := date_range(d.event)) is not None]
    undated = [d.label for d in events if date_range(d.event) is None]
    if not dated:
        return Timeline([], [], 0, undated)
    dated.sort(key=lambda pair: (pair[1], pair[0].label))
    first = min(start for _, (start, _) in dated)
    last = max(end for _, (_, end) in dated) + timedelta(days=1)  # the end of the last day
    days = max((last - first).days, 3)
    scale = (PLOT_RIGHT - PLOT_LEFT) / days

    def x(day: date, fraction: float = 0.0) -> float:
        return round(PLOT_LEFT + ((day - first).days + fraction) * scale, 2)

    rows = []
    for d, (start, end) in dated:
        point = d.event.date.precision == DatePrecision.DAY and start == end
        rows.append(
            Row(
                item=d.item,
                href=d.href,
                label=d.label,
                title=f"{d.label}: {date_text(d.event)}",
                x=x(start, 0.5) if point else x(start),
                width=0.0 if point else round(x(end + timedelta(days=1)) - x(start), 2),
                precision=d.event.date.precision.value,
            )
        )
    step = max(1, -(-days // 5))  # at most about five ticks
    ticks = [
        (x(day), day.strftime("%-d %b %Y" if n == 0 or day.month == 1 else "%-d %b"))
        for n in range(0, days, step)
        if (day := first + timedelta(days=n))
    ]
    height = AXIS_HEIGHT + ROW_HEIGHT * len(rows)
    return Timeline(rows, ticks, height, undated, WIDTH, PLOT_LEFT - 8)


def located(event: Happening, item: str, href: str, label: str) -> Place | None:
    where = event.location
    if where is None or where.latitude is None or where.longitude is None:
        return None
    return Place(
        item=item,
        href=href,
        latitude=where.latitude,
        longitude=where.longitude,
        title=f"{label}: {place_text(event)} ({where.precision} precision)",
        label=where.name,
    )


@dataclass(frozen=True, slots=True)
class BriefingPage:
    briefing: BriefingResponse
    article: Stored | None
    key_points: list[Item]
    events: list[Item]
    segments: list[Segment]
    timeline: Timeline
    map: MapView | None
    quotes: list[Item] = field(default_factory=list)


def briefing_page(briefing: BriefingResponse, article: Stored | None) -> BriefingPage:
    points = briefing.briefing.key_points
    key_points = [
        Item(f"k{n}", point.text, [s.quote for s in point.evidence])
        for n, point in enumerate(points, 1)
    ]
    spans: dict[str, Sequence[Span]] = {f"k{n}": p.evidence for n, p in enumerate(points, 1)}
    spans |= {event.id: event.evidence for event in briefing.events}
    spans |= {quote.id: quote.evidence for quote in briefing.quotes}
    dated = [Dated(e.id, f"#at-{e.id}", f"{e.id} {e.type.value}", e) for e in briefing.events]
    places = [
        place
        for e in briefing.events
        if (place := located(e, e.id, f"#at-{e.id}", e.id)) is not None
    ]
    return BriefingPage(
        briefing=briefing,
        article=article,
        key_points=key_points,
        events=[event_item(event) for event in briefing.events],
        segments=segments(article.text, spans) if article else [],
        timeline=timeline(dated),
        map=map_view(places),
        quotes=[quote_item(quote) for quote in briefing.quotes],
    )
