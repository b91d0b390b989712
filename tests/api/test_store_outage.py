"""Redis away under stored briefings (issue 23, items 1 and 3): a read by id is a 503, never
a 404, and this process's memory never stands in for a write that failed. A throwaway
redis-server, stopped and started again; the scripted LLM."""

from __future__ import annotations

import subprocess
from typing import Any

import redis

from tests.support.drafts import good_draft
from tests.support.live import ClientFactory
from tests.support.redis_server import start_redis_server
from tests.support.scripted_llm import Reply, ScriptedLLM

PROBLEM = "application/problem+json"


def stop(servers: list[subprocess.Popen[bytes]]) -> None:
    servers[-1].terminate()
    servers[-1].wait()


async def test_a_stored_briefing_read_while_redis_is_down_is_503_not_404(
    make_client: ClientFactory,
    llm: ScriptedLLM,
    seed: dict[str, Any],
    throwaway_redis: tuple[int, list[subprocess.Popen[bytes]]],
) -> None:
    llm.reset(default=Reply(arguments=good_draft()))
    port, servers = throwaway_redis
    async with make_client(redis_url=f"redis://127.0.0.1:{port}/0", memory_cache_mb=0) as client:
        briefing_id = (await client.post("/v1/briefings", json=seed)).json()["id"]
        assert (await client.get(f"/v1/briefings/{briefing_id}")).status_code == 200
        stop(servers)
        for path in (
            f"/v1/briefings/{briefing_id}",
            f"/v1/briefings/{briefing_id}/events.csv",
            f"/v1/briefings/{briefing_id}/events.jsonl",
            f"/briefings/{briefing_id}",
        ):
            response = await client.get(path)
            assert response.status_code == 503, (path, response.status_code)
            assert response.headers["content-type"] == PROBLEM
            assert response.headers["retry-after"] == "5"
            problem = response.json()
            assert problem["type"] == "/problems/store-unavailable", problem
            assert "Redis" in problem["detail"]
        servers.append(start_redis_server(port))  # back, and empty: now it is a 404
        assert (await client.get(f"/v1/briefings/{briefing_id}")).status_code == 404


async def test_memory_never_stands_in_for_a_store_that_failed(
    make_client: ClientFactory,
    llm: ScriptedLLM,
    seed: dict[str, Any],
    throwaway_redis: tuple[int, list[subprocess.Popen[bytes]]],
) -> None:
    """Briefed while Redis is down (served, not stored); Redis comes back; the same article
    again is computed and stored, not answered as a hit from this process's memory."""
    llm.reset(default=Reply(arguments=good_draft()))
    port, servers = throwaway_redis
    async with make_client(redis_url=f"redis://127.0.0.1:{port}/0") as client:  # memory on
        # One answer while Redis is up tells the gate Redis holds no keys (auth stays off).
        assert (await client.get("/v1/briefings/" + "0" * 64)).status_code == 404
        stop(servers)
        down = await client.post("/v1/briefings", json=seed)
        assert (down.status_code, down.headers["x-cache"]) == (200, "miss")
        briefing_id = down.json()["id"]
        servers.append(start_redis_server(port))
        again = await client.post("/v1/briefings", json=seed)
        assert (again.status_code, again.headers["x-cache"]) == (200, "miss")
        store = redis.Redis(port=port)
        assert store.exists(f"gb:briefing:{briefing_id}") == 1
        assert store.exists(f"gb:article:{briefing_id}") == 1
        hit = await client.post("/v1/briefings", json=seed)
        assert hit.headers["x-cache"] == "hit"
    assert llm.calls == 2
