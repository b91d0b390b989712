"""Every error leaves as application/problem+json (RFC 9457), never a bare 500.

The core raises plain BriefingErrors (service/errors.py, which also says what their body
is); this is where they, Litestar's own HTTP exceptions and anything unexpected become
problem responses.
"""

from __future__ import annotations

import json
from typing import Any

from litestar.exceptions import HTTPException, ValidationException
from litestar.plugins.problem_details import (
    ProblemDetailsConfig,
    ProblemDetailsException,
    ProblemDetailsPlugin,
)
from litestar.types import Send

from schemas.article import field_path
from service.errors import BriefingError, problem, problem_fields, status_title
from service.metrics import ERRORS


def _response(
    body: dict[str, Any], headers: dict[str, str] | None, extra: Any = None
) -> ProblemDetailsException:
    return ProblemDetailsException(
        status_code=body["status"],
        type_=body["type"],
        title=body["title"],
        detail=body["detail"],
        extra=extra,
        headers=headers,
    )


def from_briefing_error(exc: BriefingError) -> ProblemDetailsException:
    return _response(problem(exc), exc.headers, exc.extra)


def from_http_exception(exc: HTTPException) -> ProblemDetailsException:
    """Keep Litestar's detail as `detail` (its default puts it in `title`)."""
    if isinstance(exc, ValidationException):
        # Litestar raises this for malformed JSON and for schema violations alike; `extra`
        # (when present) lists each offending field path (`key`) and the reason (`message`).
        type_, title = "/problems/invalid-request", "Invalid request"
    else:
        type_, title = "about:blank", status_title(exc.status_code)
    ERRORS.labels(str(exc.status_code), type_).inc()
    extra = exc.extra
    if isinstance(extra, list):
        extra = [
            {**e, "key": field_path(e["key"])} if isinstance(e, dict) and e.get("key") else e
            for e in extra
        ]
    return ProblemDetailsException(
        status_code=exc.status_code,
        type_=type_,
        title=title,
        detail=exc.detail,
        extra=extra,
        headers=exc.headers,
    )


def from_unexpected(exc: Exception) -> ProblemDetailsException:
    return _response(problem(exc), None)


def problem_details_plugin() -> ProblemDetailsPlugin:
    return ProblemDetailsPlugin(
        ProblemDetailsConfig(
            exception_to_problem_detail_map={
                BriefingError: from_briefing_error,
                HTTPException: from_http_exception,
                Exception: from_unexpected,
            },
        )
    )


async def send_problem(
    send: Send, status: int, type_: str, detail: str, *, retry_after_s: int | None = None
) -> None:
    """A problem answered from ASGI middleware, outside Litestar's handlers, on a connection
    that is then closed (the request's body may still be unread)."""
    title = status_title(status)
    ERRORS.labels(str(status), type_).inc()
    payload = json.dumps(problem_fields(status, title, detail, type_)).encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(payload)).encode()),
        (b"connection", b"close"),
    ]
    if retry_after_s is not None:
        headers.append((b"retry-after", str(retry_after_s).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload, "more_body": False})
