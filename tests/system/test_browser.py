"""Both API viewers in a real browser (Debian's Chromium driven by playwright), offline.

Every request the pages make is routed: one to a host other than this server is aborted and
recorded, and the test fails on it, so a CDN script, a web font or a logo the viewer fetches by
itself cannot hide behind a machine that happens to be online.

The browser, the request guard and the screenshots: tests/support/browser.py and
tests/system/conftest.py, shared with tests/system/test_pages.py.
"""

from __future__ import annotations

import json
from typing import Any

from playwright.async_api import expect as page_expect

from service.web.routes._examples import PAGE_EXAMPLE
from tests.support.browser import OfflinePage, screenshot
from tests.support.drafts import good_draft
from tests.support.scripted_llm import Reply, ScriptedLLM


async def test_swagger_ui_try_it_out_briefs_the_example_article(
    offline: OfflinePage, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    draft = good_draft()
    llm.reset(default=Reply(arguments=draft))
    page = offline.page
    await page.goto("/schema/swagger")
    create = page.locator("#operations-briefings-createBriefing")
    await page_expect(create).to_be_visible()
    await page_expect(page.locator("#operations-briefings-getBriefing")).to_be_visible()

    await create.locator(".opblock-summary-control").click()
    await create.get_by_role("button", name="Try it out").click()
    async with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/v1/briefings")
    ) as answer:
        await create.get_by_role("button", name="Execute").click()
    response = await answer.value
    assert response.request.post_data_json == seed  # the example body, as the page showed it
    assert response.status == 200
    body = await response.json()
    assert body["briefing"]["headline"] == draft["headline"]
    assert body["meta"]["cached"] is False
    assert llm.calls == 1

    shown = create.locator(".live-responses-table .response")
    await page_expect(shown.locator(".response-col_status")).to_have_text("200")
    await page_expect(shown.locator(".response-col_description")).to_contain_text(
        f'"headline": "{draft["headline"]}"'
    )
    await shown.scroll_into_view_if_needed()
    await screenshot(page, "swagger-try-it-out.png")

    # the page form: the documented html example, pasted as the body
    await create.locator("textarea.body-param__text").fill(
        json.dumps({"article": {"html": PAGE_EXAMPLE}})
    )
    async with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/v1/briefings")
    ) as answer:
        await create.get_by_role("button", name="Execute").click()
    response = await answer.value
    assert response.status == 200
    article = (await response.json())["article"]
    assert article["text"].startswith("A storm cut power to 20,000 homes")
    assert article["title"] == "Storm cuts power to 20,000 homes"
    offline.assert_clean()


async def test_redoc_renders_the_operations_offline(offline: OfflinePage) -> None:
    page = offline.page
    await page.goto("/schema/redoc")
    for operation, summary in [
        ("createBriefing", "Brief an article"),
        ("getBriefing", "Fetch a stored briefing by id"),
    ]:
        section = page.locator(f'[data-section-id="operation/{operation}"]')
        await page_expect(section.locator("h2")).to_have_text(summary)
    await page.wait_for_load_state("networkidle")  # the sidebar logo and search worker included
    await screenshot(page, "redoc.png")
    offline.assert_clean()
