"""Items the queue lost: unfinished in the job store, with nothing in the queue behind them.

SAQ's sweep puts a dead worker's article back on the queue in two steps: it aborts it (out
of every list, its record `aborting`), then, after a wait, re-queues it. If Redis dies, or
the sweeping worker does, between the two, the article is in no list and nobody will ever
deliver it again, while the job store still says `running` (or `queued`, if it died before
a worker recorded its start): the job never finishes.

So the reconciler (every worker, every `JOB_SWEEP_S`) also checks, whenever nothing is
waiting on the queue (a cheap LLEN; the scan is then short, and it never competes with a
busy queue), each open job's unfinished items against the queue: an item whose SAQ record
is missing, or neither queued nor active, and was last touched longer ago than
`JOB_HEARTBEAT_S`, is queued again with the attempts it had. SAQ refuses the key while the
abort's own marker lives (5 s), so a sweep that is merely slow re-queues first; a duplicate
delivery would cost one LLM call at most (the store records an article once).
"""

from __future__ import annotations

import logging
import time

from saq.job import Status

from service.jobs.queue import ArticleQueue, article_job, article_key
from service.jobs.store import JobStore

log = logging.getLogger(__name__)

_DELIVERABLE = (Status.QUEUED, Status.ACTIVE)


async def recover_lost(
    store: JobStore, queue: ArticleQueue, *, heartbeat_s: float, attempts: int
) -> int:
    """Queue again the unfinished items of open jobs that the queue lost; how many."""
    if await queue.count("queued"):
        return 0  # work is waiting: whatever was lost is found once it has drained
    recovered = 0
    now_ms = int(time.time() * 1000)
    unqueued = set(await store.unqueued(0))  # the other reconciler's (still being queued)
    for job_id in await store.open_jobs():
        record = await store.get(job_id, 0, 0)
        if record is None or record.finished_at is not None:
            await store.closed(job_id)
            continue
        young = now_ms - record.created_at < heartbeat_s * 1000
        if (
            job_id in unqueued
            or young
            or not record.counts.get("running", 0) + record.counts.get("queued", 0)
        ):
            continue
        indices = await store.unfinished(job_id)
        if not indices:
            continue
        held = await queue.jobs(article_key(job_id, i) for i in indices)
        for index, saq_job in zip(indices, held, strict=True):
            if saq_job is not None and (
                saq_job.status in _DELIVERABLE or now_ms - saq_job.touched < heartbeat_s * 1000
            ):
                continue
            job = article_job(job_id, index, heartbeat_s=heartbeat_s, attempts=attempts)
            job.attempts = saq_job.attempts if saq_job is not None else 0
            if await queue.enqueue(job) is not None:
                recovered += 1
                why = "missing" if saq_job is None else saq_job.status.value
                log.warning(
                    "%s was unfinished but lost by the queue (%s): queued again", job.key, why
                )
    return recovered
