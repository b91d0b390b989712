"""Two API processes and two workers on one Redis behave as one service.

Each is a real OS process (`python -m service serve`, `python -m service worker`) on
loopback; only Redis and the scripted LLM are shared. One test, because four cold starts
cost ~20 s on a small machine: the cache, single-flight, the rate limit and a job, each
checked across the processes.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import redis

from tests.support.drafts import SEED_TEXT, good_draft
from tests.support.processes import service_env, service_processes, worker_processes
from tests.support.scripted_llm import Reply, ScriptedLLM

LIMIT = 30  # requests per minute per key
POLLER, FLOOD = "poller-key-0123456789", "flood-key-0123456789"


def story(n: int) -> dict[str, Any]:
    """The seed text with a sentence of its own: a new cache key the good draft still fits."""
    return {"article": {"text": f"{SEED_TEXT.rstrip()}\n\nReplica dispatch {n}.\n"}}


async def _done(http: httpx.AsyncClient, read_from: str, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # slow polls: the poller's key is rate-limited too
        job: dict[str, Any] = (await http.get(f"{read_from}/v1/jobs/{job_id}")).json()
        if job["status"] == "done":
            return job
        await asyncio.sleep(0.5)
    raise AssertionError(f"job {job_id} did not finish: {job}")


def _workers_that_briefed(redis_url: str) -> set[str]:
    """The workers SAQ's finished article jobs name (kept in Redis for a while after)."""
    client = redis.Redis.from_url(redis_url)
    try:
        jobs = [json.loads(client.get(k) or b"{}") for k in client.scan_iter("saq:job:*")]
    finally:
        client.close()
    return {job["worker_id"] for job in jobs if job.get("worker_id")}


async def test_two_apis_and_two_workers_share_cache_flights_limits_and_jobs(
    llm: ScriptedLLM, redis_url: str
) -> None:
    llm.reset(Reply(arguments=good_draft(), delay_s=0.5))
    env = service_env(
        llm,
        redis_url,
        API_KEYS=f"poller:{POLLER},flood:{FLOOD}",
        RATE_LIMIT=f"{LIMIT}/minute",
        WORKER_CONCURRENCY="2",
    )
    with (
        service_processes(2, env) as [(one, _), (two, _)],
        worker_processes(2, env, args=["--concurrency", "2"]),
    ):
        async with httpx.AsyncClient(headers={"X-API-Key": POLLER}, timeout=30) as http:
            # The cache: computed behind one API, a hit behind the other, the same bytes.
            first = await http.post(f"{one}/v1/briefings", json=story(0))
            second = await http.post(f"{two}/v1/briefings", json=story(0))
            assert (first.headers["x-cache"], second.headers["x-cache"]) == ("miss", "hit")
            assert second.json() == first.json() | {"meta": first.json()["meta"] | {"cached": True}}
            assert llm.calls == 1

            # Single-flight: the same new article at once through both APIs and a job on the
            # workers makes one LLM call.
            racing = story(1)
            answers = await asyncio.gather(
                http.post(f"{one}/v1/briefings", json=racing),
                http.post(f"{two}/v1/briefings", json=racing),
                http.post(f"{one}/v1/jobs", json={"articles": [racing]}),
            )
            assert [a.status_code for a in answers] == [200, 200, 202]
            assert answers[0].json()["id"] == answers[1].json()["id"]
            job = await _done(http, two, answers[2].json()["id"])  # joined the flight, or a hit
            assert job["items"][0]["briefing_id"] == answers[0].json()["id"]
            assert llm.calls == 2

            # A job submitted to one API, read from the other, briefed by both workers.
            articles = [story(100 + i) for i in range(8)]
            submitted = await http.post(f"{one}/v1/jobs", json={"articles": articles})
            assert submitted.status_code == 202, submitted.text
            job = await _done(http, two, submitted.json()["id"])
            assert job["counts"] == {
                "queued": 0,
                "running": 0,
                "done": 8,
                "cached": 0,
                "failed": 0,
                "cancelled": 0,
            }
            results = (await http.get(f"{one}/v1/jobs/{job['id']}/results")).content
            assert len(results.splitlines()) == 8
            assert llm.calls == 2 + 8
            assert len(_workers_that_briefed(redis_url)) == 2

        # The rate limit: one budget per key across both APIs.
        async with httpx.AsyncClient(headers={"X-API-Key": FLOOD}, timeout=30) as http:
            missing = "/v1/briefings/" + "0" * 64
            floods = await asyncio.gather(*(http.get(url + missing) for url in (one, two) * 20))
        statuses = sorted(a.status_code for a in floods)
        assert statuses == [404] * LIMIT + [429] * (40 - LIMIT)
