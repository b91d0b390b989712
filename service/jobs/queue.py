"""The SAQ queue the articles of every job go through: one SAQ job per article.

SAQ owns delivery: a worker takes an article off the queue (BLMOVE to its active list), and
while the article is in flight the task heartbeats it. A worker that dies stops heartbeating;
the next sweep (any live worker, every `JOB_SWEEP_S`) finds the article stale after
`JOB_HEARTBEAT_S` and puts it back on the queue for another worker, up to `JOB_ATTEMPTS`
times. The job store (service/jobs/store.py) owns what the article's outcome is, so a
duplicate delivery changes nothing there.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from redis import asyncio as aioredis
from saq.job import Job, Status
from saq.queue.redis import RedisQueue

from service.settings import Settings

log = logging.getLogger(__name__)

TASK = "brief_article"
"""The name workers register the task under (service/jobs/worker.py)."""

SWEEP_ABORT_S = 1.0
"""How long a sweep waits for a stale article's worker to abort it (see ArticleQueue.sweep)."""

GaveUp = Callable[[str, int, Status, int], Awaitable[None]]
"""Called with (job id, index, SAQ's final status, attempts) when SAQ stops trying."""


class ArticleQueue(RedisQueue):
    """SAQ's Redis queue, which also says when it gives up on an article.

    SAQ's last word on a job is `finish`: FAILED after the task raised on its last attempt,
    ABORTED when a sweep found it stale and no attempt is left. The task records every
    outcome it can see itself; these two it cannot (it crashed, or its worker died), so the
    queue reports them and the job's item fails instead of staying `running` forever.
    A stale article that is still retryable is also aborted on the worker that held it (if
    that worker lives), then retried: that is not giving up, hence `retryable`.
    """

    def __init__(self, redis: Any, *, name: str, gave_up: GaveUp | None = None) -> None:
        super().__init__(redis, name=name)
        self.gave_up = gave_up

    async def sweep(self, lock: int = 60, abort: float = 5.0) -> list[str]:
        """SAQ's sweep, waiting `SWEEP_ABORT_S` rather than 5 s for each stale article's
        worker to let go of it before putting it back on the queue.

        The sweep judges every active article by what it read when it started, so after a
        few 5-second waits it takes live articles for dead ones too. A live worker lets go
        of an aborted article within a second (it checks every second), and a duplicate
        delivery costs an LLM call at worst (the job store records an article once), so
        a short wait is the better trade."""
        return await super().sweep(lock, abort=SWEEP_ABORT_S)

    async def retry(self, job: Job, error: str | None) -> None:
        why = {"swept": "its worker stopped heartbeating", "cancelled": "its worker stopped"}
        last = (error or "").strip().splitlines()[-1:] or ["?"]
        log.warning("%s back on the queue: %s", job.key, why.get(last[0], last[0]))
        await super().retry(job, error)

    async def finish(
        self,
        job: Job,
        status: Status,
        *,
        result: Any = None,
        error: str | None = None,
        **kwargs: Any,
    ) -> None:
        await super().finish(job, status, result=result, error=error, **kwargs)
        final = status is Status.FAILED or (status is Status.ABORTED and not job.retryable)
        if final and self.gave_up is not None and job.function == TASK:
            arguments = job.kwargs or {}
            last = (error or "").strip().splitlines()[-1:] or [status.value]
            log.warning("gave up on %s after %d attempt(s): %s", job.key, job.attempts, last[0])
            await self.gave_up(arguments["job_id"], arguments["index"], status, job.attempts)


def open_queue(settings: Settings, gave_up: GaveUp | None = None) -> ArticleQueue:
    """Its own Redis client: a worker's dequeue blocks on the connection (BLMOVE), which the
    cache's fail-fast client (2 s socket timeout) would cut."""
    return ArticleQueue(
        aioredis.from_url(settings.redis_url),
        name=f"{settings.cache_prefix}:articles",
        gave_up=gave_up,
    )


def article_key(job_id: str, index: int) -> str:
    """SAQ's key for the article: enqueueing it twice is a no-op (SAQ keeps keys unique)."""
    return f"{job_id}:{index}"
