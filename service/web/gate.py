"""The one gate in front of the routes: public paths pass, others need an API key (when any
is configured), and `/v1/` requests count against the caller's rate limit.

Public by default (`PUBLIC_PATHS`, comma-separated path prefixes): /health, /ready, /schema
(the OpenAPI document and its viewers), /static and /metrics. The rate limit applies to
`/v1/` only and is kept per API key, or per client address when auth is off (the socket's
peer: behind a proxy that is the proxy, so set keys there). See service/store/apikeys.py and
service/store/ratelimit.py for what happens when Redis is down.

A refusal is rendered here, through the app's own exception handlers (the problem-details
plugin), rather than raised: raised, it would bypass the metrics middleware around this one,
which would then count a 401 as a 200.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import Headers
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import BriefingError
from service.store.access import ANONYMOUS, Caller, Gate

CALLER = "caller"


def gate_middleware(app: ASGIApp) -> ASGIApp:
    """The gate as ASGI middleware; the gate itself lives in the runtime (its Redis client)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        gate: Gate = scope["litestar_app"].state.runtime.gate
        if scope["type"] != "http" or gate.is_public(scope["path"]):
            await app(scope, receive, send)
            return
        client = scope.get("client")
        try:
            caller, decision = await gate.admit(
                scope["path"], Headers.from_scope(scope), client[0] if client else "unknown"
            )
        except BriefingError as exc:
            await _answer(exc, scope, receive, send)
            return
        scope.setdefault("state", {})[CALLER] = caller  # routes read it (caller_of)
        if decision is not None:
            send = _adding_headers(send, decision.headers())
            if not decision.allowed:
                await _answer(decision.refusal(), scope, receive, send)
                return
        await app(scope, receive, send)

    return middleware


def caller_of(request: Request[Any, Any, Any]) -> Caller:
    """Who the gate let in: the tenant whose jobs a route may touch (anonymous on a public
    path, or with auth off)."""
    caller = request.scope.get("state", {}).get(CALLER, ANONYMOUS)
    return caller if isinstance(caller, Caller) else ANONYMOUS


def _adding_headers(send: Send, headers: dict[str, str]) -> Send:
    encoded = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *encoded]}  # type: ignore[typeddict-item]
        await send(message)

    return wrapped


async def _answer(exc: Exception, scope: Scope, receive: Receive, send: Send) -> None:
    """Send the response the app's exception handlers give `exc` (a problem+json)."""
    request: Request[Any, Any, Any] = Request(scope, receive)
    handlers = request.app.exception_handlers
    handler = next(handlers[cls] for cls in type(exc).__mro__ if cls in handlers)
    response = handler(request, exc)
    await response.to_asgi_response(app=None, request=request)(scope, receive, send)
