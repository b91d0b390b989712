"""The analyst pages' data: evidence segments, the timeline's layout, the vendored atlas and
the map drawn from it. Pure functions; the rendered pages are tested in tests/api and
tests/system (test_pages.py)."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any

from schemas import DatePrecision, Event, EventDate, Span
from service.web import atlas
from service.web.views import Dated, Segment, segments, timeline

RECORDED = re.compile(r"countries-110m\.json`, unmodified, sha256[^`]*`([0-9a-f]{64})`")


def span(text: str, quote: str) -> Span:
    start = text.index(quote)
    return Span(quote=quote, start=start, end=start + len(quote))


def test_overlapping_spans_cut_the_text_into_marks_naming_each_item() -> None:
    text = "Alpha beta gamma delta epsilon."
    cut = segments(
        text,
        {"k1": [span(text, "beta gamma")], "e1": [span(text, "gamma delta"), span(text, "Alpha")]},
    )
    assert cut == [
        Segment("Alpha", ("e1",), ("e1.1",), ("e1",)),
        Segment(" "),
        Segment("beta ", ("k1",), ("k1.0",), ("k1",)),
        Segment("gamma", ("k1", "e1"), ("k1.0", "e1.0")),
        Segment(" delta", ("e1",), ("e1.0",)),
        Segment(" epsilon."),
    ]
    assert "".join(s.text for s in cut) == text


def test_a_span_not_at_its_offsets_is_left_unmarked() -> None:
    text = "Alpha beta."
    moved = Span(quote="beta", start=0, end=4)
    assert segments(text, {"e1": [moved]}) == [Segment(text)]


def _event(event_id: str, start: date | None, precision: DatePrecision, **dates: Any) -> Event:
    return Event.model_validate(
        {
            "id": event_id,
            "type": "attack",
            "taxonomy": {
                "acled_event_type": None,
                "acled_sub_event_type": None,
                "cameo_root": "19",
                "cameo_label": "Fight",
            },
            "summary": "Something happened.",
            "actors": [],
            "location": None,
            "date": EventDate(phrase=None, start=start, precision=precision, **dates),
            "quantities": [],
            "casualties": None,
            "attributed_to": None,
            "evidence": [{"quote": "x", "start": 0, "end": 1}],
        }
    )


def test_timeline_draws_a_day_as_a_point_and_a_week_or_month_as_its_range() -> None:
    events = [
        _event("e1", date(2025, 11, 9), DatePrecision.DAY),
        _event("e2", date(2025, 11, 3), DatePrecision.WEEK),
        _event("e3", date(2025, 10, 1), DatePrecision.MONTH),
        _event("e4", None, DatePrecision.UNKNOWN),
        _event("e5", date(2025, 11, 8), DatePrecision.DAY, end=date(2025, 11, 9)),
    ]
    drawn = timeline([Dated(e.id, f"#at-{e.id}", e.id, e) for e in events])
    # 1 Oct to the end of 9 Nov: 40 days over the plot's 420 units (160 to 580), 10.5 a day
    by_item = {row.item: (row.x, row.width, row.precision) for row in drawn.rows}
    assert by_item == {
        "e3": (160.0, 31 * 10.5, "month"),  # all of October
        "e2": (160.0 + 33 * 10.5, 7 * 10.5, "week"),  # 3-9 Nov
        "e5": (160.0 + 38 * 10.5, 2 * 10.5, "day"),  # overnight: two days
        "e1": (160.0 + 39.5 * 10.5, 0.0, "day"),  # a point in the middle of its day
    }
    assert [row.item for row in drawn.rows] == ["e3", "e2", "e5", "e1"]  # by date
    assert drawn.undated == ["e4"]
    assert drawn.ticks == [
        (160.0, "1 Oct 2025"),
        (244.0, "9 Oct"),
        (328.0, "17 Oct"),
        (412.0, "25 Oct"),
        (496.0, "2 Nov"),
    ]
    assert drawn.height == 26 + 22 * 4


def test_vendored_atlas_is_the_recorded_file() -> None:
    folder = atlas.ATLAS.parent
    digest = hashlib.sha256(atlas.ATLAS.read_bytes()).hexdigest()
    recorded = RECORDED.search((folder / "VENDORED.md").read_text(encoding="utf-8"))
    assert recorded, "VENDORED.md records no sha256 for countries-110m.json"
    assert digest == recorded[1], "countries-110m.json changed: refresh it as VENDORED.md says"
    licence = (folder / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("Copyright 2013-2019 Michael Bostock")
    assert "Permission to use, copy, modify, and/or distribute this software" in licence  # ISC


def test_topojson_decodes_to_every_country_in_the_right_place() -> None:
    countries = {c.name: c for c in atlas.countries()}
    assert len(countries) == 177
    x, y = atlas.project(51.67, 39.19)  # Voronezh
    left, top, right, bottom = countries["Russia"].box
    assert left <= x <= right and top <= y <= bottom
    left, top, right, bottom = countries["Ukraine"].box
    assert round(left - 180, 1) == 22.1  # its western border, in degrees east
    x, y = atlas.project(50.45, 30.52)  # Kyiv
    assert left <= x <= right and top <= y <= bottom
    assert countries["Ukraine"].path.startswith("M") and countries["Ukraine"].path.endswith("Z")


def test_map_has_one_marker_per_place_inside_its_view() -> None:
    places = [
        atlas.Place("e1", "#at-e1", 51.67, 39.19, "Voronezh"),
        atlas.Place("e2", "#at-e2", 50.60, 36.58, "Belgorod"),
        atlas.Place("e3", "#at-e3", 52.94, 33.26, "Bryansk"),
    ]
    drawn = atlas.map_view(places)
    assert drawn is not None
    assert [(m.item, m.title) for m in drawn.markers] == [(p.item, p.title) for p in places]
    left, top, width, height = map(float, drawn.view_box.split())
    assert width == 2 * height
    for marker in drawn.markers:
        assert left < marker.x < left + width and top < marker.y < top + height
    shown = {c.name for c in drawn.countries}
    assert {"Russia", "Ukraine", "Belarus"} <= shown and "Brazil" not in shown
    assert atlas.map_view([]) is None
