"""One LLM call per briefing key across every process that shares the Redis.

Within a process, identical requests already share one task (BriefingService._join). Across
processes, the task first takes a Redis lock for the key (`SET NX PX` with a random token).
The holder computes, stores the result, publishes "done" on the key's channel and releases
the lock; while it computes, a heartbeat keeps the lock's TTL short but alive, so a holder
that dies (killed worker, lost machine) frees the key within one TTL. The others subscribe
to the channel, check the cache once (the result may have landed before they subscribed),
and sleep until the message comes or the lock's TTL runs out; no hot polling. A waiter then
reads the result from the cache, or, when there is none (the holder failed or died), tries to
take the lock and compute itself. Failures are never cached, so each is retried by at most one
process at a time.

Redis down: fail open. Computing without a lock can cost a duplicate LLM call; refusing to
serve would cost every request. Logged once per outage, like the cache's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from redis.asyncio import Redis

from service.store.client import REDIS_ERRORS, Outage
from service.store.heartbeat import heartbeat

log = logging.getLogger(__name__)

# Release or extend only a lock we still hold (another process may own it after a TTL).
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
_EXTEND = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0
"""


@dataclass(slots=True)
class RedisSingleFlight:
    redis: Redis
    prefix: str = "gb"
    ttl_ms: int = 30_000
    outage: Outage = field(
        default_factory=lambda: Outage(log, "computing without single-flight locks")
    )

    def _lock(self, key: str) -> str:
        return f"{self.prefix}:lock:{key}"

    def _channel(self, key: str) -> str:
        return f"{self.prefix}:done:{key}"

    async def run(
        self,
        key: str,
        compute: Callable[[], Awaitable[bytes]],
        stored: Callable[[str], Awaitable[bytes | None]],
    ) -> bytes:
        """`compute()` here, or the result another process computed for `key`."""
        while True:
            token = secrets.token_hex(16)
            try:
                won = await self.redis.set(self._lock(key), token, nx=True, px=self.ttl_ms)
            except REDIS_ERRORS as exc:
                self.outage.down(exc)
                return await compute()
            self.outage.up()
            if won:
                return await self._lead(key, token, compute)
            if (payload := await self._follow(key, stored)) is not None:
                return payload

    async def _lead(self, key: str, token: str, compute: Callable[[], Awaitable[bytes]]) -> bytes:
        async with self._heartbeat(key, token):
            try:
                return await compute()
            finally:
                # Waiters wake on this whether we succeeded or not: a failure is not cached,
                # so they find no result and one of them takes the lock.
                await asyncio.shield(self._release(key, token))

    async def _release(self, key: str, token: str) -> None:
        with contextlib.suppress(*REDIS_ERRORS):
            await self.redis.eval(_RELEASE, 1, self._lock(key), token)  # type: ignore[misc]
            await self.redis.publish(self._channel(key), b"done")

    def _heartbeat(self, key: str, token: str) -> contextlib.AbstractAsyncContextManager[None]:
        async def extend() -> bool:
            extended = await self.redis.eval(  # type: ignore[misc]
                _EXTEND, 1, self._lock(key), token, self.ttl_ms
            )
            return bool(extended)

        return heartbeat(self.ttl_ms, extend, f"single-flight lock for {key[:12]}")

    async def _follow(
        self, key: str, stored: Callable[[str], Awaitable[bytes | None]]
    ) -> bytes | None:
        """Wait for the holder: the result when it lands, None when the lock is free again."""
        try:
            async with self.redis.pubsub() as pubsub:
                await pubsub.subscribe(self._channel(key))
                while True:
                    if (payload := await stored(key)) is not None:
                        return payload
                    ttl_ms = await self.redis.pttl(self._lock(key))
                    if ttl_ms < 0:  # released (or expired) with no result: our turn to try
                        return None
                    message = await pubsub.get_message(
                        ignore_subscribe_messages=True, timeout=ttl_ms / 1000 + 0.05
                    )
                    if message is None and await self.redis.pttl(self._lock(key)) < 0:
                        return await stored(key)  # holder died: TTL ran out
        except REDIS_ERRORS as exc:
            self.outage.down(exc)
            return None
