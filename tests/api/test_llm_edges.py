"""What the LLM layer must survive: template syntax in articles, answers cut off, chunk size."""

from __future__ import annotations

import json
from typing import Any

import redis

from service.settings import Settings
from tests.support.drafts import good_draft
from tests.support.live import ClientFactory
from tests.support.scripted_llm import Reply, ScriptedLLM

TEMPLATE_BAIT = "Officials wrote {{ 7*7 }} and {% if x %} and {# note #} on the board. {{ config }}"


def _user_message(request: dict[str, Any]) -> str:
    return next(m["content"] for m in request["messages"] if m["role"] == "user")


async def test_template_syntax_in_an_article_reaches_the_model_verbatim(
    client: Any, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    """instructor renders messages as Jinja when given a context; ours must not be."""
    seed["article"]["text"] = seed["article"]["text"] + "\n\n" + TEMPLATE_BAIT
    bad = good_draft()
    bad["key_points"].append({"evidence": ["900 drones hit Kyiv."], "text": "x"})
    llm.script(Reply(arguments=bad), Reply(arguments=good_draft()))  # one re-ask
    response = await client.post("/v1/briefings", json=seed)
    assert response.status_code == 200, response.text
    assert llm.calls == 2
    for request in llm.requests:
        assert TEMPLATE_BAIT in _user_message(request)
        assert "49" not in _user_message(request)


async def test_template_syntax_in_a_streamed_article_reaches_the_model_verbatim(
    client: Any, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    seed["article"]["text"] = seed["article"]["text"] + "\n\n" + TEMPLATE_BAIT
    llm.reset(Reply(arguments=good_draft()))
    response = await client.post("/v1/briefings/stream", json=seed)
    assert response.status_code == 200
    assert "event: briefing" in response.text
    assert TEMPLATE_BAIT in _user_message(llm.requests[0])


async def test_an_answer_cut_off_at_max_tokens_is_a_502_saying_so(
    client: Any, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    llm.reset(Reply(arguments=good_draft(), finish_reason="length"))
    response = await client.post("/v1/briefings", json=seed)
    assert response.status_code == 502, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "/problems/llm-bad-output"
    assert "cut off" in problem["detail"] and "2048" in problem["detail"]
    assert redis_client.dbsize() == 0


async def test_llm_context_tokens_decides_the_chunk_size(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any], settings: Settings
) -> None:
    """LLM_CONTEXT_TOKENS reaches the service: a small window splits the seed into chunks."""
    small = settings.replace(llm_context_tokens=4_000, llm_max_tokens=2_000)
    assert small.chunk_chars == 3_000 < len(seed["article"]["text"])
    llm.reset(Reply(arguments=good_draft()))
    async with make_client(llm_context_tokens=4_000, llm_max_tokens=2_000) as client:
        response = await client.post("/v1/briefings", json=seed)
    assert response.status_code == 200, response.text
    assert llm.calls > 1
    assert json.loads(response.text)["meta"]["attempts"] == llm.calls
