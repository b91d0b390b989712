"""Jobs as the API sees them: submit, look at, cancel, read the results. No HTTP here.

Submitting writes the job's record, then puts one SAQ job per article on the queue; workers
(service/jobs/worker.py) do the rest. Everything lives in Redis, so any API replica answers
for any job and any worker can take any article.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from schemas import Job, JobCounts, JobItem, JobLinks, JobRequest, Problem
from service._outage import REDIS_ERRORS
from service.cache import BriefingCache
from service.errors import JobsUnavailable, TooManyArticles
from service.jobs.queue import TASK, ArticleQueue, article_key
from service.jobs.store import JobRecord, JobStore
from service.metrics import JOBS_SUBMITTED

_ENQUEUE_BATCH = 500  # SAQ enqueues one article per round trip; this many at a time
PAGE = 100  # items per page of a job, unless the client asks for another `limit`


@dataclass(slots=True)
class JobService:
    store: JobStore
    queue: ArticleQueue
    cache: BriefingCache
    max_articles: int = 10_000
    heartbeat_s: float = 30.0  # SAQ sweeps an article not heartbeated for this long
    attempts: int = 3

    async def submit(self, request: JobRequest) -> Job:
        """The new job (all items queued); its articles are on the queue when this returns."""
        if len(request.articles) > self.max_articles:
            raise TooManyArticles(
                f"the job has {len(request.articles):,} articles; "
                f"the limit is {self.max_articles:,} (MAX_JOB_ARTICLES)"
            )
        job_id = secrets.token_hex(16)
        with _available():
            await self.store.create(
                job_id, [a.model_dump_json().encode() for a in request.articles]
            )
            await self._enqueue(job_id, len(request.articles))
            record = await self.store.get(job_id, 0, PAGE)
        JOBS_SUBMITTED.inc()
        assert record is not None  # just written
        return view(record, 0, PAGE)

    async def _enqueue(self, job_id: str, total: int) -> None:
        for start in range(0, total, _ENQUEUE_BATCH):
            await asyncio.gather(
                *(
                    self.queue.enqueue(
                        TASK,
                        key=article_key(job_id, index),
                        timeout=0,  # no wall-clock limit: LLM_TIMEOUT_S bounds each LLM call
                        heartbeat=self.heartbeat_s,
                        retries=self.attempts,
                        job_id=job_id,
                        index=index,
                    )
                    for index in range(start, min(start + _ENQUEUE_BATCH, total))
                )
            )

    async def get(self, job_id: str, offset: int = 0, limit: int = PAGE) -> Job | None:
        with _available():
            record = await self.store.get(job_id, offset, limit)
        return None if record is None else view(record, offset, limit)

    async def cancel(self, job_id: str) -> Job | None:
        """Cancels the items still queued (a worker that dequeues one skips it); the ones
        running finish. Idempotent: a finished job, or a second call, changes nothing."""
        with _available():
            if await self.store.cancel(job_id) is None:
                return None
        return await self.get(job_id)

    async def results(self, job_id: str) -> AsyncIterator[bytes] | None:
        """The stored briefing of each finished item, in article order, one per line; None
        for an unknown job. Items not finished yet, failed or cancelled have no line, and
        neither has a briefing that expired from the cache (CACHE_TTL_S) in the meantime."""
        with _available():
            record = await self.store.get(job_id, 0, 0)
        if record is None:
            return None
        return self._lines(job_id, record.total)

    async def _lines(self, job_id: str, total: int) -> AsyncIterator[bytes]:
        async for ids in self.store.briefing_ids(job_id, total):
            for payload in await self.cache.get_many(ids):
                if payload is not None:
                    yield payload + b"\n"


@contextlib.contextmanager
def _available() -> Iterator[None]:
    try:
        yield
    except REDIS_ERRORS as exc:
        raise JobsUnavailable(f"cannot reach Redis, where jobs are kept: {exc}") from exc


def _when(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC)


def view(record: JobRecord, offset: int, limit: int) -> Job:
    """The API's picture of a job record, with links to its pages and results."""
    base = f"/v1/jobs/{record.id}"
    more = limit > 0 and offset + limit < record.total
    return Job(
        id=record.id,
        status=record.status,  # type: ignore[arg-type]  # one of JobStatus by construction
        created_at=datetime.fromtimestamp(record.created_at / 1000, UTC),
        started_at=_when(record.started_at),
        finished_at=_when(record.finished_at),
        total=record.total,
        counts=JobCounts(**record.counts),
        offset=offset,
        limit=limit,
        items=[
            JobItem(
                index=item.index,
                status=item.status,  # type: ignore[arg-type]
                attempts=item.attempts,
                briefing_id=item.briefing_id,
                briefing_url=f"/v1/briefings/{item.briefing_id}" if item.briefing_id else None,
                problem=Problem.model_validate(item.problem) if item.problem else None,
            )
            for item in record.items
        ],
        links=JobLinks(
            self=base,
            results=f"{base}/results",
            next=f"{base}?offset={offset + limit}&limit={limit}" if more else None,
        ),
    )
