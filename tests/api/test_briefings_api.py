"""POST /v1/briefings end to end: real Redis, real openai + instructor, scripted LLM server."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import redis

from schemas import BriefingResponse
from service.store.cache import cache_key
from tests.support.drafts import SEED_TEXT, good_draft
from tests.support.live import ClientFactory
from tests.support.scripted_llm import Reply, ScriptedLLM


def assert_spans_verified(body: dict[str, Any], text: str) -> None:
    items = body["briefing"]["key_points"] + body["events"]
    assert items, "expected some verified items"
    for item in items:
        assert item["evidence"], item
        for span in item["evidence"]:
            assert text[span["start"] : span["end"]] == span["quote"]


async def test_miss_then_hit_then_hit_after_restart(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    llm.reset(default=Reply(arguments=good_draft()))
    async with make_client() as client:
        first = await client.post("/v1/briefings", json=seed)
        assert first.status_code == 200, first.text
        assert first.headers["x-cache"] == "miss"
        body = first.json()
        BriefingResponse.model_validate(body)
        assert body["meta"]["cached"] is False
        assert body["meta"]["attempts"] == 1
        assert body["meta"]["usage"] == {
            "prompt_tokens": 100,
            "completion_tokens": 20,
            "total_tokens": 120,
        }
        assert body["meta"]["model"] == "scripted-model"
        assert_spans_verified(body, SEED_TEXT)
        assert [e["type"] for e in body["events"]] == ["attack", "interception", "diplomacy"]

        second = await client.post("/v1/briefings", json=seed)
        assert second.headers["x-cache"] == "hit"
        assert second.json()["meta"]["cached"] is True
        assert second.json()["events"] == body["events"]
        assert llm.calls == 1

    async with make_client() as restarted:  # a new process-worth of state: only Redis remains
        third = await restarted.post("/v1/briefings", json=seed)
        assert third.headers["x-cache"] == "hit"
        assert third.json()["id"] == body["id"]
        fetched = await restarted.get(f"/v1/briefings/{body['id']}")
        assert fetched.status_code == 200
        assert fetched.json()["briefing"] == body["briefing"]
    assert llm.calls == 1


async def test_invented_quote_is_reasked_then_dropped(
    client: Any, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    invented = "Russia admitted that 900 drones hit Kyiv on Sunday."
    bad = good_draft()
    bad["key_points"].append({"evidence": [invented], "text": "900 drones hit Kyiv."})
    llm.script(Reply(arguments=bad), Reply(arguments=bad, prompt_tokens=150))
    response = await client.post("/v1/briefings", json=seed)
    assert response.status_code == 200, response.text
    assert invented not in response.text
    assert "900" not in json.dumps(response.json()["briefing"])
    meta = response.json()["meta"]
    assert meta["attempts"] == 2
    assert meta["usage"]["prompt_tokens"] == 250  # summed over both attempts
    assert any("quote not found" in d["reason"] for d in meta["dropped"])
    # the re-ask told the model what was wrong
    reask = json.dumps(llm.requests[1]["messages"])
    assert "quote not found in the article" in reask
    # the verified result is cached, once, beside its article (for the analyst page)
    assert sorted(k.split(b":")[1] for k in redis_client.keys("*")) == [b"article", b"briefing"]


async def test_reask_that_succeeds_keeps_everything(
    client: Any, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    bad = good_draft()
    bad["events"][0]["actors"].append({"name": "Eliajad", "role": "initiator"})
    llm.script(Reply(arguments=bad), Reply(arguments=good_draft()))
    body = (await client.post("/v1/briefings", json=seed)).json()
    assert body["meta"]["attempts"] == 2
    assert body["meta"]["dropped"] == []
    assert "Eliajad" not in json.dumps(body)


async def test_invalid_json_then_llm_error_is_502_and_not_cached(
    client: Any, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    llm.script(Reply(arguments="{not json"), Reply(arguments='{"headline": 3}'))
    response = await client.post("/v1/briefings", json=seed)
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 502
    assert problem["type"] == "/problems/llm-bad-output"
    assert "2 attempt" in problem["detail"]
    assert redis_client.dbsize() == 0
    # the failure was not cached: the next request calls the LLM again
    llm.script(Reply(arguments=good_draft()))
    retry = await client.post("/v1/briefings", json=seed)
    assert retry.status_code == 200
    assert retry.headers["x-cache"] == "miss"
    assert llm.calls == 3


async def test_llm_http_errors_are_problems_not_cached(
    client: Any, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    llm.script(Reply(status=500))
    response = await client.post("/v1/briefings", json=seed)
    assert response.status_code == 503
    assert response.json()["type"] == "/problems/llm-unavailable"
    llm.script(Reply(status=429, headers={"Retry-After": "7"}))
    limited = await client.post("/v1/briefings", json=seed)
    assert limited.status_code == 503
    assert limited.headers["retry-after"] == "7"
    assert redis_client.dbsize() == 0


async def test_slow_llm_is_a_504(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    llm.script(Reply(arguments=good_draft(), delay_s=1.5))
    async with make_client(llm_timeout_s=0.5) as client:
        response = await client.post("/v1/briefings", json=seed)
    assert response.status_code == 504
    assert response.json()["type"] == "/problems/llm-timeout"


async def test_cache_key_changes_with_options_model_and_prompt(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    llm.reset(default=Reply(arguments=good_draft()))
    async with make_client() as client:
        ids = {(await client.post("/v1/briefings", json=seed)).json()["id"]}
        with_options = seed | {"options": {"max_events": 2}}
        response = await client.post("/v1/briefings", json=with_options)
        assert response.headers["x-cache"] == "miss"
        ids.add(response.json()["id"])
        explicit_defaults = seed | {"options": {"max_events": 10, "max_key_points": 5}}
        same = await client.post("/v1/briefings", json=explicit_defaults)
        assert same.headers["x-cache"] == "hit"
        runtime = client.app.state.runtime
        runtime.briefings.extractor.prompt = runtime.briefings.extractor.prompt.__class__(
            name="extract",
            version="extract-v999",
            text="changed prompt {max_events}",
        )
        bumped = await client.post("/v1/briefings", json=seed)
        assert bumped.headers["x-cache"] == "miss"
        assert bumped.json()["meta"]["prompt_version"] == "extract-v999"
        ids.add(bumped.json()["id"])
    async with make_client(llm_model="another-model") as client:
        other = await client.post("/v1/briefings", json=seed)
        assert other.headers["x-cache"] == "miss"
        ids.add(other.json()["id"])
    assert len(ids) == 4
    assert llm.calls == 4


async def test_get_unknown_briefing_is_404_problem(client: Any) -> None:
    response = await client.get("/v1/briefings/" + "0" * 64)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 404


def test_cache_key_is_the_sha256_of_sorted_compact_utf8_json() -> None:
    """Ids are stored and shared: the key's bytes must not drift when its encoder changes."""
    article = {"text": 'Kyiv\x00\x1f \u2028 ü € 😀 \\ " / \t\n', "title": "T", "url": ""}
    options = {"max_events": 10, "max_key_points": 5}
    material = json.dumps(
        {"article": article, "options": options, "model": "m", "prompt": "p"},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    expected = hashlib.sha256(material.encode()).hexdigest()
    assert cache_key(article=article, options=options, model="m", prompt="p") == expected
