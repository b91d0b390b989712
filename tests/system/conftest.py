"""The browser fixtures the system tests share; the helpers are in tests/support/browser.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, async_playwright

from tests.support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    OfflinePage,
    offline_page,
    require_chromium,
)


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


@pytest.fixture
async def offline(browser: Browser, live_url: str) -> AsyncIterator[OfflinePage]:
    """A page on the live app whose non-local requests fail the test (`assert_clean`)."""
    async with offline_page(browser, live_url) as watched:
        yield watched
