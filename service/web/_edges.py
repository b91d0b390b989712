"""HTTP at the edges of a request: HEAD, and a request cut short by a stopping server.

- `head_middleware`: HEAD is GET without the body (RFC 9110 §9.3.2), on every GET route,
  `/health` included; Litestar 2 answers 405 unless a route declares HEAD itself. The answer
  keeps GET's status and headers (its `Content-Length` too) and sends no body.
- `cut_middleware`: when the server stops (SIGTERM), uvicorn gives requests in flight
  `WORKER_GRACE_S`, then cancels them; a request cancelled before its answer started got
  uvicorn's text/plain 500. It gets a 503 problem with `Retry-After` instead: another replica
  (or this one, restarted) can answer it. A stream already started is only cut.
"""

from __future__ import annotations

import asyncio

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from service.web.problems import send_problem

RETRY_AFTER_S = 5


def _allowing_head(send: Send) -> Send:
    """`Allow` lists HEAD wherever it lists GET (a 405, an OPTIONS answer)."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [
                (name, value + b", HEAD")
                if name.lower() == b"allow" and b"GET" in value and b"HEAD" not in value
                else (name, value)
                for name, value in message.get("headers", [])
            ]
            message = {**message, "headers": headers}
        await send(message)

    return wrapped


def head_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        send = _allowing_head(send)
        if scope["method"] != "HEAD":
            await app(scope, receive, send)
            return
        ended = False

        async def headers_only(message: Message) -> None:
            nonlocal ended
            if message["type"] != "http.response.body":
                await send(message)
            elif not ended and not message.get("more_body", False):
                ended = True
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await app({**scope, "method": "GET"}, receive, headers_only)

    return middleware


def cut_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await app(scope, receive, tracking)
        except asyncio.CancelledError:
            if not started:
                await send_problem(
                    send,
                    503,
                    "/problems/shutting-down",
                    "the server is stopping and this request did not finish within its grace "
                    "period (WORKER_GRACE_S); nothing was kept of it: send it again",
                    retry_after_s=RETRY_AFTER_S,
                )
            raise

    return middleware
