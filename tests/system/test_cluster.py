"""REDIS_CLUSTER=1: the whole service on a real three-master Redis Cluster on loopback ports.

Cache, single-flight, rate limit, LLM slots, API keys and the job store run on the cluster;
the job queue (SAQ) runs on a plain Redis beside it (QUEUE_REDIS_URL, here the tests' Redis),
because SAQ cannot run on a cluster: `test_saq_cannot_run_on_a_cluster` records why.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from litestar.testing import AsyncTestClient
from redis.asyncio import RedisCluster
from redis.crc import key_slot
from redis.exceptions import ClusterCrossSlotError, RedisClusterException
from saq.job import Job
from saq.queue.redis import RedisQueue

from service.jobs.queue import TASK
from service.settings import Settings
from service.store.apikeys import add_key, apikey_command
from service.store.cache import BriefingCache
from service.store.client import ClusterClient, connect
from service.store.singleflight import RedisSingleFlight
from service.web.app import create_app
from tests.support.articles import retitled
from tests.support.drafts import EMPTY_DRAFT, good_draft
from tests.support.jobs import article, finished, in_process_worker
from tests.support.live import serve
from tests.support.scripted_llm import Reply, ScriptedLLM

_MISSING = [b for b in ("redis-server", "redis-cli") if shutil.which(b) is None]
pytestmark = pytest.mark.skipif(
    bool(_MISSING), reason=f"{' and '.join(_MISSING)} not installed: no local Redis Cluster"
)

# Keys on several slots in one command: refused by redis-py, or (on a client's first command,
# before it knows the cluster's layout) by the node itself.
CROSS_SLOT = (RedisClusterException, ClusterCrossSlotError)
CROSS_SLOT_MESSAGE = "all keys must map to the same key slot|don't hash to the same slot"
UNKNOWN_ID = "0" * 64  # a well-formed briefing id nobody stored: a cheap 404 behind the gate


def _free_ports(n: int) -> list[int]:
    """`n` distinct free loopback ports (held open together while they are picked)."""
    with ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(n)]
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in socks]


def _wait_until(check: Any, what: str, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if check():
                return
        except redis.RedisError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the local Redis Cluster never got there: {what}")
        time.sleep(0.05)


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[int]]:
    """Three masters, no replicas, nothing on disk; their client ports."""
    directory: Path = tmp_path_factory.mktemp("redis-cluster")
    ports = _free_ports(6)  # each node's client port and cluster-bus port
    nodes = list(zip(ports[:3], ports[3:], strict=True))
    processes = []
    try:
        for port, bus in nodes:
            log = (directory / f"{port}.log").open("wb")
            options = (
                f"--port {port} --cluster-port {bus} --cluster-enabled yes "
                f"--cluster-config-file nodes-{port}.conf --appendonly no --bind 127.0.0.1 "
                f"--daemonize no --dir {directory}"
            )
            command = ["redis-server", *options.split(), "--save", ""]
            processes.append(
                subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=directory)
            )
            log.close()
        clients = [redis.Redis(port=port) for port, _ in nodes]
        for client in clients:
            _wait_until(client.ping, "every node answers PING")
        masters = [f"127.0.0.1:{port}" for port, _ in nodes]
        create = ["redis-cli", "--cluster", "create", *masters, "--cluster-replicas", "0"]
        subprocess.run([*create, "--cluster-yes"], check=True, capture_output=True, timeout=60)
        for client in clients:
            _wait_until(
                lambda c=client: (
                    c.cluster("info")["cluster_state"] == "ok"
                    and c.cluster("info")["cluster_known_nodes"] == "3"
                ),
                "cluster_state:ok on every node",
            )
            client.close()
        yield [port for port, _ in nodes]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


@pytest.fixture
def nodes(cluster: list[int]) -> Iterator[list[redis.Redis]]:
    """A plain client per node (to see where keys are), every node emptied before the test."""
    clients = [redis.Redis(port=port) for port in cluster]
    for client in clients:
        client.flushall()
    yield clients
    for client in clients:
        client.close()


@pytest.fixture
def cluster_settings(settings: Settings, cluster: list[int], nodes: list[redis.Redis]) -> Settings:
    """The tests' settings on the cluster; the queue on the tests' plain Redis. No memory
    cache, so a hit is read from the cluster."""
    return settings.replace(
        redis_url=f"redis://127.0.0.1:{cluster[1]}/0",  # any node will do
        redis_cluster=True,
        queue_redis_url=settings.redis_url,
        memory_cache_mb=0,
    )


def holders(nodes: list[redis.Redis], pattern: str) -> list[list[bytes]]:
    """The keys matching `pattern`, node by node."""
    return [sorted(node.keys(pattern)) for node in nodes]


@asynccontextmanager
async def two_replicas(settings: Settings) -> AsyncIterator[list[httpx.AsyncClient]]:
    """Two apps, each with its own runtime (clients, locks, in-flight work), under uvicorn:
    only what they share through the cluster keeps them in step."""
    with ExitStack() as stack:
        urls = [stack.enter_context(serve(settings)) for _ in range(2)]
        async with (
            httpx.AsyncClient(base_url=urls[0], timeout=60) as a,
            httpx.AsyncClient(base_url=urls[1], timeout=60) as b,
        ):
            yield [a, b]


async def test_a_briefing_is_cached_on_the_cluster_and_read_back(
    cluster_settings: Settings, llm: ScriptedLLM, seed: dict[str, Any], nodes: list[redis.Redis]
) -> None:
    llm.reset(Reply(arguments=good_draft()))
    async with AsyncTestClient(app=create_app(cluster_settings)) as client:
        ready = (await client.get("/ready")).json()
        first = await client.post("/v1/briefings", json=seed)
        second = await client.post("/v1/briefings", json=seed)
        briefing_id = first.json()["id"]
        stored = await client.get(f"/v1/briefings/{briefing_id}")
    async with AsyncTestClient(app=create_app(cluster_settings)) as other:  # another replica
        elsewhere = await other.post("/v1/briefings", json=seed)
    assert (ready["status"], ready["cache"]) == ("ready", "redis")
    assert (first.status_code, first.headers["x-cache"]) == (200, "miss")
    assert (second.status_code, second.headers["x-cache"]) == (200, "hit")
    assert (elsewhere.status_code, elsewhere.headers["x-cache"]) == (200, "hit")
    assert stored.status_code == 200
    assert stored.json()["briefing"] == first.json()["briefing"]
    assert second.json()["id"] == elsewhere.json()["id"] == briefing_id
    assert llm.calls == 1
    # on exactly one node: the one that owns the key's slot
    key = f"gb:briefing:{briefing_id}".encode()
    assert sum(key in keys for keys in holders(nodes, "gb:briefing:*")) == 1


async def test_briefings_spread_over_the_nodes_and_are_read_back_in_one_call(
    cluster_settings: Settings, llm: ScriptedLLM, seed: dict[str, Any], nodes: list[redis.Redis]
) -> None:
    """Twelve briefings land on more than one node (one on each of two is a 6e-6 chance of
    a false failure); `get_many` (job results) reads them across slots, gaps as None."""
    llm.reset(Reply(arguments=good_draft()))
    async with AsyncTestClient(app=create_app(cluster_settings)) as client:
        answers = [await client.post("/v1/briefings", json=retitled(seed, n)) for n in range(12)]
    assert [a.status_code for a in answers] == [200] * 12
    assert llm.calls == 12
    per_node = [len(keys) for keys in holders(nodes, "gb:briefing:*")]
    assert sum(per_node) == 12
    assert sum(1 for n in per_node if n) >= 2, per_node
    ids = [a.json()["id"] for a in answers]
    redis_cluster = connect(cluster_settings.redis_url, cluster=True)
    try:
        cache = BriefingCache(redis=redis_cluster, ttl_s=60)
        stored = await cache.get_many([*ids, UNKNOWN_ID])
    finally:
        await redis_cluster.aclose()
    assert stored[-1] is None
    assert [json.loads(s or b"{}")["id"] for s in stored[:-1]] == ids


async def test_single_flight_makes_one_llm_call_for_two_replicas(
    cluster_settings: Settings, llm: ScriptedLLM, seed: dict[str, Any], nodes: list[redis.Redis]
) -> None:
    """Eight identical requests over two replicas: one LLM call. The waiters are woken by
    the holder's message (pub/sub through the cluster), not by the lock's 30 s TTL."""
    llm.reset(Reply(arguments=good_draft(), delay_s=1.0))
    async with two_replicas(cluster_settings) as (a, b):
        started = time.monotonic()
        answers = await asyncio.gather(
            *(http.post("/v1/briefings", json=seed) for http in [a, b] * 4)
        )
        took = time.monotonic() - started
    assert [r.status_code for r in answers] == [200] * 8
    assert llm.calls == 1
    assert len({r.json()["id"] for r in answers}) == 1
    assert took < 5.0
    assert holders(nodes, "gb:lock:*") == [[], [], []]


async def test_llm_slots_hold_two_replicas_to_one_call_at_a_time(
    cluster_settings: Settings, llm: ScriptedLLM, seed: dict[str, Any], nodes: list[redis.Redis]
) -> None:
    """LLM_CONCURRENCY=1 over two replicas: six different articles, never two at the LLM.
    A freed slot wakes its waiters through pub/sub (else each would sleep out a 30 s lease)."""
    llm.reset(Reply(arguments=good_draft(), delay_s=0.3))
    async with two_replicas(cluster_settings.replace(llm_concurrency=1)) as (a, b):
        started = time.monotonic()
        bodies = [retitled(seed, n) for n in range(6)]
        answers = await asyncio.gather(
            *(
                http.post("/v1/briefings", json=body)
                for http, body in zip([a, b] * 3, bodies, strict=True)
            )
        )
        took = time.monotonic() - started
    assert [r.status_code for r in answers] == [200] * 6
    assert llm.calls == 6
    assert llm.max_in_flight == 1
    assert took < 10.0
    assert holders(nodes, "gb:llm-slots:*") == [[], [], []]  # every lease released


async def test_the_rate_limit_answers_429_on_the_cluster(
    cluster_settings: Settings, llm: ScriptedLLM, nodes: list[redis.Redis]
) -> None:
    limited = cluster_settings.replace(rate_limit="3/minute")
    async with AsyncTestClient(app=create_app(limited)) as client:
        answers = [await client.get(f"/v1/briefings/{UNKNOWN_ID}") for _ in range(5)]
    assert [r.status_code for r in answers] == [404, 404, 404, 429, 429]
    assert [r.headers["ratelimit-remaining"] for r in answers] == ["2", "1", "0", "0", "0"]
    assert 1 <= int(answers[3].headers["retry-after"]) <= 20
    assert sum(len(keys) for keys in holders(nodes, "gb:ratelimit:*")) == 1


async def test_api_keys_kept_on_the_cluster(
    cluster_settings: Settings,
    llm: ScriptedLLM,
    nodes: list[redis.Redis],
    capsys: pytest.CaptureFixture[str],
) -> None:
    redis_cluster = connect(cluster_settings.redis_url, cluster=True)
    try:
        key = await add_key(redis_cluster, "gb", "carol")
    finally:
        await redis_cluster.aclose()
    assert await apikey_command(cluster_settings, "list", None, None) == 0
    assert capsys.readouterr().out.split()[0] == "carol"
    async with AsyncTestClient(app=create_app(cluster_settings)) as client:
        url = f"/v1/briefings/{UNKNOWN_ID}"
        missing = await client.get(url)
        wrong = await client.get(url, headers={"X-API-Key": "not-the-key"})
        right = await client.get(url, headers={"X-API-Key": key})
        health = await client.get("/health")
    assert [r.status_code for r in (missing, wrong, right, health)] == [401, 401, 404, 200]
    assert sum(len(keys) for keys in holders(nodes, "gb:apikeys")) == 1


async def test_a_job_is_briefed_by_a_worker_with_its_record_on_one_slot(
    cluster_settings: Settings,
    llm: ScriptedLLM,
    nodes: list[redis.Redis],
    redis_client: redis.Redis,
) -> None:
    """Four articles through the queue (on the plain Redis) and a worker whose cache, locks,
    slots and job store are on the cluster; the job's keys share one slot."""
    llm.reset(Reply(arguments=EMPTY_DRAFT))
    articles = [article(f"Story number {i} happened on Monday.") for i in range(4)]
    async with AsyncTestClient(app=create_app(cluster_settings)) as client:
        job_id = (await client.post("/v1/jobs", json={"articles": articles})).json()["id"]
        async with in_process_worker(cluster_settings):
            job = await finished(client, job_id)
        results = (await client.get(f"/v1/jobs/{job_id}/results")).content.splitlines()
    assert job["status"] == "done"
    assert job["counts"] == {
        "queued": 0, "running": 0, "done": 4, "cached": 0, "failed": 0, "cancelled": 0
    }  # fmt: skip
    assert llm.calls == 4
    ids = [item["briefing_id"] for item in job["items"]]
    assert len(set(ids)) == 4
    assert [json.loads(line)["id"] for line in results] == ids
    job_keys = holders(nodes, f"gb:job:{{{job_id}}}*")
    assert sorted(len(keys) for keys in job_keys) == [0, 0, 4]  # job, status, attempts, items
    (on_one_node,) = [keys for keys in job_keys if keys]
    assert len({key_slot(k) for k in on_one_node}) == 1
    assert holders(nodes, "saq:*") == [[], [], []]  # the queue is on the plain Redis
    assert redis_client.keys(f"saq:job:gb:articles:{job_id}:*")


async def test_saq_cannot_run_on_a_cluster(cluster: list[int], nodes: list[redis.Redis]) -> None:
    """Why the queue needs QUEUE_REDIS_URL (SAQ 0.26.4, redis-py 7.4): each step that fails
    here, in the order one meets them, making the previous one work."""
    url = f"redis://127.0.0.1:{cluster[0]}/0"
    plain = RedisCluster.from_url(url)
    with pytest.raises(AttributeError, match="'RedisCluster' object has no attribute 'pubsub'"):
        RedisQueue(plain, name="gb:articles")  # type: ignore[arg-type]
    await plain.aclose()
    client = ClusterClient.from_url(url)  # with pub/sub
    try:
        untagged = RedisQueue(client, name="gb:articles")  # type: ignore[arg-type]
        with pytest.raises(CROSS_SLOT, match=CROSS_SLOT_MESSAGE):
            await untagged.enqueue(Job(function=TASK, key="j:0"))
        tagged = RedisQueue(client, name="{gb:articles}")  # type: ignore[arg-type]
        # SAQ's abort key is saq:abort:<job key>, without the queue's name
        with pytest.raises(CROSS_SLOT, match=CROSS_SLOT_MESSAGE):
            await tagged.enqueue(Job(function=TASK, key="j:0"))
        job = await tagged.enqueue(Job(function=TASK, key="{gb:articles}j:0"))
        assert job is not None
        # what a sweep does to a dead worker's article: PUBLISH in a MULTI, blocked
        with pytest.raises(RedisClusterException, match="pipelined function publish is blocked"):
            await tagged.abort(job, error="swept")
    finally:
        await client.aclose()


async def test_an_unreachable_cluster_degrades_like_an_unreachable_redis() -> None:
    """No node answers: the cache says so and single-flight computes without a lock, fast."""
    (port,) = _free_ports(1)
    client = connect(f"redis://127.0.0.1:{port}/0", cluster=True)
    try:
        started = time.monotonic()
        cache = BriefingCache(redis=client, ttl_s=60)
        assert await cache.ping() is False
        assert await cache.get(UNKNOWN_ID) is None
        flights = RedisSingleFlight(client)

        async def compute() -> bytes:
            return b"computed"

        assert await flights.run("k", compute, cache.get) == b"computed"
        assert time.monotonic() - started < 5.0
    finally:
        await client.aclose()


def test_redis_cluster_needs_a_queue_redis_url(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().queue_url == Settings().redis_url
    with pytest.raises(ValueError, match="REDIS_CLUSTER=1 needs QUEUE_REDIS_URL"):
        _ = Settings(redis_cluster=True).queue_url
    monkeypatch.setenv("REDIS_CLUSTER", "1")
    monkeypatch.setenv("QUEUE_REDIS_URL", "redis://queue:6379/0")
    settings = Settings.from_env()
    assert (settings.redis_cluster, settings.queue_url) == (True, "redis://queue:6379/0")
