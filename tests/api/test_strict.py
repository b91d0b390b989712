"""Strict request validation and problem+json for every error status.

Litestar validates pydantic models in lax mode; service/web/_validation.py restores the models'
own strictness. These tests pin that: if a Litestar upgrade moves the private helper we use,
coercion comes back and they fail.
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs
import pytest
import redis

from schemas.article import NOT_BLANK
from tests.support.drafts import good_draft
from tests.support.live import ClientFactory
from tests.support.scripted_llm import Reply, ScriptedLLM

TEXT = "Officials said on Monday that the bridge reopened."


@pytest.mark.parametrize(
    ("body", "key", "reason"),
    [
        ({"options": {"max_events": "5"}}, "options.max_events", "valid integer"),
        ({"options": {"max_events": False}}, "options.max_events", "valid integer"),
        ({"options": {"max_key_points": 2.5}}, "options.max_key_points", "valid integer"),
        ({"options": {"max_key_points": True}}, "options.max_key_points", "valid integer"),
        ({"article": {"text": 5}}, "article.text", "valid string"),
        ({"article": {"text": TEXT, "title": 7}}, "article.title", "valid string"),
        ({"article": {"text": TEXT, "language": ["en"]}}, "article.language", "valid string"),
        ({"options": {"max_events": 3, "tone": "dry"}}, "options.tone", "not permitted"),
        # Pydantic's lax dates read numbers and digit strings as Unix times (all in 1970).
        ({"article": {"text": TEXT, "published_at": 0}}, "article.published_at", "RFC 3339"),
        ({"article": {"text": TEXT, "published_at": "0"}}, "article.published_at", "RFC 3339"),
        (
            {"article": {"text": TEXT, "published_at": "20251109"}},
            "article.published_at",
            "RFC 3339",
        ),
        (  # format date-time (RFC 3339) requires the offset
            {"article": {"text": TEXT, "published_at": "2025-11-09T10:30:00"}},
            "article.published_at",
            "RFC 3339",
        ),
        ({"callback": "http://example.com"}, "callback", "not permitted"),
    ],
)
async def test_no_silent_coercion_and_no_unknown_fields(
    client: Any,
    llm: ScriptedLLM,
    redis_client: redis.Redis,
    body: dict[str, Any],
    key: str,
    reason: str,
) -> None:
    request = {"article": {"text": TEXT}, **body}
    response = await client.post("/v1/briefings", json=request)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "/problems/invalid-request"
    assert problem["title"] == "Invalid request"
    assert problem["status"] == 400
    assert problem["detail"]
    assert [(p["key"], reason in p["message"]) for p in problem["extra"]] == [(key, True)]
    assert llm.calls == 0
    assert redis_client.dbsize() == 0


async def test_whole_numbers_are_integers_as_json_schema_says(
    client: Any, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    """JSON Schema's `integer` includes 2.0; a schema-valid body must not be a 400."""
    llm.reset(Reply(arguments=good_draft()))
    seed["options"] = {"max_key_points": 1.0, "max_events": 2.0}
    response = await client.post("/v1/briefings", json=seed)
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["briefing"]["key_points"]) == 1
    assert len(body["events"]) == 2


def test_not_blank_pattern_is_what_the_validator_strips() -> None:
    """The documented pattern and `str.strip()` agree on every character up to U+3100 (all
    whitespace is below it), in Python's regex and in jsonschema-rs (schemathesis's)."""
    validator = jsonschema_rs.validator_for({"type": "string", "pattern": NOT_BLANK})
    pattern = re.compile(NOT_BLANK)
    for char in map(chr, range(0x3100)):
        blank = not char.strip()
        assert bool(pattern.search(char)) is not blank, hex(ord(char))
        assert validator.is_valid(char) is not blank, hex(ord(char))
        assert validator.is_valid(f"{char}a") and validator.is_valid(f"a{char}")


@pytest.mark.parametrize(
    "published_at", ["2025-11-09", "2025-11-09T10:30:00Z", "2025-11-09T10:30:00+02:00"]
)
async def test_iso_dates_are_still_accepted(
    client: Any, llm: ScriptedLLM, seed: dict[str, Any], published_at: str
) -> None:
    """JSON has no date type, so strictness must not reject ISO 8601 strings."""
    llm.reset(Reply(arguments=good_draft()))
    seed["article"]["published_at"] = published_at
    response = await client.post("/v1/briefings", json=seed)
    assert response.status_code == 200, response.text
    assert response.json()["briefing"]["headline"] == good_draft()["headline"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/v1/nowhere", 404),
        ("DELETE", "/v1/briefings", 405),
        ("GET", "/v1/briefings/not-a-hex-id", 400),
        ("GET", "/v1/briefings/" + "0" * 64, 404),
    ],
)
async def test_every_error_status_is_a_problem(
    client: Any, method: str, path: str, status: int
) -> None:
    response = await client.request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert problem["title"] and problem["type"]


async def test_body_over_the_request_limit_is_a_413_problem(
    make_client: ClientFactory, llm: ScriptedLLM
) -> None:
    def body(size: int) -> bytes:
        return b'{"article": {"text": "' + b"a" * size + b'"}}'

    headers = {"content-type": "application/json"}
    async with make_client(max_body_bytes=10_000, max_article_chars=20_000) as client:
        too_big = await client.post("/v1/briefings", content=body(10_000), headers=headers)
        fits = await client.post("/v1/briefings", content=body(5_000), headers=headers)
    assert too_big.status_code == 413
    assert too_big.headers["content-type"] == "application/problem+json"
    assert too_big.json()["status"] == 413
    assert fits.status_code != 413  # under the limit it is read (and briefed or refused)
    assert llm.calls <= 1
