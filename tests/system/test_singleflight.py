"""One LLM call per article across processes that share a Redis, and no stuck keys."""

from __future__ import annotations

import asyncio
import signal
import time
from typing import Any

import httpx
import redis

from tests.support.drafts import good_draft
from tests.support.processes import service_env, service_processes
from tests.support.scripted_llm import Reply, ScriptedLLM
from tests.support.sse import eventually


async def test_32_identical_requests_over_2_processes_make_one_llm_call(
    llm: ScriptedLLM, redis_url: str, redis_client: redis.Redis, seed: dict[str, Any]
) -> None:
    llm.reset(Reply(arguments=good_draft(), delay_s=1.0))
    with service_processes(2, service_env(llm, redis_url)) as services:
        urls = [url for url, _ in services]
        async with httpx.AsyncClient(timeout=30) as http:
            responses = await asyncio.gather(
                *(http.post(f"{urls[i % 2]}/v1/briefings", json=seed) for i in range(32))
            )
    assert [r.status_code for r in responses] == [200] * 32
    assert llm.calls == 1
    bodies = {r.json()["id"] for r in responses}
    assert len(bodies) == 1
    assert {r.json()["briefing"]["headline"] for r in responses} == {good_draft()["headline"]}
    assert redis_client.keys("gb:lock:*") == []
    assert len(redis_client.keys("gb:briefing:*")) == 1


async def test_a_waiter_takes_over_when_the_lock_holder_dies(
    llm: ScriptedLLM, redis_url: str, redis_client: redis.Redis, seed: dict[str, Any]
) -> None:
    """The holder is SIGKILLed mid-call; after the lock's TTL the other process computes."""
    llm.reset(Reply(arguments=good_draft(), delay_s=0.5))
    llm.script(Reply(arguments=good_draft(), delay_s=30))  # the first call never finishes
    with service_processes(2, service_env(llm, redis_url, LOCK_TTL_S="1.5")) as services:
        (holder_url, holder), (other_url, _) = services
        async with httpx.AsyncClient(timeout=30) as http:
            first = asyncio.create_task(http.post(f"{holder_url}/v1/briefings", json=seed))
            assert await eventually(lambda: llm.calls == 1)
            waiting = asyncio.create_task(http.post(f"{other_url}/v1/briefings", json=seed))
            await asyncio.sleep(0.5)
            assert not waiting.done()  # it waits on the lock, it does not call the LLM
            assert llm.calls == 1
            holder.send_signal(signal.SIGKILL)
            killed_at = time.monotonic()
            response = await waiting
            took = time.monotonic() - killed_at
            first.cancel()
    assert response.status_code == 200, response.text
    assert response.json()["briefing"]["headline"] == good_draft()["headline"]
    assert llm.calls == 2
    assert took < 1.5 + 2.0  # within the TTL and the second call, not a client timeout
    assert redis_client.keys("gb:lock:*") == []


async def test_a_failure_is_not_shared_as_a_result_and_is_retried_once(
    llm: ScriptedLLM, redis_url: str, redis_client: redis.Redis, seed: dict[str, Any]
) -> None:
    """The holder's LLM call fails: the waiter finds no result and computes itself."""
    llm.reset(Reply(arguments=good_draft()))
    llm.script(Reply(status=500, delay_s=0.5))
    with service_processes(2, service_env(llm, redis_url)) as services:
        (a, _), (b, _) = services
        async with httpx.AsyncClient(timeout=30) as http:
            failed = asyncio.create_task(http.post(f"{a}/v1/briefings", json=seed))
            assert await eventually(lambda: llm.calls == 1)
            ok = await http.post(f"{b}/v1/briefings", json=seed)
            failed_response = await failed
    assert failed_response.status_code == 503
    assert failed_response.headers["content-type"] == "application/problem+json"
    assert ok.status_code == 200
    assert llm.calls == 2
    assert redis_client.keys("gb:lock:*") == []
