"""What the client gets when the LLM fails: retries and their timing, timeouts, unusable
answers and unexpected errors. Always a problem+json, never a cached failure.

Redis going away and clients hanging up: tests/system/test_faults_outages.py.
"""

from __future__ import annotations

import email.utils
import json
import time
from typing import Any

import httpx
import openai
import pytest
import redis
from litestar import get
from litestar.testing import AsyncTestClient

from service.llm._retry import RetryPolicy
from service.settings import Settings
from service.web.app import create_app
from tests.support.drafts import good_draft
from tests.support.live import ClientFactory
from tests.support.scripted_llm import Reply, ScriptedLLM

PROBLEM = "application/problem+json"
SLACK_S = 0.25  # scheduling noise allowed on top of a wait, on a loaded 2-core machine


def assert_problem(response: Any, status: int, type_: str, db: redis.Redis) -> dict[str, Any]:
    """A problem body with a useful detail, and nothing of the failure in the cache."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    problem: dict[str, Any] = response.json()
    assert (problem["status"], problem["type"]) == (status, type_)
    assert problem["title"] and problem["detail"]
    assert db.keys("gb:briefing:*") == []
    return problem


def gaps(llm: ScriptedLLM) -> list[float]:
    return [b - a for a, b in zip(llm.arrivals, llm.arrivals[1:], strict=False)]


# Transient HTTP failures: retried with backoff, within the call's timeout (service/llm/_retry.py)


async def test_5xx_is_retried_with_growing_jittered_gaps_and_then_served(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    llm.reset(Reply(arguments=good_draft()))
    llm.script(Reply(status=500), Reply(status=502))
    async with make_client(llm_http_retries=2) as client:
        response = await client.post("/v1/briefings", json=seed)
    assert response.status_code == 200, response.text
    assert response.json()["meta"]["attempts"] == 1  # transport retries are not re-asks
    assert llm.calls == 3
    first, second = gaps(llm)
    assert 0.375 <= first <= 0.5 + SLACK_S  # 0.5 s less up to 25 % jitter
    assert 0.75 <= second <= 1.0 + SLACK_S  # doubled
    assert second > first
    assert len(redis_client.keys("gb:briefing:*")) == 1


async def test_a_streamed_call_is_retried_the_same_way(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    llm.reset(Reply(arguments=good_draft()))
    llm.script(Reply(status=503))
    async with make_client(llm_http_retries=1) as client:
        response = await client.post("/v1/briefings/stream", json=seed)
    assert response.status_code == 200
    assert "event: briefing" in response.text and "event: problem" not in response.text
    assert llm.calls == 2 and llm.requests[1]["stream"] is True
    assert 0.375 <= gaps(llm)[0] <= 0.5 + SLACK_S


def test_backoff_doubles_to_its_cap_with_jitter_below_each_step() -> None:
    """The policy's waits over many draws: in [0.75, 1] × min(0.5 s × 2ⁿ, 8 s), and spread."""
    policy = RetryPolicy(retries=10)
    request = httpx.Request("POST", "http://llm.invalid/v1/chat/completions")
    error = openai.InternalServerError(
        "boom",
        response=httpx.Response(500, request=request),  # type: ignore[arg-type]
        body=None,
    )
    for retry, step in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (9, 8.0)]:
        waits = [policy.wait_s(error, retry, left_s=100.0) for _ in range(200)]
        assert all(w is not None and 0.75 * step <= w <= step for w in waits), retry
        assert len(set(waits)) > 100  # jittered, not one value
    assert policy.wait_s(error, 10, left_s=100.0) is None  # out of retries
    assert policy.wait_s(error, 4, left_s=5.0) is None  # would outlast the call's time left


@pytest.mark.parametrize(
    ("headers", "low", "high"),
    [
        ({"Retry-After": "1"}, 1.0, 1.0 + SLACK_S),
        # milliseconds win, and are followed even below the backoff's 0.375 s floor
        ({"retry-after-ms": "150", "Retry-After": "9"}, 0.15, 0.15 + SLACK_S),
    ],
)
async def test_retry_after_from_the_backend_is_the_wait(
    make_client: ClientFactory,
    llm: ScriptedLLM,
    seed: dict[str, Any],
    headers: dict[str, str],
    low: float,
    high: float,
) -> None:
    llm.reset(Reply(arguments=good_draft()))
    llm.script(Reply(status=429, headers=headers))
    async with make_client(llm_http_retries=2) as client:
        response = await client.post("/v1/briefings", json=seed)
    assert response.status_code == 200, response.text
    assert llm.calls == 2
    assert low <= gaps(llm)[0] <= high


async def test_failures_beyond_the_retry_budget_are_a_503_passing_on_retry_after(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    llm.reset(Reply(status=429, headers={"retry-after-ms": "100", "Retry-After": "1"}))
    async with make_client(llm_http_retries=2) as client:
        limited = await client.post("/v1/briefings", json=seed)
        problem = assert_problem(limited, 503, "/problems/llm-unavailable", redis_client)
        assert problem["detail"] == "the LLM backend answered HTTP 429"
        assert limited.headers["retry-after"] == "1"  # 100 ms, in the whole seconds HTTP has
        assert llm.calls == 3  # the first try and 2 retries

        llm.reset(Reply(status=500))  # no Retry-After from the backend: none to the client
        failed = await client.post("/v1/briefings", json=seed)
        assert_problem(failed, 503, "/problems/llm-unavailable", redis_client)
        assert "retry-after" not in failed.headers
        assert llm.calls == 3


@pytest.mark.parametrize(
    ("retry_after", "timeout_s", "told"),
    [
        ("120", 300.0, {"120"}),  # over the 60 s we ever wait
        ("5", 2.0, {"5"}),  # longer than the call's LLM_TIMEOUT_S
        (90, 300.0, {"88", "89", "90"}),  # an HTTP date 90 s ahead, passed on as seconds
    ],
)
async def test_a_retry_after_beyond_our_bound_is_not_waited_for(
    make_client: ClientFactory,
    llm: ScriptedLLM,
    seed: dict[str, Any],
    redis_client: redis.Redis,
    retry_after: str | int,
    timeout_s: float,
    told: set[str],
) -> None:
    if isinstance(retry_after, int):
        retry_after = email.utils.formatdate(time.time() + retry_after, usegmt=True)
    llm.reset(Reply(arguments=good_draft()))
    llm.script(Reply(status=429, headers={"Retry-After": retry_after}))
    async with make_client(llm_http_retries=2, llm_timeout_s=timeout_s) as client:
        started = time.monotonic()
        response = await client.post("/v1/briefings", json=seed)
        took = time.monotonic() - started
    assert_problem(response, 503, "/problems/llm-unavailable", redis_client)
    assert response.headers["retry-after"] in told
    assert llm.calls == 1
    assert took < 1.0


# Timeouts: a 504 within LLM_TIMEOUT_S, however many retries are allowed


async def test_a_timeout_is_a_504_without_a_retry_storm(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    llm.reset(Reply(arguments=good_draft(), delay_s=2.0))
    async with make_client(llm_timeout_s=0.5, llm_http_retries=2) as client:
        started = time.monotonic()
        response = await client.post("/v1/briefings", json=seed)
        took = time.monotonic() - started
    problem = assert_problem(response, 504, "/problems/llm-timeout", redis_client)
    assert problem["detail"] == "the LLM did not answer within 0.5 s"
    assert llm.calls == 1  # the try had the whole budget; the openai client would make 3
    assert 0.5 <= took < 0.5 + SLACK_S


async def test_retries_share_the_timeout_rather_than_each_getting_one(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    """Slow 500s: the retry gets what the first try and its backoff left of 1.5 s, too little
    for another 0.6 s answer, so the call ends at 1.5 s (the openai client: 3 × 1.5 s)."""
    llm.reset(Reply(status=500, delay_s=0.6))
    async with make_client(llm_timeout_s=1.5, llm_http_retries=5) as client:
        started = time.monotonic()
        response = await client.post("/v1/briefings", json=seed)
        took = time.monotonic() - started
    assert_problem(response, 504, "/problems/llm-timeout", redis_client)
    assert llm.calls == 2
    assert 1.5 <= took < 1.5 + SLACK_S


# Answers that are not a draft: re-asked with the reason, then a 502 saying why


async def test_arguments_that_are_not_json_are_reasked_with_the_parse_error(
    client: Any, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    llm.script(Reply(arguments='{"headline": "Ukraine'), Reply(arguments=good_draft()))
    response = await client.post("/v1/briefings", json=seed)
    assert response.status_code == 200, response.text
    assert response.json()["meta"]["attempts"] == 2
    reask = llm.requests[1]["messages"][-1]
    assert reask["role"] == "tool"
    assert "Invalid JSON" in reask["content"] and "EOF while parsing" in reask["content"]
    assert len(redis_client.keys("gb:briefing:*")) == 1


async def test_a_draft_failing_its_schema_twice_is_a_502_naming_the_fields(
    client: Any, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    llm.reset(Reply(arguments={"headline": 3, "key_points": []}))
    response = await client.post("/v1/briefings", json=seed)
    problem = assert_problem(response, 502, "/problems/llm-bad-output", redis_client)
    assert problem["detail"] == (
        "the model's output failed validation after 2 attempt(s): "
        "headline: Input should be a valid string; summary: Field required"
    )
    assert llm.calls == 2
    assert (
        "headline\n  Input should be a valid string" in llm.requests[1]["messages"][-1]["content"]
    )


CHAT = {"id": "x", "object": "chat.completion", "created": 0, "model": "m"}
TEXT_ONLY = {
    "index": 0,
    "message": {"role": "assistant", "content": "Sure!"},
    "finish_reason": "stop",
}


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply(raw=b"<html>502 Bad Gateway</html>", content_type="text/html"), "No choices"),
        (Reply(raw=b'{"id": "x", "choi'), "JSONDecodeError"),
        # instructor trips over this one while re-asking (a TypeError): still the backend's fault
        (Reply(raw=b"{}"), "No choices"),
        (Reply(raw=json.dumps(CHAT | {"choices": [TEXT_ONLY]}).encode()), "No tool calls"),
    ],
    ids=["html", "truncated-json", "empty-object", "text-not-tool-call"],
)
async def test_a_200_that_is_not_a_chat_answer_is_a_502_saying_so(
    client: Any,
    llm: ScriptedLLM,
    seed: dict[str, Any],
    redis_client: redis.Redis,
    reply: Reply,
    reason: str,
) -> None:
    llm.reset(reply)
    response = await client.post("/v1/briefings", json=seed)
    problem = assert_problem(response, 502, "/problems/llm-bad-output", redis_client)
    assert problem["detail"].startswith("the LLM backend's answer could not be read after ")
    assert reason in problem["detail"]
    assert 1 <= llm.calls <= 2  # re-asked at most once (LLM_MAX_RETRIES=1), never looped


async def test_a_truly_unexpected_error_is_a_500_problem_that_leaks_nothing(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """No LLM fault gets this far any more (they are the 502s, 503s and 504s above), so the
    test registers a route of its own that fails the way a bug would."""

    @get("/v1/boom", sync_to_thread=False)
    def boom() -> None:
        raise KeyError("secret-internal-detail")

    app = create_app(settings)
    app.register(boom)
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/v1/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    assert response.json() == {
        "status": 500,
        "type": "about:blank",
        "title": "Internal Server Error",
        "detail": "an unexpected error occurred; it has been logged",
    }
    assert "secret-internal-detail" not in response.text
    assert any("secret-internal-detail" in (r.exc_text or "") for r in caplog.records)
