"""Slow request bodies (slowloris): a deadline for the body, and a cap on bodies in transit.

uvicorn times out idle keep-alive connections, not a request whose body never arrives: a
client that declares 1,000 bytes and sends 5 held its connection, and its task, for as long
as it liked, and 200 such clients were all held. Outermost in the app (outside the drain of
service/web/_drain.py, whose reads it bounds too):

- the whole body must arrive within `BODY_TIMEOUT_S` of the request's headers; past that
  the request is answered with a 408 problem and its connection closed;
- at most `MAX_PENDING_BODIES` requests of this process may be waiting for their bodies at
  once; one more is answered at once with a 503 problem and `Retry-After`, its body unread,
  and its connection closed. A body that arrives at network speed is pending for
  milliseconds, so the cap is only ever reached by clients that stall.
"""

from __future__ import annotations

import asyncio

from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_408_REQUEST_TIMEOUT
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send

from service.web.problems import send_problem

BUSY_RETRY_AFTER_S = 5


class BodyTimeout(HTTPException):
    status_code = HTTP_408_REQUEST_TIMEOUT


def _late(timeout_s: float) -> BodyTimeout:
    return BodyTimeout(
        detail=f"the request body did not arrive within {timeout_s:g} s (BODY_TIMEOUT_S); "
        "the connection is closed",
        headers={"Connection": "close"},
    )


def _has_body(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() != b"0"):
            return True
    return False


def slow_body_middleware(app: ASGIApp, timeout_s: float, max_pending: int) -> ASGIApp:
    pending = 0

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal pending
        if scope["type"] != ScopeType.HTTP or not _has_body(scope):
            await app(scope, receive, send)
            return
        if pending >= max_pending:
            await send_problem(
                send,
                503,
                "/problems/too-many-pending-bodies",
                f"{max_pending} requests are already sending their bodies to this server "
                "(MAX_PENDING_BODIES); retry shortly",
                retry_after_s=BUSY_RETRY_AFTER_S,
            )
            return
        pending += 1
        waiting, late = True, False
        deadline = asyncio.get_running_loop().time() + timeout_s

        def arrived() -> None:
            nonlocal waiting, pending
            if waiting:
                waiting = False
                pending -= 1

        async def timed_receive() -> ReceiveMessage:
            nonlocal late
            if late:  # every read after the deadline fails, the drain's too
                raise _late(timeout_s)
            if not waiting:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                late = True
                arrived()  # the connection closes with the answer: no longer pending
                raise _late(timeout_s) from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                arrived()
            return message

        try:
            await app(scope, timed_receive, send)
        finally:
            arrived()

    return middleware
