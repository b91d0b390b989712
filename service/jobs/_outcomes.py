"""Recording an article's failure: by the task itself, or by the queue when SAQ gives up."""

from __future__ import annotations

from typing import Any

from saq.job import Status

from service.errors import ArticleAbandoned, problem
from service.jobs.store import JobStore
from service.metrics import JOB_ARTICLES

# a feed entry whose page could not be had: what a feed job's report counts as unread
UNREAD = frozenset({"/problems/fetch-failed", "/problems/page-unreadable"})


async def failed(store: JobStore, job_id: str, index: int, problem: dict[str, Any]) -> None:
    if await store.fail(job_id, index, problem):  # counted once, however often delivered
        JOB_ARTICLES.labels("failed").inc()
        await store.entry_failed(job_id, index, unread=problem.get("type") in UNREAD)


async def gave_up(store: JobStore, job_id: str, index: int, status: Status, attempts: int) -> None:
    """SAQ stopped trying an article (service/jobs/queue.py): the item fails, saying why."""
    why = (
        "its worker stopped responding"
        if status is Status.ABORTED
        else "the worker hit an unexpected error"
    )
    detail = f"{why} on each of {attempts} attempt(s) (JOB_ATTEMPTS); it is not retried again"
    await failed(store, job_id, index, problem(ArticleAbandoned(detail)))
