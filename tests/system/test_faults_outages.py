"""Faults around the LLM call: Redis stopped while requests are in flight, and a client that
hangs up on a plain POST. Real uvicorn, a throwaway redis-server, the scripted LLM."""

from __future__ import annotations

import asyncio
import subprocess
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import redis

from service.settings import Settings
from service.web.app import create_app
from tests.support.articles import retitled
from tests.support.drafts import good_draft
from tests.support.live import serve
from tests.support.redis_server import start_redis_server
from tests.support.scripted_llm import Reply, ScriptedLLM
from tests.support.sse import Live, eventually, live_server

KEY = "alice-secret-0123456789"
AS_ALICE = {"X-API-Key": KEY}


@pytest.fixture
def live(settings: Settings) -> Iterator[Live]:
    yield from live_server(settings)


async def brief_all(http: httpx.AsyncClient, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    return await asyncio.gather(
        *(http.post("/v1/briefings", json=body, headers=AS_ALICE) for body in bodies)
    )


def served(responses: list[httpx.Response], cache: str) -> set[str]:
    """Every response a 200 with that X-Cache; the briefing ids they carry."""
    assert [r.status_code for r in responses] == [200] * len(responses), responses[0].text
    assert {r.headers["x-cache"] for r in responses} == {cache}
    return {r.json()["id"] for r in responses}


async def test_redis_stopped_mid_run_every_request_is_served_then_caching_resumes(
    settings: Settings,
    llm: ScriptedLLM,
    seed: dict[str, Any],
    throwaway_redis: tuple[int, list[subprocess.Popen[bytes]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    port, servers = throwaway_redis
    local = settings.replace(
        redis_url=f"redis://127.0.0.1:{port}/0",
        api_keys=(f"alice:{KEY}",),
        rate_limit="1000/minute",
        lock_ttl_s=0.6,  # heartbeats every 0.2 s: some of them meet the dead Redis
        llm_slot_ttl_s=0.6,  # the LLM slots' too
        memory_cache_mb=0,  # about Redis; the memory layer has tests/api/test_memory.py
    )
    store = redis.Redis(port=port)
    llm.reset(Reply(arguments=good_draft(), delay_s=0.8))
    four = [retitled(seed, n) for n in range(4)]
    with serve(local, create_app(local)) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            # 12 requests for 4 articles; Redis dies while the 4 LLM calls are under way,
            # each holding its single-flight lock
            run = asyncio.ensure_future(brief_all(http, four * 3))
            assert await eventually(lambda: llm.calls == 4)
            assert len(store.keys("gb:lock:*")) == 4
            servers[0].terminate()
            servers[0].wait()
            ids = served(await run, "miss")
            assert len(ids) == 4 and llm.calls == 4  # shared in-process; none computed twice
            assert "ratelimit-limit" in (await run)[0].headers  # admitted while Redis was up

            # Redis down: no cache, no lock, no rate limit (fail open), env keys still work
            down = await brief_all(http, four * 2)
            assert served(down, "miss") == ids
            assert llm.calls == 8  # duplicates still share one call within the process
            assert not any("ratelimit-limit" in r.headers for r in down)
            refused = await http.post("/v1/briefings", json=seed)
            assert refused.status_code == 401
            assert refused.headers["content-type"] == "application/problem+json"
            ready = await http.get("/ready")
            assert ready.status_code == 200
            assert (ready.json()["status"], ready.json()["cache"]) == ("degraded", "degraded")

            # back on the same port, empty: locks, cache and limits work again, no restart
            servers.append(start_redis_server(port))
            back = await brief_all(http, [four[0]] * 3)
            assert len(served(back, "miss")) == 1
            assert llm.calls == 9
            assert all("ratelimit-limit" in r.headers for r in back)  # its script reloaded
            assert served(await brief_all(http, [four[0]]), "hit")
            assert (await http.get("/ready")).json()["cache"] == "redis"
    assert store.keys("gb:lock:*") == []
    assert store.keys("gb:llm-slots:*") == []
    assert len(store.keys("gb:briefing:*")) == 1
    store.close()
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    for consequence in (
        "without cache",
        "without rate limits",
        "without single-flight locks",
        "without a concurrency limit",
    ):
        assert sum(consequence in w for w in warnings) == 1, warnings  # once per outage


def coroutines(loop: asyncio.AbstractEventLoop) -> Counter[str]:
    """The tasks alive on the server's loop, by coroutine name (asked on that loop)."""

    async def names() -> Counter[str]:
        others = asyncio.all_tasks() - {asyncio.current_task()}
        return Counter(getattr(t.get_coro(), "__qualname__", "?") for t in others)

    return asyncio.run_coroutine_threadsafe(names(), loop).result(timeout=5)


HEARTBEAT = "beating.<locals>.loop"  # the heartbeats' loop (service/store/heartbeat.py)
COMPUTE = "BriefingService._compute_once"


async def test_a_client_that_hangs_up_leaves_one_cached_result_and_nothing_running(
    live: Live, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    llm.reset(Reply(arguments=good_draft(), delay_s=1.0))
    async with httpx.AsyncClient(base_url=live.url, timeout=0.3) as impatient:
        with pytest.raises(httpx.ReadTimeout):
            await impatient.post("/v1/briefings", json=seed)
    # the client is gone; its computation is not
    (flight,) = live.briefings._inflight.values()
    loop = flight.task.get_loop()
    running = coroutines(loop)
    assert running[COMPUTE] == 1 and running[HEARTBEAT] == 2  # the lock's and the LLM slot's
    assert len(redis_client.keys("gb:lock:*")) == 1
    assert redis_client.keys("gb:briefing:*") == []

    assert await eventually(lambda: len(redis_client.keys("gb:briefing:*")) == 1)
    assert await eventually(lambda: not live.briefings._inflight)
    assert await eventually(lambda: redis_client.keys("gb:lock:*") == [])
    assert await eventually(lambda: not coroutines(loop) & Counter([COMPUTE, HEARTBEAT]))
    async with httpx.AsyncClient(base_url=live.url, timeout=5) as http:
        hit = await http.post("/v1/briefings", json=seed)
    assert hit.headers["x-cache"] == "hit"
    assert llm.calls == 1
    assert len(redis_client.keys("gb:briefing:*")) == 1
