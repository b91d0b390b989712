"""Oversized request bodies: a 413 that names the limit, and that the client can read.

Litestar answers a body over `request_max_body_size` with a 413 before (or while) reading
it, and its detail is only "Request Entity Too Large". On a kept-alive connection uvicorn
discards the unread rest itself, but when the connection closes after the answer (the
client sent `Connection: close`, as urllib always does; HTTP/1.0; a server shutting down)
the rest is still in the socket, the kernel answers the close with a reset, and a client
that writes its whole body before reading (urllib, http.client) gets a reset or a broken
pipe instead of the answer. Any error answered before the body is read (a 401, a 404) can
be lost the same way.

Two pieces, wired in service/web/app.py:

- `body_limit_middleware` (route level, after routing): a declared `Content-Length` over
  the route's limit is answered at once, without reading; a body without one (chunked) is
  counted and refused as soon as it crosses the limit. The problem's detail names the limit
  and the setting behind it, taken from the route's `opt[LIMIT_SETTING]`.
- `drain_middleware` (outermost): an error answer started while the request body is still
  unread is sent at once with `Connection: close`; before its last byte, the rest of the
  body is read and discarded, up to `MAX_DRAIN_BYTES`, so the close is clean and the client
  reads the answer. Past that bound it stops and closes: the client may then see a reset
  instead of the answer. A client that sent `Expect: 100-continue` and was never told to go
  on is not drained: it holds its body back, and the answer tells it to drop it.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request
from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.handlers import HTTPRouteHandler
from litestar.types import ASGIApp, Message, Receive, ReceiveMessage, Scope, Send

log = logging.getLogger(__name__)

LIMIT_SETTING = "body_limit_setting"  # route `opt` key: the setting that names the limit


def _too_large(limit: int, setting: str | None, declared: int | None) -> RequestEntityTooLarge:
    named = f" ({setting})" if setting else ""
    if declared is None:  # counted while reading: it is over, by how much is unknown
        return RequestEntityTooLarge(
            detail=f"the request body is over the limit of {limit:,} bytes{named}"
        )
    return RequestEntityTooLarge(
        detail=f"the request body has {declared:,} bytes; the limit is {limit:,} bytes{named}"
    )


def _declared_length(headers: Headers) -> int | None:
    raw = headers.get("content-length")
    return int(raw) if raw is not None and raw.strip().isdigit() else None


async def _answer(exc: HTTPException, scope: Scope, receive: Receive, send: Send) -> None:
    """Send the response the app's exception handlers give `exc` (a problem+json), as the
    gate does (service/web/gate.py): from middleware, a raised exception would skip metrics."""
    request: Request[Any, Any, Any] = Request(scope, receive)
    handlers = request.app.exception_handlers
    handler = next(handlers[cls] for cls in type(exc).__mro__ if cls in handlers)
    await handler(request, exc).to_asgi_response(app=None, request=request)(scope, receive, send)


def body_limit_middleware(app: ASGIApp) -> ASGIApp:
    """The route's `request_max_body_size`, enforced with a detail that names it."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        handler = scope.get("route_handler")
        if scope["type"] != ScopeType.HTTP or not isinstance(handler, HTTPRouteHandler):
            await app(scope, receive, send)
            return
        limit = handler.resolve_request_max_body_size()
        if limit is None:
            await app(scope, receive, send)
            return
        setting = handler.opt.get(LIMIT_SETTING)
        declared = _declared_length(Headers.from_scope(scope))
        if declared is not None and declared > limit:
            await _answer(_too_large(limit, setting, declared), scope, receive, send)
            return
        seen = 0

        async def counting_receive() -> ReceiveMessage:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:  # raised inside the handler: its exception handler answers
                    raise _too_large(limit, setting, None)
            return message

        await app(scope, counting_receive, send)

    return middleware


def drain_middleware(app: ASGIApp, max_drain_bytes: int) -> ASGIApp:
    """Read what is left of the request body before an error answer ends (see above)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        headers = Headers.from_scope(scope)
        if not _declared_length(headers) and "transfer-encoding" not in headers:
            await app(scope, receive, send)  # no body to leave behind
            return
        body_done = asked = draining = False

        async def tracked_receive() -> ReceiveMessage:
            nonlocal body_done, asked
            asked = True
            message = await receive()
            body_done = (
                body_done
                or message["type"] != "http.request"
                or not message.get("more_body", False)
            )
            return message

        async def drain() -> None:
            drained = 0
            while not body_done:
                if drained > max_drain_bytes:
                    log.warning(
                        "request body not drained past MAX_DRAIN_BYTES; closing",
                        extra={"path": scope["path"], "drained": drained},
                    )
                    return
                try:
                    message = await tracked_receive()
                except HTTPException:  # the body's deadline (service/web/_slow.py): close
                    return
                drained += len(message.get("body", b"")) if message["type"] == "http.request" else 0

        async def guarded_send(message: Message) -> None:
            nonlocal draining
            if message["type"] == "http.response.start" and message["status"] >= 400:
                waiting = not asked and headers.get("expect", "").lower() == "100-continue"
                if not body_done:
                    draining = not waiting
                    close = (b"connection", b"close")
                    message = {**message, "headers": [*message.get("headers", []), close]}
            elif (
                draining
                and message["type"] == "http.response.body"
                and not message.get("more_body", False)
            ):
                draining = False
                if message.get("body"):  # the answer goes out now; the body's rest is read next
                    await send({**message, "more_body": True})
                await drain()
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await app(scope, tracked_receive, guarded_send)

    return middleware
