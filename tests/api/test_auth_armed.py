"""Removing the last key never turns auth off (issue 23, item 5), in the default AUTH=auto:
a key once configured (`apikey add`, or API_KEYS at start-up) arms auth in Redis, and only
`apikey disarm` opens the API again. A fresh install with no key ever stays open (a laptop).
Real Redis, the CLI as an operator runs it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import redis

from service.settings import Settings
from service.store.apikeys import HAS_KEYS_TTL_S, add_key, apikey_command, remove_keys
from service.store.client import connect
from tests.support.live import ClientFactory

UNKNOWN = "/v1/briefings/" + "0" * 64  # a cheap 404 behind the gate: 404 open, 401 closed
FRANK = "frank-secret-0123456789"


def key(value: str) -> dict[str, str]:
    return {"X-API-Key": value}


async def cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m service apikey ...` as an operator runs it, against the test's Redis."""
    env = {**os.environ, "REDIS_URL": settings.redis_url, "CACHE_PREFIX": settings.cache_prefix}
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "service", "apikey", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


async def assert_closed(client: object, *headers: dict[str, str]) -> None:
    for sent in headers or ({},):
        refused = await client.get(UNKNOWN, headers=sent)  # type: ignore[attr-defined]
        assert refused.status_code == 401, refused.text
        assert refused.json()["type"] == "/problems/unauthorized"


async def test_auto_stays_on_when_the_last_key_is_removed_until_disarmed(
    make_client: ClientFactory, settings: Settings
) -> None:
    store = connect(settings.redis_url)
    try:
        async with make_client() as client:
            assert (await client.get(UNKNOWN)).status_code == 404  # fresh: open (a laptop)
            await add_key(store, "gb", "frank", FRANK)
            assert (await client.get(UNKNOWN, headers=key(FRANK))).status_code == 404
            assert await remove_keys(store, "gb", "frank") == 1
            await assert_closed(client, {}, key(FRANK), key("made-up"))
            assert (await client.get("/health")).status_code == 200  # public stays public
        async with make_client() as client:  # a server started since: Redis remembers
            await assert_closed(client)
            disarmed = await cli(settings, "disarm")
            assert disarmed.returncode == 0, disarmed.stderr
            assert "auth is off" in disarmed.stdout
            await asyncio.sleep(HAS_KEYS_TTL_S)  # a keyless request re-reads at most this often
            assert (await client.get(UNKNOWN)).status_code == 404  # the running server opens
        async with make_client() as client:
            assert (await client.get(UNKNOWN)).status_code == 404
            armed = await cli(settings, "arm")  # the operator's other word: on, with no key
            assert armed.returncode == 0, armed.stderr
            await asyncio.sleep(HAS_KEYS_TTL_S)
            await assert_closed(client)
    finally:
        await store.aclose()


async def test_api_keys_at_start_up_arm_auth_for_later_starts(
    make_client: ClientFactory, settings: Settings
) -> None:
    async with make_client(api_keys=(f"frank:{FRANK}",)) as client:
        assert (await client.get(UNKNOWN, headers=key(FRANK))).status_code == 404
    async with make_client() as client:  # API_KEYS gone from the environment: still on
        await assert_closed(client, {}, key(FRANK))
    assert await apikey_command(settings, "disarm", None, None) == 0
    async with make_client() as client:
        assert (await client.get(UNKNOWN)).status_code == 404


async def test_a_server_that_saw_auth_armed_stays_closed_when_redis_fails_or_forgets(
    make_client: ClientFactory,
    settings: Settings,
    throwaway_redis: tuple[int, list[subprocess.Popen[bytes]]],
) -> None:
    """Redis down, or back without its data: a server that has seen auth armed refuses
    (fail closed); only the operator's disarm, which Redis records, opens it."""
    port, servers = throwaway_redis
    local = settings.replace(redis_url=f"redis://127.0.0.1:{port}/0")
    store = redis.Redis(port=port)
    assert await apikey_command(local, "add", "frank", FRANK) == 0
    assert await apikey_command(local, "remove", "frank", None) == 0
    async with make_client(redis_url=local.redis_url) as client:
        await assert_closed(client)
        store.flushdb()  # the mark is gone, as after a restart without persistence
        await asyncio.sleep(HAS_KEYS_TTL_S)
        await assert_closed(client)
        servers[-1].terminate()
        servers[-1].wait()
        await assert_closed(client, {}, key(FRANK))
        assert (await client.get("/health")).status_code == 200
    store.close()
