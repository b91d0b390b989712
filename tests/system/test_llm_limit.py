"""LLM_CONCURRENCY: no more calls at the LLM at once than the limit, whichever process makes
them; a dead holder's slot comes back; a wait past LLM_TIMEOUT_S is a 504; Redis down lets
calls through; 0 leaves Redis alone. The scripted LLM counts the requests it answers at once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import redis
from prometheus_client import REGISTRY

from service.llm.slots import backend_id
from service.settings import Settings
from tests.support.articles import retitled
from tests.support.drafts import good_draft
from tests.support.live import free_port
from tests.support.processes import service_env, service_processes
from tests.support.scripted_llm import Reply, ScriptedLLM
from tests.support.sse import client, eventually, live_server, stream


def slots_key(llm: ScriptedLLM) -> str:
    return f"gb:llm-slots:{backend_id(llm.base_url, 'scripted-model')}"


def waits(outcome: str) -> float:
    """Slot waits observed so far in this process, by outcome."""
    count = REGISTRY.get_sample_value("briefings_llm_slot_wait_seconds_count", {"outcome": outcome})
    return count or 0.0


def occupy(store: redis.Redis, key: str, holder: str, ms: int) -> None:
    """A lease as another process holds it: expiring `ms` from now, on Redis's clock."""
    seconds, micros = store.time()
    store.zadd(key, {holder: seconds * 1000 + micros // 1000 + ms})


@contextlib.asynccontextmanager
async def serving(settings: Settings, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app under real uvicorn with these settings: requests run at once
    (the in-process test client answers one at a time)."""
    with contextlib.contextmanager(live_server)(settings.replace(**overrides)) as live:
        async with client(live) as http:
            yield http


async def test_limit_2_eight_distinct_articles_never_more_than_2_at_the_llm(
    settings: Settings, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    """Four plain and four streamed requests at once; streams hold their slot while read."""
    llm.reset(Reply(arguments=good_draft(), delay_s=0.5, chunk_delay_s=0.02))
    bodies = [retitled(seed, n) for n in range(8)]
    acquired = waits("acquired")
    async with serving(settings, llm_concurrency=2) as http:
        posts = asyncio.gather(*(http.post("/v1/briefings", json=body) for body in bodies[:4]))
        streams = asyncio.gather(*(stream(http, body) for body in bodies[4:]))
        assert await eventually(lambda: llm.calls >= 2)
        # the slots are leases in Redis (eventually: between a release and the next waiter's
        # take, a loaded machine can show one)
        assert await eventually(lambda: redis_client.zcard(slots_key(llm)) == 2)
        plain, streamed = await posts, await streams
    assert [r.status_code for r in plain] == [200] * 4
    assert [frames[-1].event for _, frames, _ in streamed] == ["briefing"] * 4
    assert llm.calls == 8
    assert llm.max_in_flight == 2
    assert waits("acquired") - acquired == 8
    assert redis_client.keys("gb:llm-slots:*") == []  # every lease released


async def test_two_processes_with_llm_concurrency_1_send_one_call_at_a_time(
    llm: ScriptedLLM, redis_url: str, redis_client: redis.Redis, seed: dict[str, Any]
) -> None:
    llm.reset(Reply(arguments=good_draft(), delay_s=0.3))
    with service_processes(2, service_env(llm, redis_url, LLM_CONCURRENCY="1")) as services:
        urls = [url for url, _ in services]
        async with httpx.AsyncClient(timeout=60) as http:
            responses = await asyncio.gather(
                *(
                    http.post(f"{urls[n % 2]}/v1/briefings", json=retitled(seed, n))
                    for n in range(6)
                )
            )
    assert [r.status_code for r in responses] == [200] * 6
    assert llm.calls == 6
    assert llm.max_in_flight == 1
    assert redis_client.keys("gb:llm-slots:*") == []


async def test_a_killed_holder_frees_its_slot_after_the_lease_ttl(
    llm: ScriptedLLM, redis_url: str, redis_client: redis.Redis, seed: dict[str, Any]
) -> None:
    """While the holder lives its heartbeat keeps the slot past the TTL; once it is
    SIGKILLed, the other process gets the slot when the lease runs out."""
    llm.reset(Reply(arguments=good_draft(), delay_s=0.2))
    llm.script(Reply(arguments=good_draft(), delay_s=30))  # the holder's call never ends
    env = service_env(llm, redis_url, LLM_CONCURRENCY="1", LLM_SLOT_TTL_S="1.5", LLM_TIMEOUT_S="20")
    with service_processes(2, env) as services:
        (holder_url, holder), (other_url, _) = services
        async with httpx.AsyncClient(timeout=60) as http:
            first = asyncio.create_task(
                http.post(f"{holder_url}/v1/briefings", json=retitled(seed, 0))
            )
            assert await eventually(lambda: llm.calls == 1)
            waiting = asyncio.create_task(
                http.post(f"{other_url}/v1/briefings", json=retitled(seed, 1))
            )
            await asyncio.sleep(3.5)  # over two TTLs: renewed, the lease has not run out
            assert not waiting.done()
            assert llm.calls == 1
            assert redis_client.zcard(slots_key(llm)) == 1
            holder.send_signal(signal.SIGKILL)
            response = await waiting
            first.cancel()
    assert response.status_code == 200, response.text
    assert response.json()["briefing"]["headline"] == good_draft()["headline"]
    assert llm.calls == 2
    assert redis_client.keys("gb:llm-slots:*") == []


async def test_waiting_past_llm_timeout_is_a_504_that_names_the_wait(
    settings: Settings, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    """Another process holds the only slot for a minute; LLM_TIMEOUT_S is 1 s."""
    llm.reset(Reply(arguments=good_draft()))
    key = slots_key(llm)
    occupy(redis_client, key, "another-process", ms=60_000)
    timeouts = waits("timeout")
    async with serving(settings, llm_concurrency=1, llm_timeout_s=1.0) as http:
        response = await http.post("/v1/briefings", json=seed)
        _, frames, _ = await stream(http, retitled(seed, 1))
    assert response.status_code == 504
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "/problems/llm-timeout"
    waited = re.match(r"waited (\d+\.\d) s for one of the 1 LLM slots", problem["detail"])
    assert waited is not None, problem["detail"]
    assert float(waited[1]) >= 0.9  # about the whole of LLM_TIMEOUT_S
    assert "LLM_CONCURRENCY" in problem["detail"]
    assert frames[-1].event == "problem"
    assert frames[-1].json["status"] == 504
    assert frames[-1].json["detail"].startswith("waited ")
    assert waits("timeout") - timeouts == 2
    assert llm.calls == 0
    assert redis_client.keys("gb:briefing:*") == []  # nothing cached
    assert redis_client.zrange(key, 0, -1) == [b"another-process"]  # none of ours left


async def test_a_waiter_wakes_on_the_release_not_at_the_lease_expiry(
    settings: Settings, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    """The other holder's lease would last a minute, longer than LLM_TIMEOUT_S: only the
    release's message can get the waiter its slot in time."""
    llm.reset(Reply(arguments=good_draft()))
    key = slots_key(llm)
    occupy(redis_client, key, "another-process", ms=60_000)
    async with serving(settings, llm_concurrency=1, llm_timeout_s=10.0) as http:
        request = asyncio.create_task(http.post("/v1/briefings", json=seed))
        channel = f"{key}:free"
        assert await eventually(
            lambda: redis_client.pubsub_numsub(channel) == [(channel.encode(), 1)]
        )
        assert llm.calls == 0
        redis_client.zrem(key, "another-process")  # released, as a holder does it
        redis_client.publish(channel, "free")
        response = await request
    assert response.status_code == 200, response.text
    assert llm.calls == 1
    assert redis_client.keys("gb:llm-slots:*") == []


async def test_redis_down_calls_go_through_unlimited_and_it_is_logged_once(
    settings: Settings,
    llm: ScriptedLLM,
    seed: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    llm.reset(Reply(arguments=good_draft(), delay_s=1.0))  # long enough for all three to overlap
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    with caplog.at_level(logging.WARNING):
        # an API key from the environment: without Redis, keys kept there cannot be checked
        only = {"redis_url": nowhere, "llm_concurrency": 1, "api_keys": ("k-0123456789abcdef",)}
        async with serving(settings, **only) as http:
            http.headers["X-API-Key"] = "k-0123456789abcdef"
            first = await asyncio.gather(
                *(http.post("/v1/briefings", json=retitled(seed, n)) for n in range(3))
            )
            then = await asyncio.gather(
                *(http.post("/v1/briefings", json=retitled(seed, n)) for n in range(3, 6))
            )
    assert [r.status_code for r in [*first, *then]] == [200] * 6
    assert llm.calls == 6
    assert llm.max_in_flight == 3  # fail open: not limited
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert sum("without a concurrency limit" in w for w in warnings) == 1, warnings


async def test_llm_concurrency_0_is_unlimited_and_makes_no_redis_key(
    settings: Settings, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    llm.reset(Reply(arguments=good_draft(), delay_s=1.0))
    acquired, unlimited = waits("acquired"), waits("unlimited")
    async with serving(settings, llm_concurrency=0) as http:
        run = asyncio.gather(
            *(http.post("/v1/briefings", json=retitled(seed, n)) for n in range(4))
        )
        assert await eventually(lambda: llm.calls == 4)
        assert redis_client.keys("gb:llm-slots*") == []  # while the calls are in flight
        responses = await run
    assert [r.status_code for r in responses] == [200] * 4
    assert llm.max_in_flight == 4
    assert (waits("acquired"), waits("unlimited")) == (acquired, unlimited)  # never asked


def test_the_default_limit_follows_the_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    """The embedded server answers one request at a time (and llama-cpp-python's cuts a
    stream short when another request comes); a remote one takes 8 unless told."""
    assert Settings().concurrency_limit == 1
    assert Settings(openai_base_url="http://vllm:8000/v1").concurrency_limit == 8
    assert Settings(openai_api_key="sk-x", llm_concurrency=0).concurrency_limit == 0
    monkeypatch.setenv("LLM_CONCURRENCY", "3")
    monkeypatch.setenv("LLM_SLOT_TTL_S", "2.5")
    from_env = Settings.from_env()
    assert (from_env.concurrency_limit, from_env.llm_slot_ttl_s) == (3, 2.5)


def test_backends_have_separate_limits() -> None:
    a = backend_id("http://127.0.0.1:8000/v1", "qwen")
    assert a == backend_id("http://127.0.0.1:8000/v1/", "qwen")  # the same server
    assert a != backend_id("http://127.0.0.1:8001/v1", "qwen")
    assert a != backend_id("http://127.0.0.1:8000/v1", "llama")
