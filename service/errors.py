"""Failures the briefing service reports, each with the HTTP status it maps to.

Plain exceptions: the core raises them without knowing about HTTP frameworks, and
service/web/problems.py renders them as application/problem+json (RFC 9457) at the edge.
`problem()` is the body itself, for answers that are not an HTTP response: a stream's
`problem` frame, a job item's failure, the CLI's report. Nothing here is cached.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from service.metrics import ERRORS

log = logging.getLogger(__name__)

UNEXPECTED = "an unexpected error occurred; it has been logged"


class BriefingError(Exception):
    status_code = 500
    title = "Briefing failed"
    problem_type = "about:blank"

    def __init__(
        self,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | list[Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra

    def __str__(self) -> str:
        return f"{self.status_code}: {self.detail}"


def status_title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_fields(
    status: int, title: str, detail: str, type_: str = "about:blank", extra: Any = None
) -> dict[str, Any]:
    """A problem body; a mapping `extra` adds members, a list goes under `extra` (as Litestar)."""
    body: dict[str, Any] = {"status": status, "type": type_, "title": title, "detail": detail}
    if isinstance(extra, dict):
        body.update(extra)
    elif extra:
        body["extra"] = extra
    return body


def problem(exc: BaseException) -> dict[str, Any]:
    """The body `exc` is answered with; anything but a BriefingError is a logged 500.

    Counted in briefings_errors_total like every HTTP error. Headers (Retry-After) cannot
    follow a body that is not a response; they are lost.
    """
    if isinstance(exc, BriefingError):
        ERRORS.labels(str(exc.status_code), exc.problem_type).inc()
        return problem_fields(exc.status_code, exc.title, exc.detail, exc.problem_type, exc.extra)
    log.exception("unhandled error", exc_info=exc)
    ERRORS.labels("500", "about:blank").inc()
    return problem_fields(500, status_title(500), UNEXPECTED)


class LLMUnavailable(BriefingError):
    status_code = 503
    title = "LLM backend unavailable"
    problem_type = "/problems/llm-unavailable"


class LLMTimeout(BriefingError):
    status_code = 504
    title = "LLM backend timed out"
    problem_type = "/problems/llm-timeout"


class LLMBadOutput(BriefingError):
    status_code = 502
    title = "LLM output could not be used"
    problem_type = "/problems/llm-bad-output"


class ArticleTooLarge(BriefingError):
    status_code = 413
    title = "Article too large"
    problem_type = "/problems/article-too-large"


class TooManyArticles(BriefingError):
    status_code = 413
    title = "Too many articles"
    problem_type = "/problems/too-many-articles"


class JobsUnavailable(BriefingError):
    """Jobs live in Redis: without it there is nothing to submit to or read from."""

    status_code = 503
    title = "Job store unavailable"
    problem_type = "/problems/jobs-unavailable"


class StoreUnavailable(BriefingError):
    """A stored briefing was asked for by id and Redis, where it would be, did not answer:
    not a 404, since it may well be there."""

    status_code = 503
    title = "Briefing store unavailable"
    problem_type = "/problems/store-unavailable"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"Retry-After": "5"})


class ArticleAbandoned(BriefingError):
    """The queue gave up on an article: every attempt died with its worker or crashed."""

    status_code = 500
    title = "Article could not be processed"
    problem_type = "/problems/article-abandoned"


# Ingest (service/ingest): fetching pages and feeds for a briefing. All 422: the request was
# well formed, but what it points at could not be used as an article.


class FetchFailed(BriefingError):
    """A page or feed could not be fetched; `cause` says which step refused or failed
    (scheme, blocked, dns, connect, timeout, status, type, size, redirects)."""

    status_code = 422
    title = "Page could not be fetched"
    problem_type = "/problems/fetch-failed"

    def __init__(self, url: str, cause: str, detail: str) -> None:
        super().__init__(f"{url}: {cause}: {detail}", extra={"url": url, "cause": cause})
        self.url = url
        self.cause = cause


class PageUnreadable(BriefingError):
    """The page had too little article text to brief (a paywall stub, a cookie wall, an
    index page): refused rather than briefing a teaser as if it were the article."""

    status_code = 422
    title = "Page has no readable article"
    problem_type = "/problems/page-unreadable"

    def __init__(self, detail: str, *, reason: str, chars: int) -> None:
        super().__init__(detail, extra={"field": "article.html", "reason": reason, "chars": chars})
        self.reason = reason
        self.chars = chars


class FeedUnreadable(BriefingError):
    """An RSS or Atom document that could not be parsed into any entry."""

    status_code = 422
    title = "Feed could not be read"
    problem_type = "/problems/feed-unreadable"


class JobIncomplete(BriefingError):
    """A job with neither articles nor a feed, or both; a feed with neither url nor xml.
    Well-formed JSON the schema accepts (JSON Schema tools read rules across fields badly):
    the service answers them itself, naming the field."""

    status_code = 422
    title = "Job request incomplete"
    problem_type = "/problems/job-incomplete"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}", extra={"field": field, "reason": reason})
