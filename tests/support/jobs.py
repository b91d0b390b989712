"""Helpers for job tests: a worker in the test's own event loop, and waiting for a job."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol

from saq import Worker
from saq.types import Context

from service.jobs.worker import build_worker
from service.runtime import open_runtime
from service.settings import Settings


class Http(Protocol):
    async def get(self, url: str, **kwargs: Any) -> Any: ...


@contextlib.asynccontextmanager
async def in_process_worker(
    settings: Settings, concurrency: int = 4
) -> AsyncIterator[Worker[Context]]:
    """`python -m service worker`, minus the process: its own Runtime, the same task."""
    async with open_runtime(settings) as runtime:
        worker = build_worker(runtime, concurrency, signals=False)
        task = asyncio.create_task(worker.start())
        try:
            yield worker
        finally:
            await worker.stop()
            await task


async def job_when(
    http: Http, job_id: str, ready: Callable[[dict[str, Any]], bool], timeout_s: float = 30.0
) -> dict[str, Any]:
    """The job (all items listed) once `ready(job)` holds; polls."""
    deadline = time.monotonic() + timeout_s
    while True:
        job: dict[str, Any] = (await http.get(f"/v1/jobs/{job_id}", params={"limit": 1000})).json()
        if ready(job):
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"the job never got there: {job}")
        await asyncio.sleep(0.05)


async def finished(http: Http, job_id: str, timeout_s: float = 30.0) -> dict[str, Any]:
    """The job once every item has finished (`finished_at` set)."""
    return await job_when(http, job_id, lambda job: job["finished_at"] is not None, timeout_s)


def article(text: str, **options: int) -> dict[str, Any]:
    return (
        {"article": {"text": text}, "options": options} if options else {"article": {"text": text}}
    )
