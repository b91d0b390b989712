"""Failed API-key checks counted per client address, so keys cannot be guessed at speed.

`AUTH_FAILURE_LIMIT` (`20/minute` by default) failures from one address within a window
(a fixed window, started by the first failure) and the address is refused with a 429 and
`Retry-After`, before its key is even looked at: a right key then fails as a wrong one
would, so guessing teaches nothing until the window ends. Kept in Redis (INCR, and EXPIRE
on the first), shared by every process. Redis down: not counted, nobody is refused (the
key check itself then refuses keys kept only in Redis).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from redis.asyncio import Redis

from service.store.client import REDIS_ERRORS, Outage
from service.store.ratelimit import Rate, RateLimited

log = logging.getLogger(__name__)


_REMEMBERED = 10_000  # addresses with recent failures this process remembers


@dataclass(slots=True)
class AuthFailures:
    """Redis is asked only about an address this process saw fail within the window, so a
    caller that never failed here costs no round trip (a hot hit stays Redis-free); one that
    fails on a replica that has not seen it fail is asked about from its next try on, so
    spreading guesses over replicas buys at most one per replica."""

    redis: Redis
    rate: Rate
    prefix: str
    outage: Outage = field(
        default_factory=lambda: Outage(log, "not limiting failed API-key checks")
    )
    _recent: dict[str, float] = field(default_factory=dict)  # address → window end (monotonic)

    def _key(self, address: str) -> str:
        return f"{self.prefix}:authfail:{address}"

    async def check(self, address: str) -> None:
        """Raises RateLimited while `address` has used up its failures."""
        until = self._recent.get(address)
        if until is None or until < time.monotonic():
            self._recent.pop(address, None)
            return
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.get(self._key(address))
                pipe.ttl(self._key(address))
                count, ttl = await pipe.execute()
        except REDIS_ERRORS as exc:
            self.outage.down(exc)
            return
        self.outage.up()
        if count is not None and int(count) >= self.rate.limit:
            wait = max(1, int(ttl))
            raise RateLimited(
                f"{self.rate.limit} failed API key checks from this address within "
                f"{self.rate.period_s} s (AUTH_FAILURE_LIMIT); retry in {wait} s",
                headers={"Retry-After": str(wait)},
            )

    async def failed(self, address: str) -> None:
        if len(self._recent) >= _REMEMBERED:
            self._recent.pop(next(iter(self._recent)))
        self._recent[address] = time.monotonic() + self.rate.period_s
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.incr(self._key(address))
                pipe.expire(self._key(address), self.rate.period_s, nx=True)
                await pipe.execute()
        except REDIS_ERRORS as exc:
            self.outage.down(exc)
