"""The SAQ queue the articles of every job go through: one SAQ job per article.

SAQ owns delivery: a worker takes an article off the queue (BLMOVE to its active list), and
while the article is in flight the task heartbeats it. A worker that dies stops heartbeating;
the next sweep (any live worker, every `JOB_SWEEP_S`) finds the article stale after
`JOB_HEARTBEAT_S` and puts it back on the queue for another worker, up to `JOB_ATTEMPTS`
times. The job store (service/jobs/store.py) owns what the article's outcome is, so a
duplicate delivery changes nothing there.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from redis import asyncio as aioredis
from saq.job import Job, Status
from saq.queue.redis import RedisQueue
from saq.utils import now

from service.jobs._faults import fault_point
from service.jobs._outcomes import gave_up
from service.jobs.store import JobStore
from service.settings import Settings

log = logging.getLogger(__name__)

TASK = "brief_article"
"""The name workers register the task under (service/jobs/worker.py)."""

SWEEP_ABORT_S = 1.0
"""How long a sweep waits for a stale article's worker to abort it (see ArticleQueue.sweep)."""

_PIPELINE = 1_000  # articles per round trip in `enqueue_many`

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
        self.draining = False  # set by a stopping worker (service/jobs/worker.py)

    async def dequeue(self, timeout: float = 0.0, poll_interval: float = 0.0) -> Job | None:  # noqa: ASYNC109 (SAQ's signature)
        """SAQ's dequeue, except while the worker drains: then it takes nothing, and an
        article taken just as draining began goes straight back (no attempt was counted)."""
        if self.draining:
            return None
        job = await super().dequeue(timeout, poll_interval)
        if job is not None and self.draining:
            await super().retry(job, "draining")
            return None
        return job

    async def sweep(self, lock: int = 60, abort: float = 5.0) -> list[str]:
        """SAQ's sweep, waiting `SWEEP_ABORT_S` rather than 5 s for each stale article's
        worker to let go of it before putting it back on the queue.

        The sweep judges every active article by what it read when it started, so after a
        few 5-second waits it takes live articles for dead ones too. A live worker lets go
        of an aborted article within a second (it checks every second), and a duplicate
        delivery costs an LLM call at worst (the job store records an article once), so
        a short wait is the better trade."""
        return await super().sweep(lock, abort=SWEEP_ABORT_S)

    async def enqueue_many(self, jobs: Sequence[Job]) -> int:
        """Put many articles on the queue, pipelined: SAQ's own enqueue script, one round
        trip per `_PIPELINE` articles instead of one each (10,000 took 3–4 s one by one).

        The first goes through `enqueue`, which registers SAQ's script; the pipeline loads
        it again should the server have lost it. Returns how many were new (SAQ skips a key
        already queued or running)."""
        if not jobs:
            return 0
        added = int(await self.enqueue(jobs[0]) is not None)
        script = self._enqueue_script
        assert script is not None  # registered by the enqueue above
        for start in range(1, len(jobs), _PIPELINE):
            async with self.redis.pipeline(transaction=False) as pipe:
                for job in jobs[start : start + _PIPELINE]:
                    job.queue, job.queued, job.status = self, now(), Status.QUEUED
                    keys = [self._incomplete, job.id, self._queued, job.abort_id]
                    await script(keys, [self.serialize(job), job.scheduled], client=pipe)
                added += sum(1 for result in await pipe.execute() if result)
        return added

    async def retry(self, job: Job, error: str | None) -> None:
        """Back on the queue. "cancelled" is SAQ's word for a worker that stopped with the
        article in flight (after WORKER_GRACE_S): that attempt is not counted against
        JOB_ATTEMPTS, so a rolling deploy burns none."""
        if error == self.swept_error_message:
            fault_point("swept-before-requeue")  # between the sweep's abort and this
        why = {"swept": "its worker stopped heartbeating", "cancelled": "its worker stopped"}
        last = (error or "").strip().splitlines()[-1:] or ["?"]
        log.warning("%s back on the queue: %s", job.key, why.get(last[0], last[0]))
        if error == "cancelled":
            job.attempts = max(0, job.attempts - 1)
        try:
            await super().retry(job, error)
        except Exception as exc:  # Redis away: after a sweep's abort it is in no list now
            log.error(
                "%s could not be put back on the queue (%s): if it is lost, the reconciler "
                "queues it again once Redis answers (service/jobs/_recover.py)",
                job.key,
                type(exc).__name__,
            )
            raise

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


def open_queue(settings: Settings, store: JobStore | None = None) -> ArticleQueue:
    """Its own Redis client: a worker's dequeue blocks on the connection (BLMOVE), which the
    cache's fail-fast client (2 s socket timeout) would cut. Always a plain Redis, at
    QUEUE_REDIS_URL (default REDIS_URL): SAQ cannot run on a Redis Cluster (docs/deploy.md),
    so with REDIS_CLUSTER the queue lives on a Redis of its own beside the cluster.

    With `store`, an article SAQ gives up on is recorded failed there."""
    return ArticleQueue(
        aioredis.from_url(settings.queue_url),
        name=f"{settings.cache_prefix}:articles",
        gave_up=None if store is None else functools.partial(gave_up, store),
    )


def article_key(job_id: str, index: int) -> str:
    """SAQ's key for the article: enqueueing it twice is a no-op (SAQ keeps keys unique)."""
    return f"{job_id}:{index}"


def article_job(job_id: str, index: int, *, heartbeat_s: float, attempts: int) -> Job:
    """The SAQ job that carries one article of a job to a worker."""
    return Job(
        function=TASK,
        key=article_key(job_id, index),
        timeout=0,  # no wall-clock limit: LLM_TIMEOUT_S bounds each LLM call
        heartbeat=math.ceil(heartbeat_s),  # whole seconds; never 0, which would mean none
        retries=attempts,
        kwargs={"job_id": job_id, "index": index},
    )
