"""`python -m service worker`: brief the articles of jobs, as many processes as you like.

A worker opens the same Runtime as the API (service/runtime.py) and briefs each article with
the same `BriefingService.brief` a `POST /v1/briefings` goes through: the same cache keys,
the same single-flight across processes, the same LLM retry policy, and whatever limit is
put on LLM calls there applies to workers too. An article already cached finishes at once as
`cached`; a briefing error is recorded on the item as the problem the API would answer with.

On SIGTERM (or SIGINT) a worker drains: it takes no new article, lets those in flight finish
for up to `WORKER_GRACE_S`, and only then stops them; they go back on the queue without an
attempt counted, for another worker. Every worker also reconciles: it queues the articles of
a job whose API died between recording the job and queueing them (JobService.reconcile).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from saq import Worker
from saq.job import Job as SaqJob
from saq.types import Context

from schemas import BriefingRequest
from service.errors import BriefingError, problem
from service.jobs._outcomes import failed
from service.jobs.queue import TASK, ArticleQueue
from service.jobs.store import ANONYMOUS_OWNER
from service.metrics import JOB_ARTICLES
from service.store.client import REDIS_ERRORS
from service.store.heartbeat import beating

if TYPE_CHECKING:  # the runtime builds workers' clients; the CLI opens it (no cycle)
    from service.runtime import Runtime

log = logging.getLogger(__name__)

STORE_WAIT_S = 10.0  # how long an article briefed during a Redis outage waits to be stored


class BriefingNotStored(Exception):
    """An article was briefed but its briefing did not reach Redis: deliver it again."""


async def brief_item(runtime: Runtime, job: SaqJob, job_id: str, index: int) -> str:
    """One article of a job; what became of it (for SAQ's record and the log)."""
    store = runtime.jobs.store
    raw = await store.start(job_id, index)
    if raw is None:  # finished by an earlier delivery, cancelled, or the job expired
        return "skipped"
    request = BriefingRequest.model_validate_json(raw)
    started = time.perf_counter()
    async with _heartbeat(job, runtime.settings.job_heartbeat_s / 4):
        try:
            outcome = await runtime.briefings.brief(request)
        except asyncio.CancelledError:
            if runtime.jobs.queue.draining:  # this worker is stopping: hand the item back
                await store.release(job_id, index)
                _log(job, "released", started, "the worker is stopping")
            raise
        except BriefingError as exc:
            await failed(store, job_id, index, problem(exc))
            _log(job, "failed", started, f"{exc.status_code} {exc.title}: {exc.detail}")
            return "failed"
    if not await _stored(runtime, outcome.briefing_id):
        # Briefed while Redis was away (the store failed, and the service fails open): not
        # done until it is stored. Raised, SAQ delivers it again; Redis's outage, not the
        # article, cost the attempt, so it is not counted against JOB_ATTEMPTS.
        job.attempts = max(0, job.attempts - 1)
        raise BriefingNotStored(f"{job.key}: briefing {outcome.briefing_id[:12]} is not stored")
    cached = outcome.cached
    if (owner := await store.owner(job_id)) not in (None, ANONYMOUS_OWNER):
        # `cached` only if the job's tenant had it before (service/tenancy.py)
        first, _ = await runtime.tenancy.claim(str(owner), outcome.briefing_id)
        cached = cached and not first
    name = "cached" if cached else "done"
    if await store.finish(job_id, index, outcome.briefing_id, cached=cached):
        JOB_ARTICLES.labels(name).inc()
    _log(job, name, started, outcome.briefing_id[:12])
    return name


async def _stored(runtime: Runtime, briefing_id: str) -> bool:
    """Whether the briefing is in Redis, storing it again (no new LLM call) while Redis
    comes back from an outage, for up to STORE_WAIT_S."""
    waited = 0.0
    while True:
        with contextlib.suppress(*REDIS_ERRORS):
            if await runtime.briefings.cache.stored(briefing_id):
                return True
        if await runtime.briefings.cache.persist(briefing_id):
            return True
        if waited >= STORE_WAIT_S:
            return False
        await asyncio.sleep(0.5)
        waited += 0.5


def _log(job: SaqJob, outcome: str, started: float, about: str) -> None:
    """One line per article: a worker's access log."""
    seconds = time.perf_counter() - started
    log.info("%s %s in %.2f s, attempt %d: %s", job.key, outcome, seconds, job.attempts, about)


def _heartbeat(job: SaqJob, every_s: float) -> contextlib.AbstractAsyncContextManager[None]:
    """Touch the SAQ job while the article is in flight, so a sweep leaves it alone; once
    this process dies the touches stop and the article goes back on the queue."""

    async def touch() -> None:
        try:
            await job.update()
        except Exception as exc:  # a missed beat is not worth the article
            log.warning("heartbeat for %s failed: %s", job.key, exc)

    return beating(every_s, touch)


class ArticleWorker(Worker[Context]):
    """SAQ's worker, which drains before it stops and reconciles while it runs.

    SAQ's own `stop` waits its grace period on every task, its timers too, so it always
    waits the whole period; this one waits only for the articles in flight."""

    def __init__(
        self,
        queue: ArticleQueue,
        *,
        grace_s: float,
        reconcile: Callable[[], Awaitable[int]],
        reconcile_every_s: float,
        **kwargs: Any,
    ) -> None:
        super().__init__(queue, dequeue_timeout=1.0, **kwargs)  # idle: re-polls each second
        self.articles = queue
        self.grace_s = grace_s
        self.reconcile = reconcile
        self.reconcile_every_s = reconcile_every_s

    async def upkeep(self) -> list[asyncio.Task[None]]:
        return [*await super().upkeep(), asyncio.create_task(self._reconciling())]

    async def _reconciling(self) -> None:
        while True:
            try:
                await self.reconcile()
            except Exception as exc:  # Redis away: the next round tries again
                log.warning("reconciling jobs failed: %s", exc)
            await asyncio.sleep(self.reconcile_every_s)

    async def stop(self) -> None:
        self.event.set()  # no new process task starts
        self.articles.draining = True  # and the idle ones take nothing (ArticleQueue.dequeue)
        in_flight = [task for task in self.tasks if task.get_name() == "process"]
        if in_flight:
            _, late = await asyncio.wait(in_flight, timeout=self.grace_s)
            if late:
                log.warning(
                    "%d article(s) still in flight after WORKER_GRACE_S=%s s: back on the "
                    "queue, uncounted",
                    len(late),
                    self.grace_s,
                )
        await super().stop()  # cancels what is left: SAQ re-queues it (ArticleQueue.retry)


def build_worker(runtime: Runtime, concurrency: int, *, signals: bool = True) -> ArticleWorker:
    """A SAQ worker on the runtime's queue; `signals=False` for one inside a test's loop."""

    async def brief_article(ctx: Context, *, job_id: str, index: int) -> str:
        return await brief_item(runtime, ctx["job"], job_id, index)

    settings = runtime.settings
    worker = ArticleWorker(
        runtime.jobs.queue,
        grace_s=settings.worker_grace_s,
        reconcile=functools.partial(runtime.jobs.reconcile, settings.job_heartbeat_s),
        reconcile_every_s=settings.job_sweep_s,
        id=f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}",  # no ":" (SAQ keys)
        functions=[(TASK, brief_article)],
        concurrency=concurrency,
        timers={"sweep": settings.job_sweep_s, "abort": 1, "schedule": 1, "worker_info": 10},
    )
    if not signals:
        worker.SIGNALS = []
    return worker
