"""What every request leaves behind: an id, an access log line, and HTTP metrics.

The id is the client's `X-Request-ID` when it is sane, else a fresh one; it is echoed as a
header and stamped on every log line the request causes (service/logs.py holds it).
"""

from __future__ import annotations

import re
import time
import uuid

from litestar.enums import ScopeType
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from service.logs import access_log, request_id
from service.metrics import PREFIX

REQUEST_ID_HEADER = "x-request-id"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == REQUEST_ID_HEADER.encode():
            text = value.decode("latin-1")
            return text if _SANE_ID.match(text) else None
    return None


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """Assign the id, echo it as `X-Request-ID` on every response, and log one access line."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        method = scope["method"]  # http scopes have one
        rid = _incoming_id(scope) or uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.encode(), rid.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            access_log.info(
                "%s %s %s",
                method,
                scope["path"],
                status,
                extra={
                    "method": method,
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            request_id.reset(token)

    return middleware


def prometheus() -> tuple[PrometheusConfig, type[PrometheusController]]:
    """HTTP metrics middleware and the /metrics endpoint (left out of the OpenAPI spec)."""
    config = PrometheusConfig(
        app_name="grounded-briefings",
        prefix=PREFIX,
        group_path=True,  # label by route template, not by briefing id
        exclude=["/metrics", "/static", "/schema"],
    )

    class MetricsController(PrometheusController):
        path = "/metrics"
        include_in_schema = False

    return config, MetricsController
