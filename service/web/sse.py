"""Stream frames (service/flight.py) as server-sent events."""

from __future__ import annotations

from collections.abc import AsyncIterator

from litestar.response import ServerSentEventMessage

from service.flight import Frame


async def sse_messages(frames: AsyncIterator[Frame]) -> AsyncIterator[ServerSentEventMessage]:
    async for frame in frames:
        yield ServerSentEventMessage(
            data=frame.data, event=frame.event, id=frame.id, comment=frame.comment
        )
