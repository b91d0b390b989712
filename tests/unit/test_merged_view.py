"""The job page's merged-event cards (service/web/merged_view.py), from real merges of small
reports (tests/unit/test_merge.py's helpers): order, flags, outlets, links, the cap."""

from __future__ import annotations

from datetime import datetime

from schemas.merged import JobEvents, JobEventsLinks
from service.merge import Report, merge_events
from service.web.merged_view import card, chronological, merged_section
from tests.unit.test_merge import KHARKIV, event, report


def _job(reports: list[Report], briefed: int = 3, articles: int = 3) -> JobEvents:
    base = "/v1/jobs/" + "a" * 32
    return JobEvents(
        job_id="a" * 32,
        status="done",
        articles=articles,
        briefed=briefed,
        expired=0,
        reports=len(reports),
        events=merge_events(reports),
        links=JobEventsLinks(job=base, self=f"{base}/events", csv=f"{base}/events.csv"),
    )


def _three_happenings() -> JobEvents:
    """Reported in the opposite order of their dates, the first one reported undated."""
    return _job(
        [
            report(0, event("e1", "statement", day=None, place=None), day="2025-11-08"),
            report(1, event("e1", day="2025-11-10", place=KHARKIV), day="2025-11-09"),
            report(2, event("e1", "protest", day="2025-11-05"), day="2025-11-10"),
        ]
    )


def test_cards_are_by_the_events_date_and_undated_last() -> None:
    merged = _three_happenings()
    assert [m.id for m in merged.events] == ["m1", "m2", "m3"]  # merge order: first reported
    assert [m.id for m in chronological(merged.events)] == ["m3", "m2", "m1"]
    section = merged_section(merged, partial=False)
    assert [c.id for c in section.cards] == ["m3", "m2", "m1"]
    assert [c.when for c in section.cards] == [
        "2025-11-05 (day precision)",
        "2025-11-10 (day precision)",
        "date unknown",
    ]
    assert [r.item for r in section.timeline.rows] == ["m3", "m2"]
    assert section.timeline.undated == ["m1 statement ×1"]
    assert section.map is not None
    assert [(m.item, m.href) for m in section.map.markers] == [
        ("m3", "#merged-m3"),
        ("m2", "#merged-m2"),
    ]
    assert section.note == "3 reports from 3 of 3 articles, merged into 3 events."


def test_a_big_job_shows_the_earliest_and_says_where_the_rest_are() -> None:
    section = merged_section(_three_happenings(), partial=True, limit=2)
    assert [c.id for c in section.cards] == ["m3", "m2"] and section.total == 3
    assert section.note == (
        "3 reports from 3 of 3 articles so far, merged into 3 events; the earliest 2 are "
        "shown here, all of them in the JSON and CSV."
    )
    assert [r.item for r in section.timeline.rows] == ["m3", "m2"]


def test_disagreements_are_flagged_with_each_outlets_figure() -> None:
    reports = [
        report(
            0,
            event("e1", killed=3, quantities=[(44, "drones")], source="the governor"),
            day="2025-11-08",
        ),
        report(
            1,
            event(
                "e1",
                "infrastructure_damage",
                killed=5,
                source="the governor",
                quantities=[(45, "drone")],
                disputed=True,
            ),
            outlet="Courier",
            day="2025-11-09",
        ),
        Report(
            article=2,
            briefing_id="b2",
            event=event("e1", killed=3),
            source=None,
            published_at=datetime(2025, 11, 9, 14, 30),
            url="javascript:alert(1)",
        ),
        Report(article=3, briefing_id="b3", event=event("e1"), url="https://www.daily.test/x"),
    ]
    (merged,) = merge_events(reports)
    shown = card(merged)
    assert shown.badge == "4 articles · 4 outlets"
    assert shown.type == "attack" and shown.other_types == ["infrastructure_damage"]
    assert shown.place == "Odesa, Ukraine (city)"
    assert shown.flags == [
        "type: attack / infrastructure_damage",
        "killed: 3–5",
        "drones: 44–45",
        "attribution disputed in 1 of 2 (the governor)",
    ]
    killed = next(f for f in shown.figures if f.what == "killed")
    assert [(r.outlet, r.value) for r in killed.reports] == [
        ("Outlet 0", "3"),
        ("Courier", "5"),
        ("article #3", "3"),  # no outlet, no usable host: the article's number
    ]
    assert [(r.outlet, r.published, r.linkable) for r in shown.reports] == [
        ("Outlet 0", "2025-11-08", True),
        ("Courier", "2025-11-09", True),
        ("article #3", "2025-11-09 14:30", False),  # javascript: is shown, never linked
        ("daily.test", "date unknown", True),  # the URL's host stands in for the outlet
    ]
    assert [r.type for r in shown.reports][:2] == ["attack", "infrastructure_damage"]
    assert [r.page for r in shown.reports] == [f"/briefings/b{n}#at-e1" for n in range(4)]
    assert len(shown.joins) == 3
    assert all(j.count("; ") == 3 and "place: " in j for j in shown.joins)
    assert shown.joins[0].startswith("Outlet 0 (#1 e1) + ")  # outlet, article, event


def test_no_events_is_said_plainly() -> None:
    assert merged_section(_job([], briefed=0), partial=True).note == (
        "No events so far: no article of this job has a briefing so far."
    )
    empty = merged_section(_job([], briefed=2), partial=False)
    assert empty.note == "No events: none in the 2 briefed articles."
    assert empty.cards == [] and empty.map is None and empty.timeline.rows == []
