"""Both API viewers in a real browser (Debian's Chromium driven by playwright), offline.

Every request the pages make is routed: one to a host other than this server is aborted and
recorded, and the test fails on it, so a CDN script, a web font or a logo the viewer fetches by
itself cannot hide behind a machine that happens to be online.

Chromium is a system package (`./dev test` installs it as root). Without it these tests skip
with the install hint on a developer's machine, and fail where CI or REQUIRE_BROWSER is set, so
CI cannot go green without running them.
"""

from __future__ import annotations

import os
import struct
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.async_api import (
    Browser,
    ConsoleMessage,
    Page,
    Request,
    Route,
    ViewportSize,
    async_playwright,
)
from playwright.async_api import expect as page_expect

from tests.support.articles import ROOT
from tests.support.drafts import good_draft
from tests.support.scripted_llm import Reply, ScriptedLLM

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
ARTIFACTS = ROOT / "test-artifacts"  # screenshots kept after the run (gitignored)
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}


def require_chromium() -> None:
    """Skip without Chromium, or fail where CI or REQUIRE_BROWSER says the tests must run."""
    if CHROMIUM.is_file():
        return
    hint = f"{CHROMIUM} is missing: `apt-get install chromium` (./dev test does it as root)"
    if any(
        os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")
        for name in ("CI", "REQUIRE_BROWSER")
    ):
        pytest.fail(f"{hint}; CI/REQUIRE_BROWSER is set, so the browser tests must run")
    pytest.skip(hint)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One Chromium for the session; the async API, so pytest-asyncio's loop stays the only one."""
    require_chromium()
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        await chromium.close()


@dataclass
class OfflinePage:
    """A page whose non-local requests are aborted, with what went wrong recorded."""

    page: Page
    remote: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    async def guard(self, route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            await route.continue_()
        else:
            self.remote.append(route.request.url)
            await route.abort("blockedbyclient")

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} ({message.location.get('url')})")

    def on_failed(self, request: Request) -> None:
        self.errors.append(f"failed: {request.url} {request.failure}")

    def assert_clean(self) -> None:
        assert self.remote == [], f"the page asked for non-local URLs: {self.remote}"
        assert self.errors == [], self.errors


@pytest.fixture
async def offline(browser: Browser, live_url: str) -> AsyncIterator[OfflinePage]:
    context = await browser.new_context(base_url=live_url, viewport=VIEWPORT)
    page = await context.new_page()
    watched = OfflinePage(page)
    await context.route("**/*", watched.guard)  # the context's route also sees workers' requests
    page.on("console", watched.on_console)
    page.on("pageerror", lambda error: watched.errors.append(f"page: {error}"))
    page.on("requestfailed", watched.on_failed)
    yield watched
    await context.close()


async def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=ARTIFACTS / name)
    assert_viewport_png(ARTIFACTS / name)


def assert_viewport_png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert (width, height) == (VIEWPORT["width"], VIEWPORT["height"])
    assert len(data) > 30_000, f"{path} is {len(data)} bytes: a blank page?"


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
