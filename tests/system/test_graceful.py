"""Stopping the API under uvicorn (SIGTERM, as a rolling deploy does): requests in flight
finish, and nothing holds the process longer than `WORKER_GRACE_S`.

Workers drain the same way: tests/system/test_jobs_workers.py.
"""

from __future__ import annotations

import asyncio
import signal
import time

import httpx
import redis

from tests.support.drafts import EMPTY_DRAFT
from tests.support.processes import service_env, service_processes
from tests.support.scripted_llm import Reply, ScriptedLLM
from tests.support.sse import eventually

STOPPED = -signal.SIGTERM  # uvicorn re-raises the signal once it has shut down cleanly
ARTICLE = {"article": {"text": "The mayor opened the new bridge in Springfield on Monday."}}


async def _posted_then_stopped(
    llm: ScriptedLLM, redis_url: str, llm_delay_s: float, grace_s: str
) -> httpx.Response:
    """A briefing whose LLM answer takes `llm_delay_s`, posted to an API that is sent
    SIGTERM once the LLM has the call; its answer, after the API stopped cleanly."""
    llm.reset(Reply(arguments=EMPTY_DRAFT, delay_s=llm_delay_s))
    env = service_env(llm, redis_url, WORKER_GRACE_S=grace_s)
    with service_processes(1, env) as [(url, api)]:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            pending = asyncio.create_task(http.post("/v1/briefings", json=ARTICLE))
            assert await eventually(lambda: llm.calls == 1)
            api.send_signal(signal.SIGTERM)
            response = await pending
            assert await asyncio.to_thread(api.wait, 20) == STOPPED
    return response


async def test_a_briefing_in_flight_when_the_api_is_stopped_is_answered(
    llm: ScriptedLLM, redis_url: str, redis_client: redis.Redis
) -> None:
    response = await _posted_then_stopped(llm, redis_url, 1.5, grace_s="20")
    assert response.status_code == 200, response.text
    assert response.json()["briefing"]["headline"]


async def test_a_stream_longer_than_the_grace_does_not_hold_a_stopping_api(
    llm: ScriptedLLM, redis_url: str, redis_client: redis.Redis
) -> None:
    """An event stream whose LLM answer would take 40 s: SIGTERM ends the process after the
    3 s grace, not when the stream ends (uvicorn alone waits for every connection)."""
    llm.reset(Reply(arguments=EMPTY_DRAFT, stream_chunks=20, chunk_delay_s=2.0))
    env = service_env(llm, redis_url, WORKER_GRACE_S="3")
    with service_processes(1, env) as [(url, api)]:
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:

            async def listen() -> None:
                async with http.stream("POST", "/v1/briefings/stream", json=ARTICLE) as response:
                    async for _ in response.aiter_lines():
                        pass

            listening = asyncio.create_task(listen())
            assert await eventually(lambda: llm.calls == 1)
            api.send_signal(signal.SIGTERM)
            stopped_at = time.monotonic()
            code = await asyncio.to_thread(api.wait, 30)
            waited_s = time.monotonic() - stopped_at
            listening.cancel()
            await asyncio.gather(listening, return_exceptions=True)
    assert code == STOPPED
    assert waited_s < 15, waited_s  # the 3 s grace and shutdown, far from the stream's 40 s


async def test_a_request_cut_by_the_grace_is_a_503_problem_to_retry(
    llm: ScriptedLLM, redis_url: str, redis_client: redis.Redis
) -> None:
    """WORKER_GRACE_S shorter than the request: uvicorn cancels it at the grace. The client
    gets a 503 problem with Retry-After (it was uvicorn's text/plain 500), and nothing is
    cached, so sending it again computes it."""
    response = await _posted_then_stopped(llm, redis_url, 8.0, grace_s="1")
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    problem = response.json()
    assert (problem["status"], problem["type"]) == (503, "/problems/shutting-down")
    assert "WORKER_GRACE_S" in problem["detail"]
    assert not redis_client.keys("gb:briefing:*")
