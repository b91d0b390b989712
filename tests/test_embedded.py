"""End to end with the real embedded model: llama.cpp server, Qwen2.5-Coder-0.5B, seed article.

Slow (about a minute on 2 cores) and it runs in CI: it is the proof that the default,
offline configuration works, and that verification holds with a weak model.
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from schemas import BriefingResponse
from service.app import create_app
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
        assert result.meta.usage.completion_tokens > 0
        assert result.meta.attempts == 1  # the embedded default does not re-ask
        assert_spans_verified(body, SEED_TEXT)

        again = await client.post("/v1/briefings", json=seed)
        assert again.headers["x-cache"] == "hit"
        assert again.json()["events"] == body["events"]
