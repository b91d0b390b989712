"""/metrics counts what happened; every response carries a request id that the logs share."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from prometheus_client import REGISTRY

from service.logs import JsonFormatter
from service.web.app import COMMITTED
from tests.support.drafts import good_draft
from tests.support.scripted_llm import Reply, ScriptedLLM


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class Snapshot:
    """Counter values before a test, so assertions are about this test's deltas."""

    NAMES: tuple[tuple[str, dict[str, str]], ...] = (
        ("briefings_cache_lookups_total", {"result": "hit"}),
        ("briefings_cache_lookups_total", {"result": "miss"}),
        ("briefings_llm_call_seconds_count", {"outcome": "ok"}),
        ("briefings_llm_call_seconds_count", {"outcome": "LLMUnavailable"}),
        ("briefings_llm_tokens_total", {"kind": "prompt"}),
        ("briefings_llm_tokens_total", {"kind": "completion"}),
        ("briefings_llm_reasks_total", {}),
        (
            "briefings_verification_dropped_total",
            {"what": "key_points", "reason": "no verifiable evidence"},
        ),
        ("briefings_errors_total", {"status": "503", "type": "/problems/llm-unavailable"}),
        ("briefings_errors_total", {"status": "400", "type": "/problems/invalid-request"}),
    )

    def __init__(self) -> None:
        self.before = {self._key(n, lab): sample(n, **lab) for n, lab in self.NAMES}

    @staticmethod
    def _key(name: str, labels: dict[str, str]) -> str:
        return name + json.dumps(labels, sort_keys=True)

    def delta(self, name: str, **labels: str) -> float:
        return sample(name, **labels) - self.before[self._key(name, labels)]


async def test_metrics_count_hits_misses_tokens_reasks_drops_and_errors(
    client: Any, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    snap = Snapshot()
    bad = good_draft()
    bad["key_points"].append({"evidence": ["Russia admitted 900 drones hit Kyiv."], "text": "x"})
    llm.script(
        Reply(arguments=bad, prompt_tokens=300, completion_tokens=40),
        Reply(arguments=bad, prompt_tokens=310, completion_tokens=41),
    )
    assert (await client.post("/v1/briefings", json=seed)).status_code == 200
    assert (await client.post("/v1/briefings", json=seed)).status_code == 200
    other = {"article": {**seed["article"], "title": "another title"}}
    llm.script(Reply(status=500))
    assert (await client.post("/v1/briefings", json=other)).status_code == 503
    assert (await client.post("/v1/briefings", json={"article": {}})).status_code == 400

    assert snap.delta("briefings_cache_lookups_total", result="miss") == 2
    assert snap.delta("briefings_cache_lookups_total", result="hit") == 1
    assert snap.delta("briefings_llm_call_seconds_count", outcome="ok") == 1
    assert snap.delta("briefings_llm_call_seconds_count", outcome="LLMUnavailable") == 1
    assert snap.delta("briefings_llm_tokens_total", kind="prompt") == 610
    assert snap.delta("briefings_llm_tokens_total", kind="completion") == 81
    assert snap.delta("briefings_llm_reasks_total") == 1
    dropped = {"what": "key_points", "reason": "no verifiable evidence"}
    assert snap.delta("briefings_verification_dropped_total", **dropped) == 1
    assert snap.delta("briefings_errors_total", status="503", type="/problems/llm-unavailable") == 1
    assert snap.delta("briefings_errors_total", status="400", type="/problems/invalid-request") == 1

    exposition = await client.get("/metrics")
    assert exposition.status_code == 200
    assert exposition.headers["content-type"].startswith("text/plain")
    text = exposition.text
    assert 'briefings_cache_lookups_total{result="hit"}' in text
    assert "briefings_llm_call_seconds_bucket" in text
    # HTTP metrics are labelled by route template, never by a briefing id
    assert 'path="/v1/briefings"' in text
    assert "/v1/briefings/0" not in text


def test_metrics_is_not_in_the_spec() -> None:
    assert "/metrics" not in json.loads(COMMITTED.read_text())["paths"]


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


async def test_request_id_is_echoed_and_on_every_log_line_of_the_request(
    client: Any, llm: ScriptedLLM, seed: dict[str, Any], json_log: io.StringIO
) -> None:
    bad = good_draft()
    bad["key_points"].append({"evidence": ["Russia admitted 900 drones hit Kyiv."], "text": "x"})
    llm.script(Reply(arguments=bad), Reply(arguments=bad))
    response = await client.post("/v1/briefings", json=seed, headers={"X-Request-ID": "trace-42"})
    assert response.headers["x-request-id"] == "trace-42"
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    mine = [line for line in lines if line.get("request_id") == "trace-42"]
    access = [line for line in mine if line["logger"] == "service.access"]
    assert [(a["method"], a["path"], a["status"]) for a in access] == [
        ("POST", "/v1/briefings", 200)
    ]
    assert access[0]["duration_ms"] > 0
    # the verifier's log line about the dropped item belongs to the same request
    assert any(line["logger"] == "service.grounding.verify" for line in mine)
    assert "test-key" not in json_log.getvalue()


@pytest.mark.parametrize(
    ("sent", "echoed"),
    [(None, None), ("has spaces in it", None), ("x" * 200, None), ("ok-id_1.2:3", "ok-id_1.2:3")],
)
async def test_request_ids_are_generated_when_absent_or_unsafe(
    client: Any, sent: str | None, echoed: str | None
) -> None:
    headers = {"X-Request-ID": sent} if sent else {}
    for path in ("/health", "/v1/nowhere"):
        rid = (await client.get(path, headers=headers)).headers["x-request-id"]
        if echoed:
            assert rid == echoed
        else:
            assert len(rid) == 32 and int(rid, 16) >= 0
