"""A briefing in progress, and the frames a client following it gets: unverified drafts
while the model writes, then the verified result or a problem. Transport-free: the web
edge sends the frames as server-sent events (service/web/sse.py).

Frames (each with an increasing `id`):

- `event: draft`, `data: {"verified": false, "draft": {headline, summary, key_points,
  events}}`: the model's answer so far, exactly as written (unchecked, possibly cut
  mid-word). Sent only when it changed, at most one per `THROTTLE_S` (150 ms): a browser
  repaints at that pace and a 20-token/s model adds one or two tokens per frame.
- `event: briefing`, `data:` the BriefingResponse JSON, byte for byte what
  `POST /v1/briefings` answers for the same request (the same computation; on a hit, the
  same stored bytes). Always the last frame of a successful stream.
- `event: problem`, `data:` the problem JSON the non-streaming endpoint would answer with
  (type, title, status, detail); the last frame of a failed stream. Nothing is cached.
- `: keep-alive` comment lines after `KEEPALIVE_S` (15 s) without a frame, so proxies and
  clients do not time out while a slow model reads a long prompt.

The computation is not the stream's: it runs as its own task (shared with any identical
request, streamed or not), so a client that hangs up stops only its own frames.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import msgspec

from service.errors import problem

THROTTLE_S = 0.15
KEEPALIVE_S = 15.0

_encode = msgspec.json.Encoder().encode


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame of a stream: an event with its data and id, or a comment (a keep-alive)."""

    event: str | None = None
    data: bytes | None = None
    id: int | None = None
    comment: str | None = None


class DraftFeed:
    """The latest partial draft of one computation, for any number of listeners.

    A long article is drafted chunk by chunk; the feed keeps each chunk's latest partial
    and shows them merged as finished chunks are merged (`merge_extractions`: the first
    chunk's headline and summary, every chunk's key points and events). Listeners are
    woken, never handed values, so a slow one skips to the latest draft instead of queueing.
    """

    def __init__(self) -> None:
        self._parts: list[dict[str, Any]] = []
        self._listeners: set[asyncio.Event] = set()
        self.closed = False

    def publish(self, chunk: int, partial: dict[str, Any]) -> None:
        self._parts.extend({} for _ in range(chunk + 1 - len(self._parts)))
        self._parts[chunk] = partial
        self._wake()

    def publisher(self, chunk: int) -> Callable[[dict[str, Any]], None]:
        return functools.partial(self.publish, chunk)

    def close(self) -> None:
        """The computation ended (whichever way): wake every listener one last time."""
        self.closed = True
        self._wake()

    def snapshot(self) -> dict[str, Any] | None:
        if not self._parts:
            return None
        first = self._parts[0]
        return {
            "headline": first.get("headline"),
            "summary": first.get("summary"),
            "key_points": [kp for part in self._parts for kp in part.get("key_points", [])],
            "events": [ev for part in self._parts for ev in part.get("events", [])],
        }

    @contextlib.contextmanager
    def listen(self) -> Iterator[asyncio.Event]:
        """An event set whenever there is news; the listener clears it after looking."""
        event = asyncio.Event()
        if self._parts or self.closed:
            event.set()
        self._listeners.add(event)
        try:
            yield event
        finally:
            self._listeners.discard(event)

    def _wake(self) -> None:
        for event in self._listeners:
            event.set()


@dataclass(frozen=True, slots=True)
class Flight:
    """One computation in progress: its result to come and its drafts so far."""

    task: asyncio.Task[bytes]
    feed: DraftFeed


@dataclass(slots=True)
class BriefingStream:
    """The frames for one request: a stored result at once, or a flight followed to its end."""

    briefing_id: str
    payload: bytes | None = None
    flight: Flight | None = None
    throttle_s: float = THROTTLE_S
    keepalive_s: float = KEEPALIVE_S

    @property
    def cached(self) -> bool:
        return self.flight is None

    async def frames(self) -> AsyncIterator[Frame]:
        if self.flight is None:
            yield _frame("briefing", self.payload or b"", 1)
            return
        task, feed = self.flight.task, self.flight.feed
        sent = 0
        shown: dict[str, Any] | None = None
        with feed.listen() as news:
            while not task.done():
                try:
                    await asyncio.wait_for(news.wait(), self.keepalive_s)
                except TimeoutError:
                    yield Frame(comment="keep-alive")
                    continue
                news.clear()
                draft = feed.snapshot()
                if task.done() or draft is None or draft == shown:
                    continue
                sent += 1
                yield _frame("draft", _encode({"verified": False, "draft": draft}), sent)
                shown = draft
                # The throttle; it ends early when the result is ready.
                await asyncio.wait([task], timeout=self.throttle_s)
        yield _outcome(task, sent + 1)


def _frame(event: str, data: bytes, frame_id: int) -> Frame:
    return Frame(event=event, data=data, id=frame_id)


def _outcome(task: asyncio.Task[bytes], frame_id: int) -> Frame:
    try:
        payload = task.result()
    except (Exception, asyncio.CancelledError) as exc:
        return _frame("problem", _encode(problem(exc)), frame_id)
    return _frame("briefing", payload, frame_id)
