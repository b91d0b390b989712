"""POST /v1/briefings/stream when things go wrong or overlap: LLM failures after the stream
started, rejected requests, clients that hang up, and requests that share one computation."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from service.settings import Settings
from tests.support.drafts import good_draft
from tests.support.scripted_llm import Reply, ScriptedLLM
from tests.support.sse import STREAM, Frame, Live, client, eventually, live_server, sse, stream


@pytest.fixture
def live(settings: Settings) -> Iterator[Live]:
    yield from live_server(settings)


async def test_llm_failure_mid_stream_is_a_problem_frame_and_nothing_is_cached(
    live: Live, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    llm.reset(
        default=Reply(
            arguments=good_draft(), stream_chunks=10, chunk_delay_s=0.05, stream_error_after=5
        )
    )
    async with client(live) as http:
        response, frames, _ = await stream(http, seed)
    assert response.status_code == 200  # the stream had started
    *drafts, last = frames
    assert drafts and {f.event for f in drafts} == {"draft"}
    assert last.event == "problem"
    assert last.json == {
        "status": 503,
        "type": "/problems/llm-unavailable",
        "title": "LLM backend unavailable",
        "detail": "the LLM backend failed: APIError",
    }
    assert redis_client.dbsize() == 0
    assert live.briefings._inflight == {}


async def test_llm_error_frame_is_the_plain_endpoints_problem(
    live: Live, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    llm.script(Reply(status=500), Reply(status=500))
    async with client(live) as http:
        plain = await http.post("/v1/briefings", json=seed)
        _, frames, _ = await stream(http, seed)
    assert plain.status_code == 503
    assert [f.event for f in frames] == ["problem"]
    assert frames[0].data.encode() == plain.content
    assert frames[0].json["detail"] == "the LLM backend answered HTTP 500"
    assert redis_client.dbsize() == 0


async def test_output_that_never_validates_is_a_502_problem_frame(
    live: Live, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    llm.script(
        Reply(arguments='{"headline": "Strikes", "events": "many"}', stream_chunks=3),
        Reply(arguments='{"headline": "Strikes", "events": "many"}'),
    )
    async with client(live) as http:
        _, frames, _ = await stream(http, seed)
    problem = frames[-1]
    assert problem.event == "problem"
    assert problem.json["status"] == 502
    assert problem.json["type"] == "/problems/llm-bad-output"
    assert "after 2 attempt(s)" in problem.json["detail"]
    assert llm.calls == 2
    assert redis_client.dbsize() == 0


async def test_invalid_or_too_large_request_is_a_problem_response_not_a_stream(
    settings: Settings, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    for live in live_server(settings.replace(max_article_chars=500)):
        async with client(live) as http:
            invalid = await http.post(STREAM, json={"article": {"text": 5}, "extra": 1})
            too_large = await http.post(STREAM, json=seed)
    assert invalid.status_code == 400
    assert invalid.headers["content-type"] == "application/problem+json"
    assert invalid.json()["extra"]
    assert too_large.status_code == 413
    assert too_large.headers["content-type"] == "application/problem+json"
    assert too_large.json()["type"] == "/problems/article-too-large"
    assert llm.calls == 0


async def test_client_that_hangs_up_leaves_the_computation_to_finish_and_cache(
    live: Live, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    llm.reset(default=Reply(arguments=good_draft(), stream_chunks=20, chunk_delay_s=0.05))
    async with client(live) as http:
        async with http.stream("POST", STREAM, json=seed) as response:
            async for item in sse(response):
                assert isinstance(item, Frame) and item.event == "draft"
                break  # leaving the block closes the connection
        assert redis_client.keys("gb:briefing:*") == []  # still computing, under its lock
        assert len(redis_client.keys("gb:lock:*")) == 1
        assert await eventually(lambda: len(redis_client.keys("gb:briefing:*")) == 1)
        assert await eventually(lambda: not live.briefings._inflight)
        assert await eventually(lambda: redis_client.keys("gb:lock:*") == [])  # released
        hit = await http.post("/v1/briefings", json=seed)
    assert hit.headers["x-cache"] == "hit"
    assert llm.calls == 1


async def test_keepalive_while_waiting_and_a_plain_request_joins_the_stream(
    live: Live, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    live.briefings.stream_keepalive_s = 0.1
    llm.reset(
        default=Reply(arguments=good_draft(), delay_s=0.5, stream_chunks=6, chunk_delay_s=0.05)
    )
    async with client(live) as http:
        streamed = asyncio.create_task(stream(http, seed))
        await asyncio.sleep(0.2)
        plain = await http.post("/v1/briefings", json=seed)
        _, frames, comments = await streamed
    assert "keep-alive" in comments
    assert plain.headers["x-cache"] == "miss"  # it joined the computation in progress
    assert plain.content == frames[-1].data.encode()  # the very same bytes
    assert llm.calls == 1


async def test_stream_joins_a_plain_computation_without_drafts(
    live: Live, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    llm.reset(default=Reply(arguments=good_draft(), delay_s=0.5))
    async with client(live) as http:
        plain = asyncio.create_task(http.post("/v1/briefings", json=seed))
        await asyncio.sleep(0.2)
        response, frames, _ = await stream(http, seed)
        answer = await plain
    assert response.headers["x-cache"] == "miss"
    assert [f.event for f in frames] == ["briefing"]
    assert frames[0].data.encode() == answer.content
    assert llm.calls == 1
