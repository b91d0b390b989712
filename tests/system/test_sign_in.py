"""The pages with keys on, in Chromium (issue 23, item 6): a person opens a briefing's page,
is sent to the sign-in form, types a key, and lands on the page; the key is in no URL the
browser ever loaded, and the session cookie is HttpOnly and SameSite=Strict."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser
from playwright.async_api import expect as page_expect

from service.settings import Settings
from tests.support.browser import OfflinePage, offline_page, screenshot
from tests.support.drafts import good_draft
from tests.support.live import serve
from tests.support.scripted_llm import Reply, ScriptedLLM

ALICE = "alice-secret-0123456789"


@pytest.fixture
async def keyed(browser: Browser, settings: Settings) -> AsyncIterator[tuple[str, OfflinePage]]:
    with serve(settings.replace(api_keys=(f"alice:{ALICE}",), auth="keys")) as base_url:
        async with offline_page(browser, base_url) as watched:
            yield base_url, watched


async def test_a_person_signs_in_with_a_key_and_reads_the_page(
    keyed: tuple[str, OfflinePage], llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    base_url, offline = keyed
    draft = good_draft()
    llm.reset(default=Reply(arguments=draft))
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        made = await http.post("/v1/briefings", json=seed, headers={"X-API-Key": ALICE})
    briefing_id = made.json()["id"]
    page = offline.page
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(request.url))

    await page.goto(f"/briefings/{briefing_id}")
    await page_expect(page).to_have_url(f"{base_url}/login?next=%2Fbriefings%2F{briefing_id}")
    await page.get_by_label("API key").fill("not-the-key")
    await page.get_by_role("button", name="Sign in").click()
    await page_expect(page.get_by_role("alert")).to_have_text("That key is not valid.")
    # the refusal is a 401, which Chromium notes in the console: expected, and only that
    assert [e for e in offline.errors if "status of 401" not in e] == []
    offline.errors.clear()

    await page.get_by_label("API key").fill(ALICE)
    await page.get_by_role("button", name="Sign in").click()
    await page_expect(page).to_have_url(f"{base_url}/briefings/{briefing_id}")
    await page_expect(page.locator("h1")).to_contain_text(draft["headline"])
    await screenshot(page, "signed-in-briefing.png")

    [cookie] = await page.context.cookies()
    assert (cookie["name"], cookie["httpOnly"], cookie["sameSite"]) == (
        "gb_session",
        True,
        "Strict",
    )
    assert ALICE not in cookie["value"]
    assert not await page.evaluate("document.cookie")  # no script can read it
    assert loaded and not any(ALICE in url for url in loaded)
    offline.assert_clean()
