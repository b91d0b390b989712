"""Shared fixtures: a real Redis (db 15, flushed per test) and the scripted LLM server.

Each test is marked by its folder (unit, api, system), so `pytest -m unit` and
`./dev test unit` select a layer; the helpers tests and bench/ share are in tests/support.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest
import redis
from litestar.testing import AsyncTestClient

from service.settings import Settings
from service.web.app import create_app
from tests.support.articles import seed_request
from tests.support.live import ClientFactory, free_port, serve
from tests.support.redis_server import start_redis_server
from tests.support.scripted_llm import ScriptedLLM

LAYERS = ("unit", "api", "system")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        layer = item.path.parent.name
        if layer in LAYERS:
            item.add_marker(getattr(pytest.mark, layer))


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
        yield url
        return
    except redis.ConnectionError:
        pass
    port = free_port()
    process = start_redis_server(port)
    yield f"redis://127.0.0.1:{port}/15"
    process.terminate()
    process.wait()


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def throwaway_redis() -> Iterator[tuple[int, list[subprocess.Popen[bytes]]]]:
    """A redis-server of our own to stop and start; the list holds whichever one is running
    (the last)."""
    port = free_port()
    servers = [start_redis_server(port)]
    yield port, servers
    for server in servers:
        server.terminate()
        server.wait()


@pytest.fixture(scope="session")
def scripted_server() -> Iterator[ScriptedLLM]:
    server = ScriptedLLM().start()
    yield server
    server.stop()


@pytest.fixture
def llm(scripted_server: ScriptedLLM) -> ScriptedLLM:
    scripted_server.reset()
    return scripted_server


@pytest.fixture
def settings(llm: ScriptedLLM, redis_client: redis.Redis, redis_url: str) -> Settings:
    return Settings(
        openai_base_url=llm.base_url,
        openai_api_key="test-key",
        llm_model="scripted-model",
        llm_max_retries=1,
        llm_http_retries=0,
        llm_timeout_s=10.0,
        redis_url=redis_url,
    )


@pytest.fixture
def make_client(settings: Settings) -> ClientFactory:
    """A test client over a fresh app (its lifespan runs); keyword args override settings."""

    def factory(**overrides: Any) -> AbstractAsyncContextManager[AsyncTestClient[Any]]:
        return AsyncTestClient(app=create_app(settings.replace(**overrides)))

    return factory


@pytest.fixture
def live_url(settings: Settings) -> Iterator[str]:
    """The base URL of the app served by uvicorn on a loopback port (see tests/support/live.py)."""
    with serve(settings) as base_url:
        yield base_url


@pytest.fixture
async def client(make_client: ClientFactory) -> AsyncIterator[AsyncTestClient[Any]]:
    async with make_client() as test_client:
        yield test_client


@pytest.fixture
def seed() -> dict[str, Any]:
    return seed_request()


@pytest.fixture(scope="session")
def article() -> str:
    """The seed article's text."""
    return str(seed_request()["article"]["text"])
