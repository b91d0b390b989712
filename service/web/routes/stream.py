"""HTTP face of the streamed briefing: the same request as POST /v1/briefings, answered as
server-sent events. The frames and their order are made in service/flight.py."""

from __future__ import annotations

from typing import Literal

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.response import ServerSentEvent
from pydantic import BaseModel, Field

from service.briefing import BriefingService
from service.store.access import Caller
from service.tenancy import Tenancy
from service.web._input import JSON_ONLY
from service.web.openapi import ACCESS_ERRORS, API_KEY_SECURITY, X_CACHE, ok_extras
from service.web.routes._examples import BriefingBody
from service.web.routes.briefings import BRIEF_ERRORS
from service.web.sse import sse_messages

EVENT_STREAM = "text/event-stream"

_DESCRIPTION = """\
The same request, checks and limits as `POST /v1/briefings` (`createBriefing`); an invalid
body or a too-long article is an ordinary `application/problem+json` error, sent before any
stream starts. Otherwise the answer is `text/event-stream`, each frame with an `id`:

- `event: draft` while the model writes: `data: {"verified": false, "draft": {"headline",
  "summary", "key_points", "events"}}`, the model's answer so far exactly as written:
  **unverified**, possibly cut mid-word, possibly holding items the verifier will drop.
  Sent only when it changed, at most one every 150 ms.
- `event: briefing`, once, last: `data:` the verified `BriefingResponse`, byte for byte
  what `createBriefing` answers for this request (the same computation; it is cached under
  the same key, so either endpoint hits what the other computed).
- `event: problem`, instead of `briefing`, if the briefing fails after the stream started:
  `data:` the problem JSON (`type`, `title`, `status`, `detail`) `createBriefing` would have
  answered with. Nothing is cached.
- `: keep-alive` comment lines after 15 s without a frame (a local model can take minutes).

A cached result is a single `briefing` frame with `X-Cache: hit`. If the same request is
already being computed in this process (streamed or not), the stream joins it; a
non-streamed computation has no drafts to share, so only its `briefing` frame is sent. A
client that disconnects stops only its own frames: the computation finishes and is cached.
If the finished draft fails validation and a re-ask is allowed, the re-ask is not streamed;
the drafts already sent are superseded by the final frame.
"""


class StreamFrame(BaseModel):
    """One server-sent event as an SSE client reads it (`id`, `event`, `data`).

    OpenAPI 3.1 cannot describe the items of a stream (3.2 adds `itemSchema`); tools that
    check streams, schemathesis among them, read the `schema` of a text/event-stream
    response as the schema of each event, as 3.2's own SSE example models one. Describing
    the stream as one string would make every event fail its schema.
    """

    id: str = Field(description="Increasing within the stream, from 1.")
    event: Literal["draft", "briefing", "problem"]
    data: str = Field(
        description='JSON. `draft`: `{"verified": false, "draft": {...}}`, unverified; '
        "`briefing`: the `BriefingResponse`; `problem`: the `Problem`.",
        json_schema_extra={"contentMediaType": "application/json"},
    )


_FRAME_EXAMPLES = [
    Example(
        summary="a draft frame (unverified, cut mid-word)",
        value={
            "id": "1",
            "event": "draft",
            "data": '{"verified":false,"draft":{"headline":"Ukrainian str","summary":null,'
            '"key_points":[],"events":[]}}',
        },
    ),
    Example(
        summary="the last frame of a success (abridged)",
        value={
            "id": "7",
            "event": "briefing",
            "data": '{"id":"…","briefing":{…},"events":[…],"meta":{…}}',
        },
    ),
]
_STREAM_RESPONSE = ResponseSpec(
    data_container=StreamFrame,
    media_type=EVENT_STREAM,
    description="Server-sent events: `draft` frames (unverified), then one `briefing` "
    "(verified) or one `problem`. The schema is that of one event.",
    examples=_FRAME_EXAMPLES,
    generate_examples=False,
)
# Only these are HTTP statuses here: LLM failures happen after the stream started and
# arrive as `problem` frames.
_STREAM_ERRORS = {code: BRIEF_ERRORS[code] for code in (400, 413, 422)}


class BriefingStreamController(Controller):
    path = "/v1/briefings"
    tags = ["briefings"]
    security = API_KEY_SECURITY

    @post(
        "/stream",
        operation_id="streamBriefing",
        summary="Brief an article, streaming drafts as server-sent events",
        description=_DESCRIPTION,
        status_code=200,
        media_type=EVENT_STREAM,
        responses={200: _STREAM_RESPONSE, **_STREAM_ERRORS} | JSON_ONLY | ACCESS_ERRORS,
        operation_class=ok_extras(headers={"X-Cache": X_CACHE}),
    )
    async def stream(
        self,
        data: BriefingBody,
        briefings: NamedDependency[BriefingService],
        tenancy: NamedDependency[Tenancy],
        caller: NamedDependency[Caller],
    ) -> ServerSentEvent:
        """Thin on purpose: `open_stream` checks and keys the request (errors raise here,
        before the stream), and the frames come from service/flight.py."""
        stream, hit = await tenancy.stream(caller, await briefings.open_stream(data))
        return ServerSentEvent(
            sse_messages(stream.frames()), headers={"X-Cache": "hit" if hit else "miss"}
        )
