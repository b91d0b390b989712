"""End to end with the real embedded model: llama.cpp server, Qwen2.5-Coder-0.5B, seed article.

Slow (about a minute on 2 cores) and it runs in CI: it is the proof that the default,
offline configuration works (the staged strategy: code finds the events, the model writes
the headline and summary), that verification holds with a weak model, and that a call
given up on does not keep the one-answer-at-a-time server busy.
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from schemas import BriefingResponse
from service.app import create_app
from service.llm.embedded import EmbeddedServer
from service.llm.modelpack import resolve_model
from service.settings import Settings
from tests.drafts import SEED_TEXT
from tests.test_briefings_api import assert_spans_verified

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
