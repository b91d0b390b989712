"""The benchmark's floor, POST /bench/bare: off by default, and when on, a hit's exact bytes."""

from __future__ import annotations

from typing import Any

from tests.support.drafts import good_draft
from tests.support.live import ClientFactory
from tests.support.scripted_llm import Reply, ScriptedLLM


async def test_off_by_default_and_never_in_the_schema(make_client: ClientFactory) -> None:
    async with make_client() as client:
        assert (await client.post("/bench/bare")).status_code == 404
        schema = (await client.get("/schema/openapi.json")).json()
    async with make_client(bench_routes=True) as client:
        schema_on = (await client.get("/schema/openapi.json")).json()
    assert not any(path.startswith("/bench") for path in schema["paths"])
    assert schema_on["paths"] == schema["paths"]


async def test_sends_the_seed_hit_bytes_once_cached(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    llm.reset(Reply(arguments=good_draft()))
    async with make_client(bench_routes=True) as client:
        before = await client.post("/bench/bare", json=seed)
        assert before.status_code == 404
        assert before.headers["content-type"] == "application/problem+json"
        assert "POST it to /v1/briefings first" in before.json()["detail"]
        await client.post("/v1/briefings", json=seed)
        hit = await client.post("/v1/briefings", json=seed)
        bare = await client.post("/bench/bare", content=b"anything: the body is never read")
    assert hit.headers["x-cache"] == "hit"
    assert bare.status_code == 200
    assert bare.content == hit.content
    assert bare.headers["content-type"] == hit.headers["content-type"]
    assert bare.headers["x-cache"] == "hit"
    assert llm.calls == 1
