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


async def test_a_briefing_in_flight_when_the_api_is_stopped_is_answered(
    llm: ScriptedLLM, redis_url: str, redis_client: redis.Redis
) -> None:
    llm.reset(Reply(arguments=EMPTY_DRAFT, delay_s=1.5))
    env = service_env(llm, redis_url, WORKER_GRACE_S="20")
    with service_processes(1, env) as [(url, api)]:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            pending = asyncio.create_task(http.post("/v1/briefings", json=ARTICLE))
            assert await eventually(lambda: llm.calls == 1)
            api.send_signal(signal.SIGTERM)
            response = await pending
            assert response.status_code == 200, response.text
            assert response.json()["briefing"]["headline"]
            assert await asyncio.to_thread(api.wait, 20) == STOPPED


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
