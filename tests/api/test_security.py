"""API keys and the per-key rate limit: real Redis (keys, Lua limiter), scripted LLM, no mocks."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import redis
from prometheus_client import REGISTRY

from service.logs import JsonFormatter
from service.settings import Settings
from service.store.apikeys import apikey_command
from tests.support.drafts import good_draft
from tests.support.live import ClientFactory, free_port, serve
from tests.support.redis_server import start_redis_server
from tests.support.scripted_llm import Reply, ScriptedLLM

PROBLEM = "application/problem+json"
ALICE, BOB, BARE = "alice-secret-0123456789", "bob-secret-9876543210", "bare-secret-abcdef"
ENV_KEYS = (f"alice:{ALICE}", f"bob:{BOB}", BARE)
DAVE = "dave-secret-5555"
UNKNOWN_ID = "0" * 64  # a well-formed briefing id nobody stored: a cheap 404 behind the gate
BRIEFING = f"/v1/briefings/{UNKNOWN_ID}"


def sha(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_header(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """Every log line of the test, as the service would ship it (extras included)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def assert_unauthorized(response: Any, *, invalid: bool) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert (body["type"], body["title"], body["status"]) == (
        "/problems/unauthorized",
        "Unauthorized",
        401,
    )
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer realm=")
    assert ('error="invalid_token"' in challenge) is invalid
    assert not any(h.lower().startswith("ratelimit") for h in response.headers)


async def test_without_keys_the_api_is_open(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    llm.reset(default=Reply(arguments=good_draft()))
    async with make_client() as client:
        made = await client.post("/v1/briefings", json=seed)
        assert made.status_code == 200, made.text
        assert (await client.get(f"/v1/briefings/{made.json()['id']}")).status_code == 200
        # a key sent to a keyless server is ignored, not refused
        assert (await client.get(BRIEFING, headers=key_header("whatever"))).status_code == 404
    assert "ratelimit-limit" not in made.headers  # RATE_LIMIT unset: no limit, no fields


async def test_env_keys_refuse_missing_and_wrong_keys_and_accept_both_headers(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    llm.reset(default=Reply(arguments=good_draft()))
    async with make_client(api_keys=ENV_KEYS) as client:
        assert_unauthorized(await client.post("/v1/briefings", json=seed), invalid=False)
        wrong = await client.post("/v1/briefings", json=seed, headers=key_header(ALICE + "x"))
        assert_unauthorized(wrong, invalid=True)
        assert ALICE not in wrong.text
        assert_unauthorized(
            await client.get(BRIEFING, headers={"Authorization": f"Basic {ALICE}"}), invalid=False
        )
        assert llm.calls == 0  # refused before any work

        made = await client.post("/v1/briefings", json=seed, headers=key_header(ALICE))
        assert made.status_code == 200, made.text
        assert made.headers["x-cache"] == "miss"
        bearer = {"Authorization": f"Bearer {ALICE}"}
        again = await client.post("/v1/briefings", json=seed, headers=bearer)
        assert (again.status_code, again.headers["x-cache"]) == (200, "hit")
        lower = {"authorization": f"bearer {BARE}"}  # a bare `key` entry works too
        # another tenant's first answer is a miss (tests/api/test_tenancy.py), from the cache
        other = await client.post("/v1/briefings", json=seed, headers=lower)
        assert (other.status_code, other.headers["x-cache"]) == (200, "miss")
        assert (await client.get(f"/v1/briefings/{made.json()['id']}", headers=lower)).is_success
        for path in ("/v1/briefings/x/events.csv", f"{BRIEFING}/events.jsonl"):
            assert (await client.get(path)).status_code == 401  # exports are behind the gate
    assert llm.calls == 1


async def test_redis_held_keys_from_the_cli_work_and_removal_revokes(
    make_client: ClientFactory,
    settings: Settings,
    redis_client: redis.Redis,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = {**os.environ, "REDIS_URL": settings.redis_url, "CACHE_PREFIX": settings.cache_prefix}
    added = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "service", "apikey", "add", "carol"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert added.returncode == 0, added.stderr
    name, carol_id, carol = added.stdout.split()
    assert (name, carol_id) == ("carol", sha(carol)[:8])
    assert await apikey_command(settings, "add", "dave", DAVE) == 0
    capsys.readouterr()

    held = redis_client.hgetall(f"{settings.cache_prefix}:apikeys")
    keys = {sha(carol).encode(): b"carol", sha(DAVE).encode(): b"dave"}
    assert held == keys | {b"armed": b"1"}  # a key added arms auth (tests/api/test_tenancy.py)
    stored = [*redis_client.keys("*"), *held.keys(), *held.values()]
    assert not any(carol.encode() in item or b"dave-secret" in item for item in stored)

    async with make_client() as client:
        assert_unauthorized(await client.get(BRIEFING), invalid=False)
        assert (await client.get(BRIEFING, headers=key_header(carol))).status_code == 404
        assert (await client.get(BRIEFING, headers=key_header(DAVE))).status_code == 404

        assert await apikey_command(settings, "list", None, None) == 0
        listed = capsys.readouterr().out
        assert listed.splitlines() == [
            f"carol {sha(carol)[:8]}",
            f"dave {sha(DAVE)[:8]}",
        ]
        assert carol not in listed

        assert await apikey_command(settings, "remove", "carol", None) == 0
        assert_unauthorized(await client.get(BRIEFING, headers=key_header(carol)), invalid=True)
        dave = await client.get(BRIEFING, headers=key_header(DAVE))
        assert dave.status_code == 404  # the other key still works

        assert await apikey_command(settings, "remove", sha(DAVE)[:8], None) == 0
        assert "every request outside PUBLIC_PATHS is a 401" in capsys.readouterr().err
        assert await apikey_command(settings, "remove", "nobody", None) == 1


async def test_health_and_docs_are_public_unless_configured_otherwise(
    make_client: ClientFactory,
) -> None:
    """/metrics is not public with keys on: see tests/api/test_tenancy.py."""
    public = ["/health", "/ready", "/schema/openapi.json", "/schema/swagger"]
    public.append("/static/swagger/swagger-ui.css")
    async with make_client(api_keys=ENV_KEYS, admin_clients=("alice",)) as client:
        for path in public:
            assert (await client.get(path)).status_code == 200, path
        assert (await client.get(BRIEFING)).status_code == 401
        # HTTP metrics see the refusal as what it is (it is not raised past their middleware)
        metrics = (await client.get("/metrics", headers=key_header(ALICE))).text
        assert 'path="/v1/briefings/{briefing_id}",status_code="401"}' in metrics
    async with make_client(api_keys=ENV_KEYS, public_paths=("/health",)) as client:
        assert (await client.get("/health")).status_code == 200
        for path in ("/ready", "/metrics", "/schema/openapi.json"):
            assert_unauthorized(await client.get(path), invalid=False)
        assert (await client.get("/ready", headers=key_header(ALICE))).status_code == 200


async def test_rate_limit_counts_down_then_429_with_separate_budgets(
    make_client: ClientFactory,
) -> None:
    limited = ("briefings_api_requests_total", {"client": "alice", "outcome": "limited"})
    before = REGISTRY.get_sample_value(*limited) or 0.0
    async with make_client(api_keys=ENV_KEYS, rate_limit="3/minute") as client:
        for _ in range(4):  # neither public paths nor refused keys use up the budget
            assert (await client.get("/health", headers=key_header(ALICE))).status_code == 200
            assert (await client.get(BRIEFING, headers=key_header("nope"))).status_code == 401
        answers = [await client.get(BRIEFING, headers=key_header(ALICE)) for _ in range(4)]
        assert [a.status_code for a in answers] == [404, 404, 404, 429]
        assert [a.headers["ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
        for answer in answers:
            assert answer.headers["ratelimit-limit"] == "3"
            assert answer.headers["ratelimit-policy"] == "3;w=60"
            assert 1 <= int(answer.headers["ratelimit-reset"]) <= 60
        refused = answers[-1]
        assert refused.headers["content-type"] == PROBLEM
        body = refused.json()
        assert (body["type"], body["status"]) == ("/problems/rate-limited", 429)
        assert "3 requests per minute" in body["detail"]
        assert 1 <= int(refused.headers["retry-after"]) <= 20  # one request every 20 s
        assert "retry-after" not in answers[0].headers

        bob = await client.get(BRIEFING, headers=key_header(BOB))
        assert (bob.status_code, bob.headers["ratelimit-remaining"]) == (404, "2")
        assert (await client.get("/health", headers=key_header(ALICE))).status_code == 200
    assert (REGISTRY.get_sample_value(*limited) or 0.0) - before == 1


async def test_without_keys_the_limit_is_per_client_address(make_client: ClientFactory) -> None:
    async with make_client(rate_limit="2/hour") as client:
        statuses = [(await client.get(BRIEFING)).status_code for _ in range(3)]
    assert statuses == [404, 404, 429]


async def test_the_limit_is_atomic_across_servers(settings: Settings) -> None:
    """Two uvicorn servers (each its own thread, event loop, app and Redis client), one budget:
    20 concurrent requests against a limit of 10 admit exactly 10."""
    limited = settings.replace(api_keys=ENV_KEYS, rate_limit="10/hour")
    with serve(limited) as one, serve(limited) as two:
        async with httpx.AsyncClient(headers=key_header(ALICE), timeout=10) as http:
            answers = await asyncio.gather(*(http.get(url + BRIEFING) for url in (one, two) * 10))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [404] * 10 + [429] * 10
    admitted = [a for a in answers if a.status_code == 404]
    remaining = sorted(int(a.headers["ratelimit-remaining"]) for a in admitted)
    assert remaining == list(range(10))  # every admitted request saw a distinct count


async def test_redis_down_serves_unlimited_and_env_keys_still_work(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any], json_log: io.StringIO
) -> None:
    llm.reset(default=Reply(arguments=good_draft()))
    dead = f"redis://127.0.0.1:{free_port()}/0"
    async with make_client(redis_url=dead, api_keys=ENV_KEYS, rate_limit="2/minute") as client:
        answers = [
            await client.post("/v1/briefings", json=seed, headers=key_header(ALICE))
            for _ in range(4)
        ]
        assert [a.status_code for a in answers] == [200] * 4  # over the limit, yet served
        assert "ratelimit-limit" not in answers[-1].headers
        assert_unauthorized(await client.post("/v1/briefings", json=seed), invalid=False)
        wrong = await client.get(BRIEFING, headers=key_header("not-a-key"))
        assert_unauthorized(wrong, invalid=False)  # could not be checked: refused, not judged
    warnings = [json.loads(line)["msg"] for line in json_log.getvalue().splitlines()]
    assert sum("serving without rate limits" in m for m in warnings) == 1  # once per outage
    assert sum("refusing API keys kept in Redis" in m for m in warnings) == 1


async def test_redis_held_keys_fail_closed_when_redis_goes_down(
    make_client: ClientFactory, settings: Settings
) -> None:
    port = free_port()
    server = start_redis_server(port)
    try:
        local = settings.replace(redis_url=f"redis://127.0.0.1:{port}/0")
        assert await apikey_command(local, "add", "erin", "erin-secret-77777") == 0
        async with make_client(redis_url=local.redis_url) as client:
            erin = await client.get(BRIEFING, headers=key_header("erin-secret-77777"))
            assert erin.status_code == 404
            server.terminate()
            server.wait()
            erin = await client.get(BRIEFING, headers=key_header("erin-secret-77777"))
            assert_unauthorized(erin, invalid=False)
            assert_unauthorized(await client.get(BRIEFING), invalid=False)
            assert (await client.get("/health")).status_code == 200
    finally:
        server.terminate()
        server.wait()
    # never reached since start-up, with no env keys: closed as well, not open
    dead = f"redis://127.0.0.1:{free_port()}/0"
    async with make_client(redis_url=dead) as client:
        assert_unauthorized(await client.get(BRIEFING), invalid=False)


async def test_secrets_stay_out_of_logs_ready_metrics_and_problems(
    make_client: ClientFactory, settings: Settings, json_log: io.StringIO
) -> None:
    redis_key = "frank-secret-424242"
    assert await apikey_command(settings, "add", "frank", redis_key) == 0
    wrong = "wrong-secret-313131"
    bodies = []
    async with make_client(
        api_keys=ENV_KEYS, rate_limit="1/minute", admin_clients=("bob",)
    ) as client:
        for key in (ALICE, ALICE, redis_key, redis_key, wrong, BARE):
            answer = await client.get(BRIEFING, headers={"Authorization": f"Bearer {key}"})
            bodies.append(answer.text + json.dumps(dict(answer.headers)))
        bodies.append((await client.get("/ready")).text)
        metrics = await client.get("/metrics", headers=key_header(BOB))
        assert metrics.status_code == 200
        bodies.append(metrics.text)
    logs, config = json_log.getvalue(), repr(settings.replace(api_keys=ENV_KEYS))
    for secret in (ALICE, BOB, BARE, redis_key, wrong):
        for where, text in [("logs", logs), ("settings", config), *enumerate(bodies)]:
            assert secret not in text, where
            assert sha(secret) not in text, where  # not even the full digest
    # what is logged instead: names and 8-hex key ids (so this test would see a leak)
    lines = [json.loads(line) for line in logs.splitlines()]
    assert {(r["msg"], r["client"]) for r in lines if "client" in r} == {
        ("rate limited", "alice"),
        ("rate limited", "frank"),
    }
    assert [r["key_id"] for r in lines if r["msg"] == "api key rejected"] == [sha(wrong)[:8]]
    assert f'client="key-{sha(BARE)[:8]}"' in bodies[-1]
    assert 'client="frank",outcome="limited"' in bodies[-1]
