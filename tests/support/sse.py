"""Streaming test helpers: the app under real uvicorn, and an SSE parser that reads frames
the way a browser's EventSource does."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
from litestar import Litestar

from service.briefing import BriefingService
from service.settings import Settings
from service.web.app import create_app
from tests.support.live import serve

STREAM = "/v1/briefings/stream"


@dataclass
class Frame:
    event: str | None
    data: str
    id: str | None

    @property
    def json(self) -> Any:
        return json.loads(self.data)


@dataclass
class Live:
    url: str
    app: Litestar

    @property
    def briefings(self) -> BriefingService:
        return self.app.state.runtime.briefings  # type: ignore[no-any-return]


def live_server(settings: Settings) -> Iterator[Live]:
    app = create_app(settings)
    with serve(settings, app) as url:
        yield Live(url, app)


async def sse(response: httpx.Response) -> AsyncIterator[Frame | str]:
    """Frames as a browser's EventSource parses them; a comment line comes as its text."""
    fields: dict[str, list[str]] = {}
    async for line in response.aiter_lines():
        if not line:
            if fields:
                yield Frame(
                    event=(fields.get("event") or [None])[-1],
                    data="\n".join(fields.get("data", [])),
                    id=(fields.get("id") or [None])[-1],
                )
                fields = {}
            continue
        if line.startswith(":"):
            yield line[1:].strip()
            continue
        name, _, value = line.partition(":")
        fields.setdefault(name, []).append(value[1:] if value.startswith(" ") else value)


async def stream(
    http: httpx.AsyncClient, body: dict[str, Any]
) -> tuple[httpx.Response, list[Frame], list[str]]:
    """The whole stream: response (headers), frames, comments."""
    frames: list[Frame] = []
    comments: list[str] = []
    async with http.stream("POST", STREAM, json=body) as response:
        async for item in sse(response):
            (frames if isinstance(item, Frame) else comments).append(item)
    return response, frames, comments


def as_hit(payload: str) -> bytes:
    """A miss's bytes as the cache stores them: only `meta.cached` differs."""
    assert payload.count('"cached":false') == 1
    return payload.replace('"cached":false', '"cached":true').encode()


async def eventually(check: Callable[[], bool], timeout_s: float = 5.0) -> bool:
    """Polls: the server runs on another thread's loop, so there is nothing to await."""
    for _ in range(int(timeout_s / 0.02)):
        if check():
            return True
        await asyncio.sleep(0.02)
    return check()


def client(live: Live) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=live.url, timeout=30)
