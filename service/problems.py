"""Every error leaves as application/problem+json (RFC 9457), never a bare 500."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any, cast

from litestar import Request
from litestar.exceptions import HTTPException, ValidationException
from litestar.plugins.problem_details import (
    ProblemDetailsConfig,
    ProblemDetailsException,
    ProblemDetailsPlugin,
)

from service.errors import BriefingError
from service.metrics import ERRORS

log = logging.getLogger(__name__)


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def from_http_exception(exc: HTTPException) -> ProblemDetailsException:
    """Keep Litestar's detail as `detail` (its default puts it in `title`)."""
    if isinstance(exc, BriefingError):
        type_, title = exc.problem_type, exc.title
    elif isinstance(exc, ValidationException):
        # Litestar raises this for malformed JSON and for schema violations alike; `extra`
        # (when present) lists each offending field path (`key`) and the reason (`message`).
        type_, title = "/problems/invalid-request", "Invalid request"
    else:
        type_, title = "about:blank", _title(exc.status_code)
    ERRORS.labels(str(exc.status_code), type_).inc()
    return ProblemDetailsException(
        status_code=exc.status_code,
        type_=type_,
        title=title,
        detail=exc.detail,
        extra=exc.extra,
        headers=exc.headers,
    )


def from_unexpected(exc: Exception) -> ProblemDetailsException:
    log.exception("unhandled error", exc_info=exc)
    ERRORS.labels("500", "about:blank").inc()
    return ProblemDetailsException(
        status_code=500,
        type_="about:blank",
        title=_title(500),
        detail="an unexpected error occurred; it has been logged",
    )


def problem_details_plugin() -> ProblemDetailsPlugin:
    return ProblemDetailsPlugin(
        ProblemDetailsConfig(
            exception_to_problem_detail_map={
                HTTPException: from_http_exception,
                Exception: from_unexpected,
            },
        )
    )


def problem_body(exc: BaseException) -> dict[str, Any]:
    """The problem JSON an error would be answered with, for a response already under way
    (a stream's `problem` frame). Headers such as Retry-After cannot follow; they are lost."""
    problem = (
        from_http_exception(exc)
        if isinstance(exc, HTTPException)
        else from_unexpected(exc if isinstance(exc, Exception) else RuntimeError(repr(exc)))
    )
    # to_response only builds the body and headers; it does not read the request.
    return problem.to_response(cast("Request[Any, Any, Any]", None)).content
