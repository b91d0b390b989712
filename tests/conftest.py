"""Shared fixtures: a real Redis (db 15, flushed per test) and the scripted LLM server."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import redis
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.settings import Settings
from tests.live import serve
from tests.scripted_llm import Reply, ScriptedLLM

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_redis_server(port: int) -> subprocess.Popen[bytes]:
    """A throwaway redis-server that keeps nothing on disk."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("no Redis answers and redis-server is not installed (see README)")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            return process
        except redis.ConnectionError:
            time.sleep(0.05)
    process.kill()
    pytest.fail(f"redis-server did not start on port {port}")


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
        yield url
        return
    except redis.ConnectionError:
        pass
    port = _free_port()
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


ClientFactory = Callable[..., AbstractAsyncContextManager[AsyncTestClient[Any]]]


@pytest.fixture
def make_client(settings: Settings) -> ClientFactory:
    """A test client over a fresh app (its lifespan runs); keyword args override settings."""

    def factory(**overrides: Any) -> AbstractAsyncContextManager[AsyncTestClient[Any]]:
        return AsyncTestClient(app=create_app(replace(settings, **overrides)))

    return factory


@pytest.fixture
def live_url(settings: Settings) -> Iterator[str]:
    """The base URL of the app served by uvicorn on a loopback port (see tests/live.py)."""
    with serve(settings) as base_url:
        yield base_url


@pytest.fixture
async def client(make_client: ClientFactory) -> AsyncIterator[AsyncTestClient[Any]]:
    async with make_client() as test_client:
        yield test_client


def seed_request(name: str = "ap-ukraine-energy-strikes") -> dict[str, Any]:
    meta = json.loads((SEEDS / f"{name}.json").read_text(encoding="utf-8"))
    text = (SEEDS / meta.pop("file")).read_text(encoding="utf-8")
    return {"article": {"text": text, **meta}}


def retitled(body: dict[str, Any], n: int) -> dict[str, Any]:
    """The request under another title: another briefing key, the same verifiable text."""
    return body | {"article": body["article"] | {"title": f"Energy strikes, part {n}"}}


@pytest.fixture
def seed() -> dict[str, Any]:
    return seed_request()


@pytest.fixture(scope="session")
def article() -> str:
    """The seed article's text."""
    return str(seed_request()["article"]["text"])


__all__ = ["Reply", "retitled", "seed_request"]
