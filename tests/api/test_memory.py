"""The in-process layer in front of Redis: bounded, expiring, and serving through an outage."""

from __future__ import annotations

import json
import time
from typing import Any

import redis

from service.store.memory import MemoryLRU
from tests.support.drafts import good_draft
from tests.support.live import ClientFactory, free_port
from tests.support.redis_server import start_redis_server
from tests.support.scripted_llm import Reply, ScriptedLLM


def test_lru_evicts_the_least_recently_used_to_stay_under_its_bytes() -> None:
    lru = MemoryLRU(max_bytes=10, ttl_s=60)
    lru.put("a", b"1234")
    lru.put("b", b"1234")
    assert lru.get("a") == b"1234"  # a is now the most recent
    lru.put("c", b"1234")  # 12 bytes > 10: b goes
    assert (lru.get("a"), lru.get("b"), lru.get("c")) == (b"1234", None, b"1234")
    lru.put("huge", b"x" * 11)  # larger than the whole budget: not kept, nothing evicted
    assert (lru.get("huge"), lru.get("a")) == (None, b"1234")
    lru.put("a", b"12345678")  # replacing counts the new size once
    assert (lru.get("a"), lru.get("c")) == (b"12345678", None)


def test_lru_entries_expire() -> None:
    lru = MemoryLRU(max_bytes=100, ttl_s=0.05)
    lru.put("a", b"x")
    assert lru.get("a") == b"x"
    time.sleep(0.06)
    assert lru.get("a") is None


async def test_hits_skip_redis_and_survive_an_outage(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    llm.reset(Reply(arguments=good_draft()))
    port = free_port()
    server = start_redis_server(port)
    monitor = redis.Redis(port=port)
    try:
        async with make_client(redis_url=f"redis://127.0.0.1:{port}/0") as client:
            first = await client.post("/v1/briefings", json=seed)
            assert first.headers["x-cache"] == "miss"
            gets_before = monitor.info("commandstats").get("cmdstat_get", {}).get("calls", 0)
            for _ in range(5):
                assert (await client.post("/v1/briefings", json=seed)).headers["x-cache"] == "hit"
            gets_after = monitor.info("commandstats").get("cmdstat_get", {}).get("calls", 0)
            assert gets_after == gets_before  # served from memory, no Redis round trip
            server.terminate()
            server.wait()
            down = await client.post("/v1/briefings", json=seed)
            assert (down.status_code, down.headers["x-cache"]) == (200, "hit")
            assert down.json()["id"] == first.json()["id"]
    finally:
        server.terminate()
        server.wait()
    assert llm.calls == 1


async def test_the_same_bytes_again_are_a_hit_that_still_honours_cache_and_gate(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    """`recall`: a body seen before is keyed without parsing. It must answer exactly what the
    ordinary path answers, recompute once the briefing is gone, and never skip the API-key
    gate, the body limit or validation of bytes that were not accepted before."""
    llm.reset(Reply(arguments=good_draft()))
    body = json.dumps(seed).encode()
    headers = {"content-type": "application/json", "x-api-key": "k1"}
    async with make_client(api_keys=("k1",), max_article_chars=len(seed["article"]["text"])) as c:
        runtime = c.app.state.runtime
        first = await c.post("/v1/briefings", content=body, headers=headers)
        again = await c.post("/v1/briefings", content=body, headers=headers)
        assert (first.headers["x-cache"], again.headers["x-cache"]) == ("miss", "hit")
        stored = await c.get(f"/v1/briefings/{first.json()['id']}", headers=headers)
        assert again.content == stored.content
        respaced = json.dumps(seed, indent=1).encode()  # other bytes, same request: parsed
        respaced_answer = await c.post("/v1/briefings", content=respaced, headers=headers)
        assert (respaced_answer.headers["x-cache"], respaced_answer.json()["id"]) == (
            "hit",
            first.json()["id"],
        )

        unauthorised = await c.post("/v1/briefings", content=body, headers={"x-api-key": "nope"})
        assert unauthorised.status_code == 401

        runtime.cache.memory.clear()
        redis_client.flushdb()  # the briefing is gone; the memo of its key is not
        recomputed = await c.post("/v1/briefings", content=body, headers=headers)
        assert (recomputed.headers["x-cache"], llm.calls) == ("miss", 2)

        too_long = dict(seed, article=dict(seed["article"], text=seed["article"]["text"] + "!"))
        long_body = json.dumps(too_long).encode()
        for _ in range(2):
            rejected = await c.post("/v1/briefings", content=long_body, headers=headers)
            assert rejected.status_code == 413
        assert llm.calls == 2
