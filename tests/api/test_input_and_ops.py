"""Bad input, readiness and a Redis outage (the offline docs: tests/api/test_docs.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.drafts import good_draft
from tests.support.live import ClientFactory, free_port
from tests.support.redis_server import start_redis_server
from tests.support.scripted_llm import Reply, ScriptedLLM


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "article"),
        ({"article": {}}, "article"),  # no text, html or url: which form is it?
        ({"article": {"text": "   \n "}}, "article.text"),
        ({"article": {"text": "x", "published_at": "last Sunday"}}, "article.published_at"),
        ({"article": {"text": "x", "colour": "red"}}, "article.colour"),
        ({"article": {"text": "x"}, "options": {"max_events": 1000}}, "options.max_events"),
    ],
)
async def test_invalid_body_is_a_400_problem_naming_the_field(
    client: Any, llm: ScriptedLLM, body: dict[str, Any], field: str
) -> None:
    response = await client.post("/v1/briefings", json=body)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 400
    keys = [param.get("key", "") for param in problem["extra"]]
    assert any(field.split(".")[-1] in key for key in keys), problem
    assert all(param.get("message") for param in problem["extra"])
    assert llm.calls == 0


async def test_malformed_json_is_a_400_problem(client: Any) -> None:
    response = await client.post(
        "/v1/briefings",
        content=b"{oops",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_article_over_limit_is_413_with_the_limit(
    make_client: ClientFactory, llm: ScriptedLLM
) -> None:
    async with make_client(max_article_chars=1000) as client:
        response = await client.post("/v1/briefings", json={"article": {"text": "word " * 400}})
    assert response.status_code == 413
    assert "1,000" in response.json()["detail"]
    assert llm.calls == 0


async def test_health_and_ready(client: Any) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    ready = await client.get("/ready")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "llm_backend": "remote",
        "llm_model": "scripted-model",
        "llm_reachable": True,
        "cache": "redis",
    }
    assert "test-key" not in ready.text


async def test_ready_is_503_when_llm_unreachable(make_client: ClientFactory) -> None:
    async with make_client(openai_base_url=f"http://127.0.0.1:{free_port()}/v1") as client:
        ready = await client.get("/ready")
    assert ready.status_code == 503
    assert ready.headers["content-type"] == "application/problem+json"
    problem = ready.json()
    assert (problem["status"], problem["type"], problem["readiness"]) == (
        503,
        "/problems/not-ready",
        "unavailable",
    )
    assert problem["llm_reachable"] is False


async def test_redis_outage_degrades_then_recovers(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    llm.reset(default=Reply(arguments=good_draft()))
    port = free_port()
    server = start_redis_server(port)
    try:
        # memory_cache_mb=0: this is about Redis; tests/api/test_memory.py covers the memory layer
        url = f"redis://127.0.0.1:{port}/0"
        async with make_client(redis_url=url, memory_cache_mb=0) as client:
            assert (await client.post("/v1/briefings", json=seed)).headers["x-cache"] == "miss"
            assert (await client.post("/v1/briefings", json=seed)).headers["x-cache"] == "hit"
            server.terminate()
            server.wait()
            down = await client.post("/v1/briefings", json=seed)
            assert down.status_code == 200
            assert down.headers["x-cache"] == "miss"
            ready = (await client.get("/ready")).json()
            assert (ready["status"], ready["cache"]) == ("degraded", "degraded")
            server = start_redis_server(port)  # back, empty: caching resumes, no restart
            assert (await client.post("/v1/briefings", json=seed)).headers["x-cache"] == "miss"
            assert (await client.post("/v1/briefings", json=seed)).headers["x-cache"] == "hit"
            assert (await client.get("/ready")).json()["cache"] == "redis"
    finally:
        server.terminate()
        server.wait()
    assert llm.calls == 3
