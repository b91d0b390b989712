"""End to end with the real embedded model: llama.cpp server, Qwen2.5-Coder-0.5B, seed article.

Slow (about a minute on 2 cores) and it runs in CI: it is the proof that the default,
offline configuration works (the staged strategy: code finds the events, the model writes
the headline and summary), that verification holds with a weak model, and that a call
given up on does not keep the one-answer-at-a-time server busy.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from schemas import BriefingResponse
from service.llm.embedded import EmbeddedServer
from service.llm.modelpack import resolve_model
from service.settings import Settings
from service.web.app import create_app
from tests.api.test_briefings_api import assert_spans_verified
from tests.support.drafts import SEED_TEXT
from tests.support.sse import stream

pytestmark = pytest.mark.embedded

if importlib.util.find_spec("llama_cpp") is None and not os.environ.get("CI"):
    pytest.skip(
        "llama-cpp-python is not installed (uv sync --extra embedded)", allow_module_level=True
    )


async def test_seed_article_with_embedded_model(
    redis_url: str, redis_client: Any, seed: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Our own API's PORT/HOST must not leak into llama.cpp's server settings.
    monkeypatch.setenv("PORT", "1")
    monkeypatch.setenv("HOST", "192.0.2.1")
    settings = Settings(redis_url=redis_url, llm_timeout_s=600)
    assert settings.backend == "embedded"
    async with AsyncTestClient(app=create_app(settings), timeout=900) as client:
        ready = (await client.get("/ready")).json()
        assert (ready["llm_backend"], ready["llm_reachable"]) == ("embedded", True)

        response = await client.post("/v1/briefings", json=seed)
        assert response.status_code == 200, response.text
        assert response.headers["x-cache"] == "miss"
        body = response.json()
        result = BriefingResponse.model_validate(body)
        assert result.meta.model == "qwen2.5-coder-0.5b-instruct"
        assert result.meta.prompt_version.startswith("staged-")  # the embedded default
        assert result.meta.usage.completion_tokens > 0
        assert result.meta.attempts == 1  # one short call: the headline and summary
        assert_spans_verified(body, SEED_TEXT)
        # the seed's dated events, every one verified (no drops), with their places
        assert len(result.events) >= 3
        assert not [d for d in result.meta.dropped if d.what.startswith("events")]
        places = {e.location.name for e in result.events if e.location}
        assert {"Voronezh", "Belgorod", "Bryansk"} <= places
        assert result.briefing.headline.strip()

        again = await client.post("/v1/briefings", json=seed)
        assert again.headers["x-cache"] == "hit"
        assert again.json()["events"] == body["events"]


def _completion_tokens(log: str) -> list[int]:
    """Tokens generated per completion, from llama.cpp's timing lines."""
    return [int(n) for n in re.findall(r"\beval time =\s*[\d.]+ ms /\s*(\d+) runs", log)]


async def test_a_call_given_up_on_stops_generating(tmp_path: Path) -> None:
    """The server computes one answer at a time: a client that gives up must not leave it
    generating to `max_tokens` while the next request waits."""
    settings = Settings()
    log_path = tmp_path / "llama-server.log"
    server = EmbeddedServer(
        model_path=resolve_model(settings.embedded_model, settings.model_cache_dir),
        alias="probe",
        log_path=log_path,
    )
    await server.start(settings.embedded_start_timeout_s)
    long_answer = {
        "messages": [{"role": "user", "content": "Count from 1 to 5000, one number a line."}],
        "max_tokens": 2000,
        "temperature": 0,
        # End-of-text and end-of-turn (Qwen2.5) banned: the model answers this with a short
        # script otherwise, and the answer must outlast the client's 3 s.
        "logit_bias": {"151643": -100, "151645": -100},
    }
    try:
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            with pytest.raises(httpx.ReadTimeout):
                await client.post("/chat/completions", json=long_answer, timeout=3)
            short = long_answer | {"max_tokens": 4}
            answer = await client.post("/chat/completions", json=short, timeout=300)
        assert answer.status_code == 200
    finally:
        await server.stop()
    abandoned, answered = _completion_tokens(log_path.read_text(errors="replace"))
    assert abandoned < 2000 / 2  # stopped at the next token once the client was gone
    assert answered <= 4


async def _generate(base_url: str) -> tuple[str, str | None]:
    """A streamed answer of up to 300 tokens (seconds of generating on 2 cores, temperature
    0): its text and finish reason."""
    count = {
        "messages": [{"role": "user", "content": "Write a 500-word story about a lighthouse."}],
        "max_tokens": 300,
        "temperature": 0,
        "stream": True,
    }
    text, finish = "", None
    async with (
        httpx.AsyncClient(base_url=base_url, timeout=600) as llama,
        llama.stream("POST", "/chat/completions", json=count) as answer,
    ):
        async for line in answer.aiter_lines():
            if line.startswith("data: {"):
                choice = json.loads(line[6:])["choices"][0]
                text += choice["delta"].get("content") or ""
                finish = choice.get("finish_reason") or finish
    return text, finish


async def test_answers_run_to_the_end_while_ready_polls_every_second(
    redis_url: str, redis_client: Any, seed: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`/ready` lists the server's models each time it is asked. The stock llama.cpp server
    takes the model's lock for that, so a probe during a generation would interrupt it (its
    default) or wait behind it and call a busy server unreachable. A streamed generation
    runs to its end with `/ready` asked every second, as it does without, a briefing stream
    runs to the end, and every probe finds the LLM reachable."""
    monkeypatch.setenv("PORT", "1")
    monkeypatch.setenv("HOST", "192.0.2.1")
    settings = Settings(redis_url=redis_url, llm_timeout_s=600)
    async with AsyncTestClient(app=create_app(settings), timeout=900) as client:
        base_url = client.app.state.runtime.llm.base_url
        alone = await _generate(base_url)
        probes: list[tuple[int, bool]] = []

        async def poll() -> None:
            while True:
                ready = await client.get("/ready")
                probes.append((ready.status_code, ready.json()["llm_reachable"]))
                await asyncio.sleep(1)

        poller = asyncio.create_task(poll())
        try:
            probed = await _generate(base_url)
            during_generation = len(probes)
            _, frames, _ = await stream(client, seed)
        finally:
            poller.cancel()
    assert len(alone[0]) > 600 and alone[1] in ("stop", "length")
    # An interrupted stream ends without a finish reason. (The texts may differ by a word:
    # the second answer reuses the first's cached prompt, which shifts the arithmetic.)
    assert probed[1] in ("stop", "length") and len(probed[0]) > 0.8 * len(alone[0]), probed
    assert during_generation >= 4  # the generation took seconds, probed each one
    assert probes and all(probe == (200, True) for probe in probes), probes
    assert frames[-1].event == "briefing", frames[-1]
    result = BriefingResponse.model_validate(frames[-1].json)
    assert result.meta.attempts == 1 and result.briefing.headline.strip()
