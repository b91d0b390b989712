"""Jobs as the API sees them: submit, look at, cancel, read the results. No HTTP here.

Submitting writes the job's record, then puts one SAQ job per article on the queue; workers
(service/jobs/worker.py) do the rest. Everything lives in Redis, so any API replica answers
for any job and any worker can take any article.

The two steps are not one transaction (SAQ's keys are its own), so the record is marked
unqueued until its articles are on the queue; an API that dies in between leaves the mark,
and a worker's `reconcile` finishes the enqueueing. Enqueueing twice is harmless: SAQ keeps
an article's key unique while it waits, and the store starts an item once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from schemas import (
    BriefingRequest,
    BriefingResponse,
    Job,
    JobCounts,
    JobItem,
    JobLinks,
    JobRequest,
    Problem,
)
from schemas.job import FeedReport
from schemas.merged import JobEvents, JobEventsLinks
from service.errors import FetchFailed, JobIncomplete, JobsUnavailable, TooManyArticles
from service.ingest.entries import FeedArticles, FeedReader
from service.jobs._faults import fault_point
from service.jobs._recover import recover_lost
from service.jobs.queue import ArticleQueue, article_job
from service.jobs.store import JobRecord, JobStore
from service.merge import Report, merge_events
from service.merge.reports import article_of, reports_of
from service.metrics import JOBS_SUBMITTED
from service.store.access import ANONYMOUS, Caller
from service.store.cache import BriefingCache
from service.store.client import REDIS_ERRORS
from service.tenancy import Tenancy

log = logging.getLogger(__name__)

PAGE = 100  # items per page of a job, unless the client asks for another `limit`


@dataclass(slots=True)
class JobService:
    store: JobStore
    queue: ArticleQueue
    cache: BriefingCache
    max_articles: int = 10_000
    heartbeat_s: float = 30.0  # SAQ sweeps an article not heartbeated for this long
    attempts: int = 3
    tenancy: Tenancy | None = None  # what the job's tenant sees of its briefings
    feeds: FeedReader | None = None  # reads a job's `feed`; None: feeds are refused

    async def submit(self, request: JobRequest, caller: Caller = ANONYMOUS) -> Job:
        """The new job (all items queued), owned by the caller's tenant; its articles are on
        the queue when this returns. A feed job's articles are its new entries."""
        if incomplete := request.incomplete():
            raise JobIncomplete(*incomplete)
        if request.articles is not None:
            return await self._submit(request.articles, caller)
        if self.feeds is None:
            raise FetchFailed("feed", "disabled", "this server reads no feeds")
        with _available():
            claimed = await self.feeds.articles(request, caller.tenant)
        try:
            return await self._submit(claimed.articles, caller, claimed)
        except BaseException:
            with contextlib.suppress(*REDIS_ERRORS):
                await self.feeds.release(caller.tenant, claimed)
            raise

    async def _submit(
        self, articles: list[BriefingRequest], caller: Caller, feed: FeedArticles | None = None
    ) -> Job:
        if len(articles) > self.max_articles:
            raise TooManyArticles(
                f"the job has {len(articles):,} articles; "
                f"the limit is {self.max_articles:,} (MAX_JOB_ARTICLES)"
            )
        job_id = secrets.token_hex(16)
        report = feed.report.model_dump_json().encode() if feed is not None else None
        with _available():
            await self.store.create(
                job_id,
                [a.model_dump_json().encode() for a in articles],
                caller.tenant,
                report,
                claims=feed.claims if feed is not None else None,
            )
            fault_point("job-recorded")
            if articles:
                await self._enqueue(job_id, range(len(articles)))
            else:
                await self.store.enqueued(job_id)
            record = await self.store.get(job_id, 0, PAGE)
        JOBS_SUBMITTED.inc()
        assert record is not None  # just written
        return view(record, 0, PAGE)

    async def _enqueue(self, job_id: str, indices: range | list[int]) -> int:
        jobs = [
            article_job(job_id, i, heartbeat_s=self.heartbeat_s, attempts=self.attempts)
            for i in indices
        ]
        added = await self.queue.enqueue_many(jobs)
        await self.store.enqueued(job_id)
        return added

    async def reconcile(self, older_than_s: float) -> int:
        """Enqueue the articles of jobs whose creator died before queueing them all (marked
        unqueued for longer than `older_than_s`), and the unfinished items the queue lost
        (service/jobs/_recover.py); how many articles that put on the queue.

        Only items still `queued` are enqueued; one already queued is skipped by SAQ, and
        one a worker has started is not queued any more."""
        added = 0
        for job_id in await self.store.unqueued(int(older_than_s * 1000)):
            indices = await self.store.queued(job_id)
            new = await self._enqueue(job_id, indices)
            if new:
                log.warning("job %s: %d article(s) were never queued; queued now", job_id, new)
            added += new
        # and the unfinished items the queue lost (a sweep's abort without its re-queue)
        return added + await recover_lost(
            self.store, self.queue, heartbeat_s=older_than_s, attempts=self.attempts
        )

    async def get(
        self, job_id: str, offset: int = 0, limit: int = PAGE, caller: Caller | None = None
    ) -> Job | None:
        """The job, or None: unknown, expired, or another tenant's (`caller`: who asks; None,
        the service itself, sees every job)."""
        with _available():
            record = await self.store.get(job_id, offset, limit)
        if record is None or not _sees(caller, record.owner):
            return None
        return view(record, offset, limit)

    async def cancel(self, job_id: str, caller: Caller | None = None) -> Job | None:
        """Cancels the items still queued (a worker that dequeues one skips it); the ones
        running finish. Idempotent: a finished job, or a second call, changes nothing."""
        with _available():
            if not await self._owned(job_id, caller) or await self.store.cancel(job_id) is None:
                return None
        return await self.get(job_id)

    async def delete(self, job_id: str, caller: Caller | None = None) -> bool:
        """The job is gone: its queued articles never start, and later reads answer 404.
        Articles already running finish, and their briefings stay in the cache."""
        with _available():
            return await self._owned(job_id, caller) and await self.store.delete(job_id)

    async def _owned(self, job_id: str, caller: Caller | None) -> bool:
        owner = await self.store.owner(job_id)
        return owner is not None and _sees(caller, owner)

    async def results(
        self, job_id: str, caller: Caller | None = None
    ) -> AsyncIterator[bytes] | None:
        """The stored briefing of each finished item, in article order, one per line; None
        for an unknown job (or another tenant's). Items not finished yet, failed or
        cancelled have no line, and neither has a briefing that expired from the cache
        (CACHE_TTL_S) in the meantime."""
        with _available():
            record = await self.store.get(job_id, 0, 0)
        if record is None or not _sees(caller, record.owner):
            return None
        return self._lines(job_id, record.total, record.owner)

    async def events(self, job_id: str, caller: Caller | None = None) -> JobEvents | None:
        """The job's events merged across its articles (service/merge/), from the briefings
        finished so far; None for an unknown job (or another tenant's). Computed on each
        call: a running job's answer grows as its articles finish."""
        reports: list[Report] = []
        briefed = expired = 0
        with _available():
            record = await self.store.get(job_id, 0, 0)
            if record is None or not _sees(caller, record.owner):
                return None
            async for page in self.store.finished(job_id, record.total):
                ids = [briefing_id for _, briefing_id in page]
                stored = await self.cache.get_many(ids)
                articles = await self.cache.get_many(ids, kind="article")
                for (index, _), payload, article in zip(page, stored, articles, strict=True):
                    if payload is None:
                        expired += 1
                        continue
                    briefed += 1
                    briefing = BriefingResponse.model_validate_json(payload)
                    reports.extend(reports_of(index, briefing, article_of(article)))
        merged = await asyncio.to_thread(merge_events, reports)
        return JobEvents(
            job_id=job_id,
            status=record.status,  # one of JobStatus by construction
            articles=record.total,
            briefed=briefed,
            expired=expired,
            reports=len(reports),
            events=merged,
            links=events_links(job_id),
        )

    async def _lines(self, job_id: str, total: int, owner: str) -> AsyncIterator[bytes]:
        """Each stored briefing as the job's tenant sees it (service/tenancy.py)."""
        tenant = None if self.tenancy is None or owner == ANONYMOUS.tenant else Caller(owner)
        async for ids in self.store.briefing_ids(job_id, total):
            for briefing_id, payload in zip(ids, await self.cache.get_many(ids), strict=True):
                if payload is not None and tenant is not None and self.tenancy is not None:
                    payload = await self.tenancy.stored(tenant, briefing_id, payload)
                if payload is not None:
                    yield payload + b"\n"


def _sees(caller: Caller | None, owner: str) -> bool:
    """A tenant sees its own jobs; the admin scope, and the service itself, see all."""
    return caller is None or caller.admin or caller.tenant == owner


@contextlib.contextmanager
def _available() -> Iterator[None]:
    try:
        yield
    except REDIS_ERRORS as exc:
        raise JobsUnavailable(f"cannot reach Redis, where jobs are kept: {exc}") from exc


def events_links(job_id: str) -> JobEventsLinks:
    base = f"/v1/jobs/{job_id}"
    return JobEventsLinks(job=base, self=f"{base}/events", csv=f"{base}/events.csv")


def _when(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC)


def view(record: JobRecord, offset: int, limit: int) -> Job:
    """The API's picture of a job record, with links to its pages and results."""
    base = f"/v1/jobs/{record.id}"
    more = limit > 0 and offset + limit < record.total
    return Job(
        id=record.id,
        status=record.status,  # one of JobStatus by construction
        created_at=datetime.fromtimestamp(record.created_at / 1000, UTC),
        started_at=_when(record.started_at),
        finished_at=_when(record.finished_at),
        total=record.total,
        counts=JobCounts(**record.counts),
        offset=offset,
        limit=limit,
        feed=(
            FeedReport.model_validate_json(record.feed).model_copy(update={"failed": record.unread})
            if record.feed
            else None
        ),
        items=[
            JobItem(
                index=item.index,
                status=item.status,
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
