"""Nothing lost when Redis dies under a job (issue 23, items 1 and 2, and the chaos run):
real worker processes, a real redis-server with AOF, SIGKILLed and started again on its
files mid-job, the scripted LLM. The API runs in the test's process (make_client).
Fault-injection points (service/jobs/_faults.py) put a kill at one exact line."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from service.jobs._faults import KILLED
from tests.support.drafts import EMPTY_DRAFT
from tests.support.jobs import article
from tests.support.live import ClientFactory, free_port
from tests.support.processes import service_env, worker_processes
from tests.support.redis_server import start_redis_server
from tests.support.scripted_llm import Reply, ScriptedLLM
from tests.support.sse import eventually

FAST_RECOVERY = {"JOB_HEARTBEAT_S": "2", "JOB_SWEEP_S": "1", "LOCK_TTL_S": "1.5"}


class DyingRedis:
    """A redis-server with AOF on a port of its own, to SIGKILL and start again."""

    def __init__(self, aof_dir: Path) -> None:
        self.port, self.aof_dir = free_port(), aof_dir
        self.process = start_redis_server(self.port, aof_dir)
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def kill_for(self, seconds: float) -> None:
        self.kill()
        time.sleep(seconds)
        self.start()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def start(self) -> None:
        """Again, on its files: it replays its AOF, as a production Redis does."""
        self.process = start_redis_server(self.port, self.aof_dir)

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


@pytest.fixture
def dying_redis(tmp_path: Path) -> Iterator[DyingRedis]:
    server = DyingRedis(tmp_path)
    yield server
    server.stop()


def articles(n: int) -> list[dict[str, Any]]:
    return [article(f"Story number {i} happened in Springfield on Monday.") for i in range(n)]


async def wait_done(client: Any, job_id: str, timeout_s: float) -> dict[str, Any]:
    """The job once finished; answers while Redis is away (503s) are waited out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        answer = await client.get(f"/v1/jobs/{job_id}", params={"limit": 1000})
        if answer.status_code == 200 and answer.json()["finished_at"] is not None:
            return dict(answer.json())
        await asyncio.sleep(0.2)
    raise AssertionError(f"the job never finished: {answer.status_code} {answer.text[:2000]}")


def assert_nothing_lost(job: dict[str, Any], store: redis.Redis, total: int) -> None:
    """Done, every item finished with a briefing that is really stored, each its own."""
    assert job["status"] == "done", job["counts"]
    assert job["counts"]["done"] + job["counts"]["cached"] == total, job["counts"]
    ids = [item["briefing_id"] for item in job["items"]]
    assert len(set(ids)) == total
    missing = [i for i in ids if not store.exists(f"gb:briefing:{i}")]
    assert missing == [], f"{len(missing)} item(s) point at briefings that are not stored"


async def test_redis_killed_mid_job_loses_no_briefing(
    make_client: ClientFactory, llm: ScriptedLLM, dying_redis: DyingRedis
) -> None:
    """Item 1: Redis SIGKILLed while two workers brief a 60-article job, back after 3 s.
    Articles briefed during the outage are not recorded done until their briefing is in
    Redis (it was: the in-process cache answered "cached" and nothing was stored)."""
    total = 60
    llm.reset(Reply(arguments=EMPTY_DRAFT, delay_s=0.05))
    env = service_env(llm, dying_redis.url, **FAST_RECOVERY)
    with worker_processes(2, env, args=["--concurrency", "4"]) as workers:
        async with make_client(redis_url=dying_redis.url, job_heartbeat_s=2.0) as client:
            made = await client.post("/v1/jobs", json={"articles": articles(total)})
            job_id = made.json()["id"]
            assert await eventually(lambda: llm.calls >= 15, timeout_s=60)
            await asyncio.to_thread(dying_redis.kill_for, 3.0)
            job = await wait_done(client, job_id, timeout_s=120)
            results = (await client.get(f"/v1/jobs/{job_id}/results")).content.splitlines()
        assert all(worker.poll() is None for worker in workers)
    assert_nothing_lost(job, dying_redis.client(), total)
    assert len(results) == total
    assert llm.calls <= total * 1.1, llm.calls


async def held_by_a_killed_worker(client: Any, llm: ScriptedLLM, env: dict[str, str]) -> str:
    """A one-article job whose article a worker took and then died with (SIGKILL), the
    LLM call in flight: the item is `running`, SAQ's record `active`. The job's id."""
    llm.reset(Reply(arguments=EMPTY_DRAFT, delay_s=30.0))
    with worker_processes(1, env, args=["--concurrency", "1"]) as [holder]:
        made = await client.post("/v1/jobs", json={"articles": articles(1)})
        assert await eventually(lambda: llm.calls == 1, timeout_s=30)
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    return str(made.json()["id"])


async def assert_lost_by_the_queue(client: Any, store: redis.Redis, job_id: str) -> None:
    """What a sweep's abort without its re-queue leaves: the article in no list, its SAQ
    record `aborting`, the item `running` in the job store."""
    record = json.loads(store.get(f"saq:job:gb:articles:{job_id}:0") or b"{}")
    assert record["status"] in ("aborting", "aborted"), record
    assert not store.lrange("saq:gb:articles:queued", 0, -1)
    assert not store.lrange("saq:gb:articles:active", 0, -1)
    stuck = (await client.get(f"/v1/jobs/{job_id}")).json()
    assert stuck["items"][0]["status"] == "running"


async def test_an_article_lost_when_redis_dies_between_a_sweep_s_abort_and_its_requeue(
    make_client: ClientFactory, llm: ScriptedLLM, dying_redis: DyingRedis, tmp_path: Path
) -> None:
    """Item 2 as the issue saw it: a worker dies holding an article; the worker that sweeps
    it pauses between SAQ's abort and its re-queue (FAULT_INJECT=swept-before-requeue:pause)
    while Redis is SIGKILLed, so the re-queue fails. Redis comes back (AOF) with the article
    in no list; the sweeper's own reconciler finds the item in the job store and queues it
    again. Without the reconciler the job never finishes."""
    env = service_env(llm, dying_redis.url, **FAST_RECOVERY)
    store = dying_redis.client()
    marker, log = tmp_path / "paused", tmp_path / "sweeper.log"
    paused = env | {"FAULT_INJECT": "swept-before-requeue:pause", "FAULT_MARKER": str(marker)}
    async with make_client(redis_url=dying_redis.url, job_heartbeat_s=2.0) as client:
        job_id = await held_by_a_killed_worker(client, llm, env)
        llm.reset(Reply(arguments=EMPTY_DRAFT))
        with log.open("wb") as output, worker_processes(1, paused, output=output) as [sweeper]:
            assert await eventually(marker.exists, timeout_s=30)
            await assert_lost_by_the_queue(client, store, job_id)
            dying_redis.kill()
            marker.unlink()  # the sweeper carries on into its re-queue, and Redis is gone
            failed = b"could not be put back on the queue"
            assert await eventually(lambda: failed in log.read_bytes(), timeout_s=30)
            await asyncio.to_thread(dying_redis.start)
            job = await wait_done(client, job_id, timeout_s=60)
            assert sweeper.poll() is None  # it lived through the outage, and recovered it
    assert_nothing_lost(job, store, 1)
    assert b"was unfinished but lost by the queue (aborting)" in log.read_bytes()
    assert llm.calls == 1  # the recovered delivery (the reset dropped the first call)


async def test_an_article_lost_when_the_sweeper_dies_between_abort_and_requeue(
    make_client: ClientFactory, llm: ScriptedLLM, dying_redis: DyingRedis
) -> None:
    """Item 2, the other way to lose it: the worker that sweeps the dead worker's article
    dies between SAQ's abort and its re-queue (FAULT_INJECT=swept-before-requeue). A third
    worker's reconciler finds the item in the job store and queues it again."""
    env = service_env(llm, dying_redis.url, **FAST_RECOVERY)
    store = dying_redis.client()
    async with make_client(redis_url=dying_redis.url, job_heartbeat_s=2.0) as client:
        job_id = await held_by_a_killed_worker(client, llm, env)
        faulty = env | {"FAULT_INJECT": "swept-before-requeue"}
        with worker_processes(1, faulty) as [sweeper]:
            assert await asyncio.to_thread(sweeper.wait, 30) == KILLED
        await assert_lost_by_the_queue(client, store, job_id)
        llm.reset(Reply(arguments=EMPTY_DRAFT))
        with worker_processes(1, env):
            job = await wait_done(client, job_id, timeout_s=60)
    assert_nothing_lost(job, store, 1)
    assert llm.calls == 1  # the recovered delivery (the reset dropped the first call)


async def test_chaos_redis_killed_twice_and_a_worker_once_nothing_lost(
    make_client: ClientFactory, llm: ScriptedLLM, dying_redis: DyingRedis
) -> None:
    """The issue's done-when: a 200-article job on three workers; Redis SIGKILLed twice
    (back after 2 s each time) and a worker SIGKILLed once. Every item ends with exactly
    one stored briefing, the job is done, and the LLM was called at most 1.05 × articles."""
    total = 200
    llm.reset(Reply(arguments=EMPTY_DRAFT, delay_s=0.05))
    env = service_env(llm, dying_redis.url, **FAST_RECOVERY)
    with worker_processes(3, env, args=["--concurrency", "4"]) as workers:
        async with make_client(redis_url=dying_redis.url, job_heartbeat_s=2.0) as client:
            made = await client.post("/v1/jobs", json={"articles": articles(total)})
            job_id = made.json()["id"]
            assert await eventually(lambda: llm.calls >= 30, timeout_s=60)
            await asyncio.to_thread(dying_redis.kill_for, 2.0)
            assert await eventually(lambda: llm.calls >= 80, timeout_s=60)
            workers[0].send_signal(signal.SIGKILL)
            assert await eventually(lambda: llm.calls >= 130, timeout_s=60)
            await asyncio.to_thread(dying_redis.kill_for, 2.0)
            job = await wait_done(client, job_id, timeout_s=240)
            results = (await client.get(f"/v1/jobs/{job_id}/results")).content.splitlines()
        assert [w.poll() is None for w in workers] == [False, True, True]
    assert_nothing_lost(job, dying_redis.client(), total)
    assert [json.loads(line)["id"] for line in results] == [i["briefing_id"] for i in job["items"]]
    assert llm.calls <= total * 1.05, llm.calls
    print(f"chaos: {llm.calls} LLM calls for {total} articles")
