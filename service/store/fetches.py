"""Fetched pages and feeds kept in Redis for revalidation (service/ingest/fetch.py).

An entry is what the fetcher gives (its encoding: a JSON line of URL, type, ETag and
Last-Modified, then the body) under `fetch:v1:` + the SHA-256 of the URL: the hash keeps keys
short and free of whatever a URL holds; `v1` changes if the entry's layout does. The TTL bounds
how long a page nobody fetches again stays; a fetch inside it costs its server a 304. Redis
down: no cache (every fetch is a full one), logged once per outage. Failures never get here.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from redis.asyncio import Redis

from service.store.client import REDIS_ERRORS, Outage

log = logging.getLogger(__name__)

FETCH_CACHE_TTL_S = 7 * 24 * 3600
"""A week: a feed polled daily revalidates, a page fetched once expires without a trace."""


@dataclass(slots=True)
class RedisFetchCache:
    """A FetchCache (service/ingest/fetch.py) in Redis."""

    redis: Redis
    ttl_s: int = FETCH_CACHE_TTL_S
    prefix: str = "fetch:v1:"
    outage: Outage = field(default_factory=lambda: Outage(log, "fetching without revalidation"))

    def key(self, url: str) -> str:
        return self.prefix + hashlib.sha256(url.encode("utf-8")).hexdigest()

    async def get(self, key: str) -> bytes | None:
        try:
            value = await self.redis.get(self.key(key))
        except REDIS_ERRORS as exc:
            self.outage.down(exc)
            return None
        self.outage.up()
        if value is None:
            return None
        return value if isinstance(value, bytes) else str(value).encode()

    async def set(self, key: str, value: bytes) -> None:
        try:
            await self.redis.set(self.key(key), value, ex=self.ttl_s)
        except REDIS_ERRORS as exc:
            self.outage.down(exc)
            return
        self.outage.up()
