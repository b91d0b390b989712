"""`python -m service worker`: brief the articles of jobs, as many processes as you like.

A worker opens the same Runtime as the API (service/runtime.py) and briefs each article with
the same `BriefingService.brief` a `POST /v1/briefings` goes through: the same cache keys,
the same single-flight across processes, the same LLM retry policy, and whatever limit is
put on LLM calls there applies to workers too. An article already cached finishes at once as
`cached`; a briefing error is recorded on the item as the problem the API would answer with.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import socket
import time

from prometheus_client import start_http_server
from saq import Worker
from saq.job import Job as SaqJob
from saq.types import Context

from schemas import BriefingRequest
from service._heartbeat import beating
from service.errors import BriefingError
from service.jobs._outcomes import failed
from service.jobs.queue import TASK
from service.logs import configure_logging
from service.metrics import JOB_ARTICLES
from service.problems import problem_body
from service.runtime import Runtime, open_runtime
from service.settings import Settings

log = logging.getLogger(__name__)


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
        except BriefingError as exc:
            await failed(store, job_id, index, problem_body(exc))
            _log(job, "failed", started, f"{exc.status_code} {exc.title}: {exc.detail}")
            return "failed"
    name = "cached" if outcome.cached else "done"
    if await store.finish(job_id, index, outcome.briefing_id, cached=outcome.cached):
        JOB_ARTICLES.labels(name).inc()
    _log(job, name, started, outcome.briefing_id[:12])
    return name


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


def build_worker(runtime: Runtime, concurrency: int, *, signals: bool = True) -> Worker[Context]:
    """A SAQ worker on the runtime's queue; `signals=False` for one inside a test's loop."""

    async def brief_article(ctx: Context, *, job_id: str, index: int) -> str:
        return await brief_item(runtime, ctx["job"], job_id, index)

    settings = runtime.settings
    worker: Worker[Context] = Worker(
        runtime.jobs.queue,
        id=f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}",  # no ":" (SAQ keys)
        functions=[(TASK, brief_article)],
        concurrency=concurrency,
        timers={"sweep": settings.job_sweep_s, "abort": 1, "schedule": 1, "worker_info": 10},
    )
    if not signals:
        worker.SIGNALS = []
    return worker


async def run_worker(settings: Settings, concurrency: int) -> None:
    """Until SIGINT or SIGTERM; articles in flight then go back on the queue."""
    configure_logging(settings.log_format, settings.log_level)
    if settings.worker_metrics_port:
        start_http_server(settings.worker_metrics_port)
    async with open_runtime(settings) as runtime:
        worker = build_worker(runtime, concurrency)
        log.info("worker %s: %d article(s) at a time", worker.id, concurrency)
        await worker.start()
