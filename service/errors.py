"""Failures the briefing service reports, each with the HTTP status it maps to.

They subclass Litestar's HTTPException so the problem-details plugin renders them as
application/problem+json; nothing here is cached.
"""

from __future__ import annotations

from litestar.exceptions import HTTPException


class BriefingError(HTTPException):
    status_code = 500
    title = "Briefing failed"
    problem_type = "about:blank"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail=detail, status_code=self.status_code, headers=headers)


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


class ArticleAbandoned(BriefingError):
    """The queue gave up on an article: every attempt died with its worker or crashed."""

    status_code = 500
    title = "Article could not be processed"
    problem_type = "/problems/article-abandoned"
