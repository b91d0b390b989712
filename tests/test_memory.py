"""The in-process layer in front of Redis: bounded, expiring, and serving through an outage."""

from __future__ import annotations

import time
from typing import Any

import redis

from service._memory import MemoryLRU
from tests.conftest import ClientFactory, _free_port, start_redis_server
from tests.drafts import good_draft
from tests.scripted_llm import Reply, ScriptedLLM


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
    port = _free_port()
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
