"""POST /v1/briefings/stream over real uvicorn: drafts, the verified frame, cache, chunks.

The scripted LLM streams its tool-call arguments in pieces with pauses, so the drafts a
client sees grow the way a real model's do. Failures and concurrency: test_stream_flows.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
import redis

from schemas import BriefingResponse
from service.grounding.draft import Draft
from service.settings import Settings
from tests.api.test_long_articles import long_article, per_chunk_draft
from tests.support.drafts import good_draft, sid
from tests.support.scripted_llm import Reply, ScriptedLLM
from tests.support.sse import Live, as_hit, client, live_server, stream

INVENTED = "Russia admitted that 900 drones hit Kyiv on Sunday."


@pytest.fixture
def live(settings: Settings) -> Iterator[Live]:
    yield from live_server(settings)


@pytest.fixture
def live_no_reask(settings: Settings) -> Iterator[Live]:
    yield from live_server(settings.replace(llm_max_retries=0))


async def test_miss_streams_growing_drafts_then_the_briefing_post_then_hits(
    live: Live, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    llm.reset(default=Reply(arguments=good_draft(), stream_chunks=15, chunk_delay_s=0.05))
    async with client(live) as http:
        response, frames, _ = await stream(http, seed)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-cache"] == "miss"
        *drafts, final = frames
        assert [f.id for f in frames] == [str(i) for i in range(1, len(frames) + 1)]
        assert len(drafts) >= 3
        assert {f.event for f in drafts} == {"draft"}
        assert all(f.json["verified"] is False for f in drafts)
        sizes = [len(f.data) for f in drafts]
        assert sizes == sorted(sizes) and sizes[0] < sizes[-1]  # each frame shows more
        headline = good_draft()["headline"]
        assert all(headline.startswith(f.json["draft"]["headline"] or "") for f in drafts)
        assert any(f.json["draft"]["events"] for f in drafts)  # items appear before the end

        assert final.event == "briefing"
        body = final.json
        BriefingResponse.model_validate(body)
        assert body["briefing"]["headline"] == headline
        assert [e["type"] for e in body["events"]] == ["attack", "interception", "diplomacy"]
        assert body["meta"]["cached"] is False
        assert body["meta"]["attempts"] == 1
        # from the stream's usage chunk, which the request asked for
        assert body["meta"]["usage"] == {
            "prompt_tokens": 100,
            "completion_tokens": 20,
            "total_tokens": 120,
        }
        (request,) = llm.requests
        assert request["stream"] is True
        assert request["stream_options"] == {"include_usage": True}

        hit = await http.post("/v1/briefings", json=seed)
        assert hit.headers["x-cache"] == "hit"
        assert hit.content == as_hit(final.data)  # byte for byte, but for meta.cached
    assert redis_client.get(f"gb:briefing:{body['id']}") == hit.content
    assert llm.calls == 1


async def test_stream_asks_the_model_what_the_plain_endpoint_asks(
    live: Live, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    llm.reset(default=Reply(arguments=good_draft()))
    async with client(live) as http:
        plain = await http.post("/v1/briefings", json=seed)
        redis_client.flushdb()
        if live.briefings.cache.memory is not None:
            live.briefings.cache.memory.clear()
        _, frames, _ = await stream(http, seed)
    asked, streamed = llm.requests
    assert streamed["stream"] is True and not asked.get("stream")
    assert streamed["tools"] == asked["tools"]  # Draft's schema, not the sketch's
    assert streamed["tools"][0]["function"]["name"] == "Draft"
    assert (
        streamed["tools"][0]["function"]["parameters"]["properties"]
        == (Draft.model_json_schema()["properties"])
    )
    assert streamed["messages"] == asked["messages"]
    same = {"briefing", "events", "id"}
    assert {k: frames[-1].json[k] for k in same} == {k: plain.json()[k] for k in same}


async def test_unverifiable_item_is_drafted_then_reasked_and_dropped(
    live: Live, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    bad = good_draft()
    bad["key_points"].append({"evidence": [INVENTED], "text": "900 drones hit Kyiv."})
    llm.script(
        Reply(arguments=bad, stream_chunks=10, chunk_delay_s=0.05),
        Reply(arguments=bad, prompt_tokens=150),  # the re-ask, not streamed
    )
    async with client(live) as http:
        _, frames, _ = await stream(http, seed)
    *drafts, final = frames
    assert any("900 drones hit Kyiv." in f.data for f in drafts)
    assert final.event == "briefing"
    assert "900 drones" not in final.data  # (the id or a coordinate may hold the digits)
    meta = final.json["meta"]
    assert meta["attempts"] == 2
    assert meta["usage"]["prompt_tokens"] == 250  # the stream's and the re-ask's
    assert any(
        d["what"] == "key_points[2].evidence" and "quote not found" in d["reason"]
        for d in meta["dropped"]
    )
    first, reask = llm.requests
    assert reask.get("stream") is not True
    # instructor's own re-ask: the streamed call replayed, then the validation errors
    assert reask["messages"][:2] == first["messages"]
    replayed, correction = reask["messages"][2:]
    assert INVENTED in replayed["tool_calls"][0]["function"]["arguments"]
    assert correction["role"] == "tool"
    assert "quote not found in the article" in correction["content"]
    assert redis_client.dbsize() == 2  # the briefing and its article


async def test_without_reask_the_draft_is_verified_as_streamed(
    live_no_reask: Live, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    bad = good_draft()
    bad["events"][1]["quantities"] = [{"value": 900, "unit": "drones", "what": "downed"}]
    bad["events"][1]["evidence"] = [sid("destroyed or intercepted 44 Ukrainian drones")]
    llm.reset(default=Reply(arguments=bad, stream_chunks=10, chunk_delay_s=0.03))
    async with client(live_no_reask) as http:
        _, frames, _ = await stream(http, seed)
    *drafts, final = frames
    assert any('"value":900' in f.data for f in drafts)
    assert final.event == "briefing"
    body = final.json
    assert body["meta"]["attempts"] == 1 and llm.calls == 1
    interception = next(e for e in body["events"] if e["type"] == "interception")
    assert all(q["value"] != 900 for q in interception["quantities"])
    assert any(d["what"].startswith("events[1].quantities") for d in body["meta"]["dropped"])


async def test_cached_result_is_one_briefing_frame(
    live: Live, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    llm.reset(default=Reply(arguments=good_draft()))
    async with client(live) as http:
        await http.post("/v1/briefings", json=seed)
        hit = await http.post("/v1/briefings", json=seed)
        response, frames, comments = await stream(http, seed)
    assert response.headers["x-cache"] == "hit"
    assert [(f.event, f.id) for f in frames] == [("briefing", "1")]
    assert frames[0].data.encode() == hit.content
    assert comments == []
    assert llm.calls == 1


async def test_long_article_streams_each_chunk_into_one_growing_draft(
    live: Live, llm: ScriptedLLM, article: str
) -> None:
    live.briefings.chunk_chars = 6_000
    llm.reset(
        default=lambda request: replace(
            per_chunk_draft(request), stream_chunks=4, chunk_delay_s=0.05
        )
    )
    body = {"article": {"text": long_article(article, parts=4), "published_at": "2025-11-09"}}
    async with client(live) as http:
        _, frames, _ = await stream(http, body)
    *drafts, final = frames
    chunks = llm.calls
    assert chunks >= 3
    assert final.event == "briefing"
    assert final.json["meta"]["attempts"] == chunks
    assert final.json["meta"]["usage"]["total_tokens"] == 120 * chunks
    assert final.json["briefing"]["headline"] == "Strikes hit Russian energy sites"
    # a late draft holds earlier chunks' finished items and keeps the lede's headline
    last = drafts[-1].json["draft"]
    assert last["headline"] == "Strikes hit Russian energy sites"
    assert len(last["key_points"]) >= chunks - 1


async def test_staged_streams_the_events_before_the_model_answers(
    settings: Settings, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    """With the staged strategy the events are code's: a client sees them in the first draft
    frame, while the model is still writing the headline (here: a 1 s answer)."""
    brief = {"headline": "Strikes cut power in Russian cities", "summary": "Drones hit."}
    llm.reset(default=Reply(arguments=brief, delay_s=1.0))
    for live in live_server(settings.replace(extraction="staged")):
        async with client(live) as http:
            response, frames, _ = await stream(http, seed)
        assert response.status_code == 200
        first, *_, final = frames
        assert first.event == "draft" and first.json["draft"]["headline"] == ""
        assert len(first.json["draft"]["events"]) >= 5
        assert final.event == "briefing"
        assert final.json["briefing"]["headline"] == brief["headline"]
        assert len(final.json["events"]) == len(first.json["draft"]["events"])
