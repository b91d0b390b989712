"""The API viewers' pages as served: only local URLs, every one answers, the vendored bundle intact.

Cheap checks over HTTP; tests/system/test_browser.py renders the same pages in a real browser.
"""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest

from service.web.openapi import STATIC_DIR

VIEWERS = ["/schema/swagger", "/schema/redoc"]
REDOC = STATIC_DIR / "redoc"
ABSOLUTE_URL = re.compile(r"https?://|[\"'(]//")  # a scheme, or protocol-relative in a quote
PATCHED_SHA256 = re.compile(r"Patched[^`]*`([0-9a-f]{64})`")


class _Links(HTMLParser):
    """Every src and href in a page, however it is quoted."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def page_urls(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.urls


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_viewer_page_loads_only_local_assets_that_exist(client: Any, viewer: str) -> None:
    page = await client.get(viewer)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    urls = page_urls(page.text)
    assert "/static/docs/favicon.svg" in urls  # ours, not Litestar's CDN default
    assert any(url.endswith(".js") for url in urls), urls
    for url in urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"{viewer} loads {url}"
        asset = await client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 300, url
    # an absolute URL in the page may only be data of the document it shows (an example's
    # `url`, a feed's link), which the viewer prints but never loads
    spec = (await client.get("/schema/openapi.json")).text
    for found in ABSOLUTE_URL.finditer(page.text):
        token = re.match(r"[^\s\"'<>\\]+", page.text[found.start() :].lstrip("\"'("))
        assert token and token[0] in spec, page.text[found.start() - 80 : found.end() + 80]


async def test_spec_lists_the_operations_both_viewers_show(client: Any) -> None:
    spec = (await client.get("/schema/openapi.json")).json()
    assert spec["openapi"].startswith("3.1")
    ops = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {"createBriefing", "getBriefing", "health", "ready"} <= ops


def test_vendored_redoc_is_the_recorded_patched_bundle() -> None:
    digest = hashlib.sha256((REDOC / "redoc.standalone.js").read_bytes()).hexdigest()
    recorded = PATCHED_SHA256.search((REDOC / "VENDORED.md").read_text(encoding="utf-8"))
    assert recorded, "VENDORED.md records no patched sha256"
    assert digest == recorded[1], "redoc.standalone.js changed: refresh it as VENDORED.md says"
    assert b"cdn.redoc.ly" not in (REDOC / "redoc.standalone.js").read_bytes()
    assert "MIT License" in (REDOC / "LICENSE").read_text(encoding="utf-8")
