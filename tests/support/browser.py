"""A headless Chromium that may only talk to this machine, for the browser tests.

Every request a page makes is routed: one to a host other than loopback is aborted and
recorded, and `OfflinePage.assert_clean` fails on it, so a CDN script, a web font or a tile a
page fetches by itself cannot hide behind a machine that happens to be online. A `dialog`
(alert, confirm) is recorded and dismissed: an injected script that runs shows up there.

Chromium is a system package (`./dev test` installs it as root). Without it the tests skip
with the install hint on a developer's machine, and fail where CI or REQUIRE_BROWSER is set.
The fixtures (`browser`, `offline`) are in tests/system/conftest.py.
"""

from __future__ import annotations

import os
import struct
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.async_api import (
    Browser,
    ConsoleMessage,
    Dialog,
    Page,
    Request,
    Route,
    ViewportSize,
)

from tests.support.articles import ROOT

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


@dataclass
class OfflinePage:
    """A page whose non-local requests are aborted, with what went wrong recorded."""

    page: Page
    remote: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    async def guard(self, route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            await route.continue_()
        else:
            self.remote.append(route.request.url)
            await route.abort("blockedbyclient")

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} ({message.location.get('url')})")

    async def on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        await dialog.dismiss()

    def on_failed(self, request: Request) -> None:
        # a load the browser itself cancels because the page navigated away (a favicon still
        # in flight when a link is clicked) is no failure of the service
        if request.failure != "net::ERR_ABORTED":
            self.errors.append(f"failed: {request.url} {request.failure}")

    def assert_clean(self) -> None:
        assert self.remote == [], f"the page asked for non-local URLs: {self.remote}"
        assert self.errors == [], self.errors
        assert self.dialogs == [], f"the page opened dialogs: {self.dialogs}"


@asynccontextmanager
async def offline_page(
    browser: Browser, base_url: str, **options: Any
) -> AsyncIterator[OfflinePage]:
    """A page in a new context (`options`: e.g. java_script_enabled=False), watched."""
    context = await browser.new_context(base_url=base_url, viewport=VIEWPORT, **options)
    page = await context.new_page()
    watched = OfflinePage(page)
    await context.route("**/*", watched.guard)  # the context's route also sees workers' requests
    page.on("console", watched.on_console)
    page.on("pageerror", lambda error: watched.errors.append(f"page: {error}"))
    page.on("requestfailed", watched.on_failed)
    page.on("dialog", watched.on_dialog)
    try:
        yield watched
    finally:
        await context.close()


async def screenshot(page: Page, name: str, path: Path | None = None) -> Path:
    """The viewport as test-artifacts/`name` (or at `path`), checked to be a real picture."""
    path = path or ARTIFACTS / name
    path.parent.mkdir(exist_ok=True)
    await page.screenshot(path=path)
    assert_viewport_png(path)
    return path


def assert_viewport_png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert (width, height) == (VIEWPORT["width"], VIEWPORT["height"])
    assert len(data) > 30_000, f"{path} is {len(data)} bytes: a blank page?"
