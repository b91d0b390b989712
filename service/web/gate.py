"""The one gate in front of the routes: public paths pass, others need an API key (when any
is configured), and `/v1/` requests count against the caller's rate limit.

Public by default (`PUBLIC_PATHS`, comma-separated path prefixes): /health, /ready, /schema
(the OpenAPI document and its viewers) and /static; /login and /logout always. /metrics has
its own door (METRICS_TOKEN, or an admin key). The rate limit applies to `/v1/` only and is
kept per API key, or per client address when auth is off (the socket's peer, or the client
a TRUSTED_PROXIES proxy names). A browser that opens a page without a session is sent to
the sign-in form (service/web/routes/session.py) instead of a 401. See
service/store/apikeys.py and service/store/ratelimit.py for what happens when Redis is down.

A refusal is rendered here, through the app's own exception handlers (the problem-details
plugin), rather than raised: raised, it would bypass the metrics middleware around this one,
which would then count a 401 as a 200.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request
from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import BriefingError
from service.store.access import ANONYMOUS, Caller, Gate
from service.store.apikeys import Unauthorized, presented_key

CALLER = "caller"
PAGE_PREFIXES = ("/briefings/", "/jobs/")  # the HTML pages (service/web/routes/pages.py)
LOGIN_PATH = "/login"  # the sign-in form (service/web/routes/session.py); always public
LOGOUT_PATH = "/logout"


def gate_middleware(app: ASGIApp) -> ASGIApp:
    """The gate as ASGI middleware; the gate itself lives in the runtime (its Redis client)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        gate: Gate = scope["litestar_app"].state.runtime.gate
        if (
            scope["type"] != ScopeType.HTTP
            or gate.is_public(scope["path"])
            or scope["path"] in (LOGIN_PATH, LOGOUT_PATH)
        ):
            await app(scope, receive, send)
            return
        client = scope.get("client")
        try:
            headers = Headers.from_scope(scope)
            address = client[0] if client else "unknown"
            method = scope["method"]  # http scopes have one
            caller, decision = await gate.admit(scope["path"], headers, address, method)
        except Unauthorized as exc:
            if _is_page_visit(scope, headers):  # a person with a browser: to the sign-in form
                await _see_other(send, login_url(scope))
            else:
                await _answer(exc, scope, receive, send)
            return
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


def _is_page_visit(scope: Scope, headers: Headers) -> bool:
    """A browser asking for a page without a session: GET or HEAD of an HTML page, no key."""
    return (
        scope["method"] in ("GET", "HEAD")  # type: ignore[typeddict-item]
        and scope["path"].startswith(PAGE_PREFIXES)
        and presented_key(headers) is None
    )


def login_url(scope: Scope) -> str:
    query = scope.get("query_string", b"").decode("latin-1")
    target = scope["path"] + (f"?{query}" if query else "")
    return f"{LOGIN_PATH}?{urlencode({'next': target})}"


async def _see_other(send: Send, location: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [(b"location", location.encode()), (b"content-length", b"0")],
        }
    )
    await send({"type": "http.response.body", "body": b"", "more_body": False})


def caller_of(request: Request[Any, Any, Any]) -> Caller:
    """Who the gate let in: the tenant whose jobs a route may touch (anonymous on a public
    path, or with auth off)."""
    caller = request.scope.get("state", {}).get(CALLER, ANONYMOUS)
    return caller if isinstance(caller, Caller) else ANONYMOUS


def _adding_headers(send: Send, headers: dict[str, str]) -> Send:
    encoded = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *encoded]}
        await send(message)

    return wrapped


async def _answer(exc: Exception, scope: Scope, receive: Receive, send: Send) -> None:
    """Send the response the app's exception handlers give `exc` (a problem+json)."""
    request: Request[Any, Any, Any] = Request(scope, receive)
    handlers = request.app.exception_handlers
    handler = next(handlers[cls] for cls in type(exc).__mro__ if cls in handlers)
    response = handler(request, exc)
    await response.to_asgi_response(app=None, request=request)(scope, receive, send)
