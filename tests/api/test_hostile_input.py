"""Hostile and odd input (issue 23, items 10-14): every answer is a problem, never a 500,
and nothing reaches the LLM. Real Redis, scripted LLM; the HTTP-level cases over a real
uvicorn socket with the service's own server options (service/web/server.py)."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from service.settings import Settings
from tests.support.drafts import EMPTY_DRAFT
from tests.support.live import ClientFactory, serve
from tests.support.scripted_llm import Reply, ScriptedLLM

PROBLEM = "application/problem+json"
JSON_ROUTES = ("/v1/briefings", "/v1/briefings/stream", "/v1/jobs")
ARTICLE = {"article": {"text": "The mayor opened the new bridge in Springfield on Monday."}}


def body_for(path: str, request: dict[str, Any] = ARTICLE) -> dict[str, Any]:
    return {"articles": [request]} if path == "/v1/jobs" else request


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    return problem


def nested(depth: int) -> bytes:
    return b'{"article":' + b"[" * depth + b"]" * depth + b"}"


@pytest.mark.parametrize("path", JSON_ROUTES)
@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (nested(968), "application/json", "nested too deeply"),
        (nested(50_000), "application/json", "nested too deeply"),
        (b'{"article": {"text": "caf\xe9 au lait"}}', "application/json", "not valid UTF-8"),
        (b'{"article": {"text": "\xff\xfe"}}', "application/json", "not valid UTF-8"),
        (
            '{"article": {"text": "café"}}'.encode("latin-1"),
            "application/json; charset=latin-1",
            "charset=latin-1",
        ),
        (b'{"article": {"text": "x"}}', "application/json; charset=ISO-8859-1", "charset=iso"),
    ],
    ids=["968-deep", "50000-deep", "latin-1-bytes", "bom-bytes", "latin-1-body", "latin-1-ascii"],
)
async def test_undecodable_bodies_are_400_problems_naming_the_body(
    client: Any, llm: ScriptedLLM, path: str, body: bytes, content_type: str, reason: str
) -> None:
    response = await client.post(path, content=body, headers={"content-type": content_type})
    problem = assert_problem(response, 400)
    assert reason in problem["detail"], problem
    assert problem["extra"] == [{"key": "body", "message": problem["extra"][0]["message"]}]
    assert reason in problem["extra"][0]["message"]
    assert llm.calls == 0


async def test_utf8_charset_and_json_suffix_types_are_accepted(
    client: Any, llm: ScriptedLLM
) -> None:
    llm.reset(default=Reply(arguments=EMPTY_DRAFT))
    body = json.dumps(ARTICLE).encode()
    for content_type in ("application/json; charset=UTF-8", 'application/json;charset="utf-8"'):
        response = await client.post(
            "/v1/briefings", content=body, headers={"content-type": content_type}
        )
        assert response.status_code == 200, response.text
    problem_json = await client.post(
        "/v1/briefings", content=body, headers={"content-type": "application/merge-patch+json"}
    )
    assert problem_json.status_code == 200, problem_json.text
    assert llm.calls == 1  # one article: the second and third were hits


@pytest.mark.parametrize("path", JSON_ROUTES)
@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", None],
)
async def test_json_routes_answer_415_to_anything_but_json(
    client: Any, llm: ScriptedLLM, path: str, content_type: str | None
) -> None:
    """The three types a browser sends cross-site without a preflight, and none at all."""
    headers = {"content-type": content_type} if content_type else {}
    response = await client.post(path, content=json.dumps(body_for(path)), headers=headers)
    problem = assert_problem(response, 415)
    got = content_type.split(";")[0] if content_type else "it has none"
    assert got in problem["detail"]
    assert "application/json" in problem["detail"]
    assert llm.calls == 0


async def test_a_body_answered_before_is_still_415_as_text(client: Any, llm: ScriptedLLM) -> None:
    """The body memo of createBriefing (it answers known bytes before parsing) comes after
    the content-type check: the same bytes as text/plain are refused."""
    llm.reset(default=Reply(arguments=EMPTY_DRAFT))
    body = json.dumps(ARTICLE).encode()
    first = await client.post(
        "/v1/briefings", content=body, headers={"content-type": "application/json"}
    )
    assert first.status_code == 200
    again = await client.post("/v1/briefings", content=body, headers={"content-type": "text/plain"})
    assert_problem(again, 415)


@pytest.mark.parametrize("path", ["/v1/briefings", "/v1/briefings/stream"])
async def test_max_article_chars_is_the_limit_and_the_answer_is_413(
    make_client: ClientFactory, llm: ScriptedLLM, path: str
) -> None:
    llm.reset(default=Reply(arguments=EMPTY_DRAFT))
    long_text = {"article": {"text": "word " * 50_000}}  # 250,000 characters
    async with make_client() as client:  # the default, 100,000
        refused = await client.post(path, json=long_text)
        problem = assert_problem(refused, 413)
        assert problem["type"] == "/problems/article-too-large"
        assert "250,000" in problem["detail"] and "100,000" in problem["detail"]
    async with make_client(max_article_chars=300_000) as client:
        accepted = await client.post(path, json=long_text)
        assert accepted.status_code == 200, accepted.text[:300]
        over = await client.post(path, json={"article": {"text": "word " * 60_001}})
        assert "300,000" in assert_problem(over, 413)["detail"]
    assert llm.calls == 1


async def test_the_documented_schema_leaves_the_length_to_the_setting(client: Any) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    text = document["components"]["schemas"]["Article"]["properties"]["text"]
    assert text["maxLength"] == 1_000_000  # the contract's ceiling; the setting is lower
    assert "MAX_ARTICLE_CHARS" in text["description"]
    for path in JSON_ROUTES:
        assert "415" in document["paths"][path]["post"]["responses"], path


async def test_head_is_get_without_the_body(client: Any, llm: ScriptedLLM) -> None:
    llm.reset(default=Reply(arguments=EMPTY_DRAFT))
    made = await client.post("/v1/briefings", json=ARTICLE)
    job = (await client.post("/v1/jobs", json={"articles": [ARTICLE]})).json()
    for path in (
        "/health",
        "/ready",
        f"/v1/briefings/{made.json()['id']}",
        f"/v1/briefings/{made.json()['id']}/events.csv",
        f"/v1/jobs/{job['id']}",
        f"/briefings/{made.json()['id']}",
        "/schema/openapi.json",
    ):
        got, head = await client.get(path), await client.head(path)
        assert head.status_code == got.status_code == 200, (path, head.status_code)
        assert head.content == b"", path
        assert head.headers["content-type"] == got.headers["content-type"], path
        assert head.headers.get("content-length") == got.headers.get("content-length"), path
    missing = await client.head("/v1/briefings/" + "0" * 64)
    assert (missing.status_code, missing.headers["content-type"]) == (404, PROBLEM)
    assert missing.content == b""
    assert (await client.head("/v1/nothing-here")).status_code == 404
    refused = await client.post("/health")
    assert refused.status_code == 405
    assert "HEAD" in refused.headers["allow"] and "GET" in refused.headers["allow"]


def exchange(port: int, request: bytes) -> bytes:
    """One raw request on a fresh connection; everything the server sends until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def parsed(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body


@pytest.fixture
def live_port(settings: Settings) -> Iterator[int]:
    with serve(settings.replace(body_timeout_s=1.0, max_pending_bodies=4)) as url:
        yield int(url.rsplit(":", 1)[1])


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /health?" + b"q" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"FROB /health HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /health HTTP/1.1\r\nHost: x\r\nX-Note: a\x01b\r\n\r\n",
    ],
    ids=["100-KB-query", "unknown-method", "control-character"],
)
def test_what_the_parser_refuses_is_a_problem_too(live_port: int, request_bytes: bytes) -> None:
    status, headers, body = parsed(exchange(live_port, request_bytes))
    assert (status, headers["content-type"]) == (400, PROBLEM)
    problem = json.loads(body)
    assert (problem["status"], problem["type"]) == (400, "/problems/malformed-http")
    assert int(headers["content-length"]) == len(body)


def test_stalled_bodies_are_timed_out_and_capped(live_port: int) -> None:
    """Ten clients declare 1,000 bytes and send 5: four (MAX_PENDING_BODIES) get a 408 at
    BODY_TIMEOUT_S, the other six a 503 at once; every connection is closed, and the server
    answers everyone else meanwhile."""
    started = time.monotonic()
    stalled = []
    for _ in range(10):
        sock = socket.create_connection(("127.0.0.1", live_port), timeout=10)
        sock.sendall(
            b"POST /v1/briefings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\n\r\n" + b'{"art'
        )
        stalled.append(sock)
        time.sleep(0.02)  # in order: the first four are pending when the rest arrive
    healthy = exchange(live_port, b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert parsed(healthy)[0] == 200
    answers: dict[int, tuple[tuple[int, dict[str, str], bytes], float]] = {}
    for i in [*range(4, 10), *range(4)]:  # the refused first: their answers are immediate
        received = b""
        while chunk := stalled[i].recv(65536):  # the server closes: recv returns b""
            received += chunk
        stalled[i].close()
        answers[i] = (parsed(received), time.monotonic() - started)
    ordered = [answers[i] for i in range(10)]
    assert [status for (status, _, _), _ in ordered] == [408] * 4 + [503] * 6
    for (status, headers, body), _ in ordered:
        assert headers["content-type"] == PROBLEM
        assert headers["connection"] == "close"
        assert json.loads(body)["status"] == status
    assert all(headers["retry-after"] == "5" for (s, headers, _), _ in ordered if s == 503)
    assert all(at < 0.9 for (s, _, _), at in ordered if s == 503)  # refused at once
    assert all(0.9 < at < 3 for (s, _, _), at in ordered if s == 408)  # at the 1 s deadline
