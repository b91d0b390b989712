"""The job page's merged events ("Events across articles"), as the server renders them: the
three-article Odesa job of tests/support/odesa.py, run by an in-process worker with the
scripted LLM, read back from `GET /jobs/{id}` as an element tree (tests/support/html.py).

tests/api/test_job_events.py checks the merge itself through the JSON; here, that the page
says the same thing: each event once, its disagreements flagged with each outlet's figure,
its reports linked to their briefing pages, and untrusted outlet names and URLs kept as text.
"""

from __future__ import annotations

from typing import Any

from schemas.merged import JobEvents, MergedEvent
from service.settings import Settings
from service.web.views import date_range
from tests.support.html import Node, parse
from tests.support.jobs import finished, in_process_worker, job_when
from tests.support.odesa import CASES, merged_job, submit, with_source
from tests.support.scripted_llm import ScriptedLLM

SCRIPT = "<script>alert(1)</script>"


async def job_page(client: Any, job_id: str) -> tuple[str, Node]:
    answer = await client.get(f"/jobs/{job_id}")
    assert answer.status_code == 200, answer.text
    return answer.text, parse(answer.text)


def cards(page: Node) -> dict[str, Node]:
    """The merged events' cards by event id (m1, m2, …), in page order."""
    return {n.attrs["data-event"]: n for n in page.all("li", "merged-event")}


def figures(card: Node) -> dict[str, tuple[str, list[str]]]:
    """A card's figures table: what → (the range shown, ["outlet: value", …] in report order)."""
    rows = {}
    for row in card.one("table", "figures").one("tbody").all("tr"):
        what, shown, by_outlet = row.all("th")[0], *row.all("td")
        rows[what.text()] = (shown.text(), [li.text() for li in by_outlet.all("li")])
    return rows


def the(merged: JobEvents, kind: str, articles: int) -> MergedEvent:
    (found,) = [m for m in merged.events if m.type == kind and m.num_articles == articles]
    return found


async def test_the_job_page_shows_each_event_once_with_its_reports(
    client: Any, settings: Settings, llm: ScriptedLLM
) -> None:
    job_id, merged = await merged_job(client, settings, llm)
    html, page = await job_page(client, job_id)
    section = page.one("section", "merged")
    assert section.all("h2")[0].text() == "Events across articles"
    assert section.one("p", "merged-note").text() == (
        "6 reports from 3 of 3 articles, merged into 3 events."
    )
    shown = cards(page)
    # one card per merged event, by resolved date; undated (none here) would come last
    by_date = sorted(merged.events, key=lambda m: (date_range(m), int(m.id[1:])))
    assert list(shown) == [m.id for m in by_date]

    strike = the(merged, "attack", 3)
    card = shown[strike.id]
    assert card.attrs["id"] == f"merged-{strike.id}"
    assert card.one("span", "badge").text() == "3 articles · 3 outlets"
    assert card.one("span", "type").text() == "attack"
    assert card.one("span", "where").text() == "Odesa, Odesa Oblast, Ukraine (city)"
    assert "(day precision)" in card.one("span", "when").text()
    assert [f.text() for f in card.all("li", "flag")] == [
        "killed: 3–5",
        "attribution disputed in 1 of 3 (Oleh Kiper)",
    ]
    table = figures(card)
    assert table["killed"] == (
        "3–5",
        ["Northern Wire: 3", "Black Sea Courier: 5", "Continental Daily: 3"],
    )
    assert table["injured"] == ("8", ["Northern Wire: 8"])  # one report: no flag
    assert table["according to Oleh Kiper"] == (
        "disputed in 1 of 3",
        ["Northern Wire: not disputed", "Black Sea Courier: disputed", "Continental Daily: "
         "not disputed"],
    )  # fmt: skip
    flagged = [row.all("th")[0].text() for row in card.all("tr", "conflicting")]
    assert flagged == ["killed", "according to Oleh Kiper"]
    # the joins, in the same <details> as the figures
    details = card.one("details", "merged-details")
    joins = [li.text() for li in details.one("ul", "joins").all("li")]
    assert len(joins) == 2 and any("is in Odesa" in j for j in joins), joins
    assert all("type: " in j and "date: overlap" in j for j in joins)

    # each report: outlet, date, its briefing page at the event's evidence, the article's URL
    members = card.all("li", "member")
    assert [m.one("span", "outlet").text() for m in members] == [
        "Northern Wire",
        "Black Sea Courier",
        "Continental Daily",
    ]
    assert [m.one("span", "published").text() for m in members] == [
        "2025-11-09",
        "2025-11-09",
        "2025-11-10",
    ]
    links = [m.one("a", "member-link").attrs["href"] for m in members]
    assert links == [f"/briefings/{m.briefing_id}#at-{m.event_id}" for m in strike.members]
    for member, href in zip(strike.members, links, strict=True):
        briefing = parse((await client.get(href.split("#")[0])).text)
        assert briefing.by_id(f"at-{member.event_id}") is not None  # the fragment lands
    originals = [m.one("a", "source-link").attrs for m in members]
    sites = ("wire", "courier", "daily")
    assert [a["href"] for a in originals] == [f"https://{n}.test/a" for n in sites]
    assert {a["rel"] for a in originals} == {"noopener noreferrer"}

    downed = shown[the(merged, "interception", 2).id]
    assert downed.one("span", "badge").text() == "2 articles · 2 outlets"
    assert [f.text() for f in downed.all("li", "flag")] == ["drones: 44–45"]
    assert figures(downed)["drones"] == ("44–45", ["Northern Wire: 44", "Continental Daily: 45"])
    assert downed.one("span", "where").text() == "no place"

    alone = shown[the(merged, "attack", 1).id]
    assert alone.one("span", "badge").text() == "1 article · 1 outlet"
    assert alone.all("li", "flag") == [] and alone.all("ul", "joins") == []
    assert "One report: nothing was merged." in alone.one("details").text()

    # one timeline row and one marker per merged event (not per report), each to its card
    rows = page.all("a", "timeline-row")
    assert sorted(r.attrs["data-select"] for r in rows) == sorted(m.id for m in merged.events)
    markers = page.all("a", "marker")
    located = [m.id for m in merged.events if m.location and m.location.latitude is not None]
    assert sorted(m.attrs["data-event"] for m in markers) == sorted(located)
    assert len(located) == 2  # Odesa, Kharkiv: the downed drones have no place
    for link in (*rows, *markers):
        assert page.by_id(link.attrs["href"].removeprefix("#")) is not None

    # the downloads: the same merged events as JSON and CSV
    assert section.one("a", "merged-json").attrs["href"] == f"/v1/jobs/{job_id}/events"
    assert section.one("a", "merged-csv").attrs["href"] == f"/v1/jobs/{job_id}/events.csv"
    assert (
        JobEvents.model_validate((await client.get(f"/v1/jobs/{job_id}/events")).json()) == merged
    )
    exported = await client.get(f"/v1/jobs/{job_id}/events.csv")
    assert exported.status_code == 200 and exported.text.count("\n") == 1 + len(merged.events)
    assert "Partial" not in html and 'http-equiv="refresh"' not in html


async def test_a_running_job_shows_the_events_merged_so_far(
    client: Any, settings: Settings, llm: ScriptedLLM
) -> None:
    job_id = await submit(client, llm, CASES, daily=3.0)  # the third article held back
    html, page = await job_page(client, job_id)
    assert '<meta http-equiv="refresh" content="2">' in html
    note = page.one("p", "merged-note").text()
    assert note == (
        "Partial: the job is still running. "
        "No events so far: no article of this job has a briefing so far."
    )
    assert cards(page) == {} and page.all("a", "marker") == []
    assert page.one("a", "merged-csv").attrs["href"] == f"/v1/jobs/{job_id}/events.csv"

    async with in_process_worker(settings):
        await job_when(client, job_id, lambda job: job["counts"]["done"] == 2)
        html, page = await job_page(client, job_id)
        assert '<meta http-equiv="refresh" content="2">' in html
        note = page.one("p", "merged-note").text()
        assert note.startswith(
            "Partial: the job is still running. 4 reports from 2 of 3 articles so far, merged"
        )
        strike = next(c for c in cards(page).values() if c.all("li", "flag"))
        assert strike.one("span", "badge").text() == "2 articles · 2 outlets"
        assert "killed: 3–5" in [f.text() for f in strike.all("li", "flag")]
        await finished(client, job_id)
    html, page = await job_page(client, job_id)
    assert "Partial" not in html
    badges = sorted(c.one("span", "badge").text() for c in cards(page).values())
    assert badges == ["1 article · 1 outlet", "2 articles · 2 outlets", "3 articles · 3 outlets"]


async def test_a_job_without_events_says_so(
    client: Any, settings: Settings, llm: ScriptedLLM
) -> None:
    quiet = [CASES[0].model_copy(update={"gold": CASES[0].gold.model_copy(update={"events": []})})]
    job_id, merged = await merged_job(client, settings, llm, quiet)
    assert merged.events == [] and merged.briefed == 1
    _, page = await job_page(client, job_id)
    note = page.one("p", "merged-note").text()
    assert note == "No events: none in the 1 briefed article."
    assert cards(page) == {}
    assert page.all("a", "marker") == [] and page.all("a", "timeline-row") == []
    assert page.one("a", "merged-json").attrs["href"] == f"/v1/jobs/{job_id}/events"


async def test_outlet_names_and_urls_are_text_never_markup(
    client: Any, settings: Settings, llm: ScriptedLLM
) -> None:
    wire_url = 'https://wire.test/a?q="><img src=x onerror=alert(2)>'
    hostile = [
        with_source(CASES[0], "Northern Wire", wire_url),
        with_source(CASES[1], f"Courier {SCRIPT}", "javascript:alert(3)"),
        CASES[2],
    ]
    job_id, merged = await merged_job(client, settings, llm, hostile)
    html, page = await job_page(client, job_id)
    assert SCRIPT not in html and "<img" not in html
    assert "Courier &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert [n.attrs.get("src") for n in page.all("script")] == ["/static/docs/pages/pages.js"]
    assert page.all("img") == []

    strike = cards(page)[the(merged, "attack", 3).id]
    members = strike.all("li", "member")
    assert members[1].one("span", "outlet").text() == f"Courier {SCRIPT}"  # shown as written
    assert figures(strike)["killed"][1][1] == f"Courier {SCRIPT}: 5"
    # an http(s) URL is a link, its quotes escaped in the attribute; anything else is text
    assert members[0].one("a", "source-link").attrs["href"] == wire_url
    assert members[1].all("a", "source-link") == []
    assert members[1].one("span", "source-url").text() == "javascript:alert(3)"
    assert not [a for a in page.all("a") if a.attrs.get("href", "").startswith("javascript:")]
