"""The analyst pages in a real browser, offline: selecting items, the map, injected markup,
no JavaScript, and a job's page. Every request to a host other than this server fails the
test (tests/support/browser.py), and so does any dialog a script opens.

Screenshots go to test-artifacts/; with UPDATE_DOCS_SCREENSHOT=1 the seed briefing's page
is also written to docs/briefing-page.png, the picture the README shows.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser
from playwright.async_api import expect as page_expect

from schemas import BriefingResponse
from service.settings import Settings
from tests.support.articles import ROOT, retitled
from tests.support.browser import OfflinePage, offline_page, screenshot
from tests.support.drafts import HOSTILE_TEXT, IMG_TAG, SCRIPT_TAG, hostile_draft, located_draft
from tests.support.jobs import finished, in_process_worker
from tests.support.odesa import merged_job
from tests.support.scripted_llm import Reply, ScriptedLLM

DOCS_SCREENSHOT = ROOT / "docs" / "briefing-page.png"


async def brief(
    live_url: str, llm: ScriptedLLM, body: dict[str, Any], draft: Any
) -> BriefingResponse:
    llm.reset(default=Reply(arguments=draft))
    async with httpx.AsyncClient(base_url=live_url, timeout=30) as http:
        answer = await http.post("/v1/briefings", json=body)
    assert answer.status_code == 200, answer.text
    return BriefingResponse.model_validate_json(answer.content)


@pytest.fixture
async def seed_briefing(live_url: str, llm: ScriptedLLM, seed: dict[str, Any]) -> BriefingResponse:
    """The seed article briefed with events in Voronezh, Belgorod, Bryansk (and Lavrov's)."""
    return await brief(live_url, llm, seed, located_draft())


async def selected_spans(offline: OfflinePage) -> dict[str, str]:
    """The marked text now selected, joined per span (`e2.1`), and checked to be whole."""
    marks = offline.page.locator("mark.is-selected")
    joined: dict[str, str] = {}
    for i in range(await marks.count()):
        mark = marks.nth(i)
        text = await mark.text_content() or ""
        for key in (await mark.get_attribute("data-spans") or "").split():
            joined[key] = joined.get(key, "") + text
    return joined


async def test_selecting_an_item_marks_exactly_its_evidence(
    offline: OfflinePage, seed_briefing: BriefingResponse
) -> None:
    page = offline.page
    await page.goto(f"/briefings/{seed_briefing.id}")
    await page_expect(page.locator("h1.headline")).to_have_text(seed_briefing.briefing.headline)
    for event in seed_briefing.events:
        await page.locator(f'.events a[data-select="{event.id}"]').click()
        spans = await selected_spans(offline)
        # only this event's spans (a mark shared with a key point names both)
        mine = {k: v for k, v in spans.items() if k.startswith(f"{event.id}.")}
        assert mine == {f"{event.id}.{i}": s.quote for i, s in enumerate(event.evidence)}
        for items in await page.locator("mark.is-selected").evaluate_all(
            "marks => marks.map(m => m.dataset.items)"
        ):
            assert event.id in items.split()
        unselected = page.locator(f'mark[data-items~="{event.id}"]:not(.is-selected)')
        await page_expect(unselected).to_have_count(0)
        await page_expect(page.locator("mark.is-selected").first).to_be_in_viewport()
        await page_expect(page).to_have_url(f"{offline.page.url.split('#')[0]}#at-{event.id}")

    # the keyboard: a key point's link, focused and activated with Enter
    await page.locator('.key-points a[data-select="k1"]').focus()
    await page.keyboard.press("Enter")
    quote = seed_briefing.briefing.key_points[0].evidence[0].quote
    assert await selected_spans(offline) == {"k1.0": quote}
    await page.keyboard.press("Escape")
    await page_expect(page.locator("mark.is-selected")).to_have_count(0)

    # a quote: its own words and the sentence naming its speaker ("…,” he said.")
    said = next(q for q in seed_briefing.quotes if len(q.evidence) == 2)
    await page.locator(f'.quotes-list a[data-select="{said.id}"]').click()
    spans = await selected_spans(offline)
    mine = {k: v for k, v in spans.items() if k.startswith(f"{said.id}.")}
    assert mine == {f"{said.id}.{i}": s.quote for i, s in enumerate(said.evidence)}
    await page_expect(
        page.locator(f'mark[data-items~="{said.id}"]:not(.is-selected)')
    ).to_have_count(0)
    await page.keyboard.press("Escape")

    # a marker on the map selects its event too
    await page.locator('a.marker[data-event="e2"]').click()
    assert set(await selected_spans(offline)) >= {"e2.0", "e2.1"}
    await page.locator('.events a[data-select="e2"]').click()
    await page.evaluate("window.scrollTo(0, 0)")  # the headline, timeline and map in view
    path = await screenshot(page, "briefing-page.png")
    if os.environ.get("UPDATE_DOCS_SCREENSHOT"):
        shutil.copyfile(path, DOCS_SCREENSHOT)
    offline.assert_clean()


async def test_map_draws_one_marker_per_geocoded_event(
    offline: OfflinePage, seed_briefing: BriefingResponse
) -> None:
    page = offline.page
    await page.goto(f"/briefings/{seed_briefing.id}")
    located = [e for e in seed_briefing.events if e.location and e.location.latitude is not None]
    assert [e.location.name for e in located if e.location] == ["Voronezh", "Belgorod", "Bryansk"]
    markers = page.locator("svg.map-svg a.marker")
    await page_expect(markers).to_have_count(3)
    assert await markers.evaluate_all("ms => ms.map(m => m.dataset.event)") == ["e1", "e2", "e3"]
    titles = await page.locator("svg.map-svg a.marker > title").all_text_contents()
    assert titles == [
        "e1: Voronezh, Voronezh Oblast, Russia (city precision)",
        "e2: Belgorod, Belgorod Oblast, Russia (city precision)",
        "e3: Bryansk, Bryansk Oblast, Russia (region precision)",
    ]
    for i in range(3):  # drawn, inside the visible map
        box = await markers.nth(i).locator("circle").bounding_box()
        frame = await page.locator("svg.map-svg").bounding_box()
        assert box and frame and box["width"] > 2
        assert frame["x"] < box["x"] < frame["x"] + frame["width"]
        assert frame["y"] < box["y"] < frame["y"] + frame["height"]
    assert await page.locator("svg.map-svg .countries path").count() > 5
    offline.assert_clean()


async def test_article_markup_is_shown_as_text_and_never_runs(
    offline: OfflinePage, live_url: str, llm: ScriptedLLM
) -> None:
    body = {"article": {"text": HOSTILE_TEXT, "title": f"Posts {SCRIPT_TAG}"}}
    briefing = await brief(live_url, llm, body, hostile_draft())
    page = offline.page
    await page.goto(f"/briefings/{briefing.id}")
    await page.locator('.events a[data-select="e1"]').click()
    await page.wait_for_load_state("networkidle")
    article = page.locator(".article-text")
    await page_expect(article).to_have_text(HOSTILE_TEXT, use_inner_text=False)
    await page_expect(page.locator("h1.headline")).to_contain_text(SCRIPT_TAG)
    await page_expect(page.get_by_text(IMG_TAG, exact=False).first).to_be_visible()
    scripts = await page.locator("script").evaluate_all("ss => ss.map(s => s.src)")
    assert scripts == [f"{live_url}/static/docs/pages/pages.js"]
    await page_expect(page.locator("img")).to_have_count(0)
    assert "is-selected" in (await page.locator("mark").nth(0).get_attribute("class") or "")
    offline.assert_clean()  # no dialog fired, nothing remote


async def test_page_without_javascript_still_shows_marks_lists_and_markers(
    browser: Browser, live_url: str, seed_briefing: BriefingResponse
) -> None:
    async with offline_page(browser, live_url, java_script_enabled=False) as offline:
        page = offline.page
        await page.goto(f"/briefings/{seed_briefing.id}")
        await page_expect(page.locator(".events > li")).to_have_count(4)
        await page_expect(page.locator(".key-points > li")).to_have_count(2)
        await page_expect(page.locator("svg.map-svg a.marker")).to_have_count(3)
        await page_expect(page.locator("svg.timeline-svg a.timeline-row")).to_have_count(4)
        quotes = {s.quote for e in seed_briefing.events for s in e.evidence}
        marked = "".join(await page.locator("mark").all_text_contents())
        assert all(q in marked for q in quotes)
        # the item's link still works: it jumps to the first span's anchor, nothing selected
        await page.locator('.events a[data-select="e3"]').click()
        await page_expect(page).to_have_url(f"{live_url}/briefings/{seed_briefing.id}#at-e3")
        await page_expect(page.locator("mark.is-selected")).to_have_count(0)
        await page_expect(page.locator("#at-e3 + mark")).to_be_in_viewport()
        await screenshot(page, "briefing-page-no-js.png")
        offline.assert_clean()


async def test_job_page_lists_its_articles_and_links_to_their_pages(
    offline: OfflinePage, live_url: str, llm: ScriptedLLM, seed: dict[str, Any], settings: Settings
) -> None:
    llm.reset(default=Reply(arguments=located_draft()))
    async with httpx.AsyncClient(base_url=live_url, timeout=30) as http:
        job_id = (await http.post("/v1/jobs", json={"articles": [seed, retitled(seed, 2)]})).json()[
            "id"
        ]
        async with in_process_worker(settings):
            job = await finished(http, job_id)
    page = offline.page
    await page.goto(f"/jobs/{job_id}")
    await page_expect(page.locator(".job-status")).to_have_text("done")
    await page_expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(0)
    links = page.locator("a.briefing-link")
    await page_expect(links).to_have_text([seed["article"]["title"], "Energy strikes, part 2"])
    # one text under two titles: each event merged across both articles, one marker each
    await page_expect(page.locator("svg.map-svg a.marker")).to_have_count(3)
    await page_expect(page.locator("svg.timeline-svg a.timeline-row")).to_have_count(4)
    await page_expect(page.locator(".merged-event .badge")).to_have_text(
        ["2 articles · 1 outlet"] * 4
    )
    await screenshot(page, "job-page.png")

    second = job["items"][1]["briefing_id"]
    await links.nth(1).click()
    await page_expect(page).to_have_url(f"{live_url}/briefings/{second}")
    await page_expect(page.locator("cite")).to_have_text("Energy strikes, part 2")
    await page.go_back()
    # Belgorod (each article's e2) is one marker now, not two drawn on top of each other: it
    # leads to the merged event's card, and the card's second report to article 2's e2
    belgorod = page.locator("svg.map-svg a.marker", has_text="Belgorod")
    await page_expect(belgorod).to_have_count(1)
    merged_id = await belgorod.get_attribute("data-event")
    await belgorod.click()
    await page_expect(page).to_have_url(f"{live_url}/jobs/{job_id}#merged-{merged_id}")
    card = page.locator(f"#merged-{merged_id}")
    await page_expect(card).to_be_in_viewport()
    await card.locator("a.member-link").nth(1).click()
    await page_expect(page).to_have_url(f"{live_url}/briefings/{second}#at-e2")
    await page_expect(page.locator("mark.is-selected").first).to_be_in_viewport()
    offline.assert_clean()


async def test_job_page_shows_merged_events_with_each_outlets_figures(
    offline: OfflinePage, live_url: str, llm: ScriptedLLM, settings: Settings
) -> None:
    async with httpx.AsyncClient(base_url=live_url, timeout=30) as http:
        job_id, merged = await merged_job(http, settings, llm)
    strike = next(m for m in merged.events if m.num_articles == 3)
    page = offline.page
    await page.goto(f"/jobs/{job_id}")
    card = page.locator(f"#merged-{strike.id}")
    await page_expect(card.locator(".badge")).to_have_text("3 articles · 3 outlets")
    await page_expect(card.locator(".flag").first).to_have_text("killed: 3–5")
    figures = card.locator("table.figures")
    await page_expect(figures).to_be_hidden()  # in a closed <details>, opened without script
    await card.locator("details summary").click()
    await page_expect(figures).to_be_visible()
    await page_expect(figures.locator("tr.conflicting").first).to_contain_text(
        "Black Sea Courier: 5"
    )
    await card.scroll_into_view_if_needed()
    await screenshot(page, "job-page-merged.png")
    offline.assert_clean()
