"""Redis-backed store of finished briefings: fail open, never store a failure.

The value is the response JSON as bytes, exactly what a hit sends, so a hit costs one
GET and no parsing. If Redis is down the service still answers (without a cache), logs
it once per outage, and uses Redis again as soon as a command succeeds.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
from redis.asyncio import Redis
from redis.exceptions import RedisError

from service._memory import MemoryLRU

log = logging.getLogger(__name__)


def cache_key(*, article: dict[str, Any], options: dict[str, Any], **versions: str) -> str:
    """A content hash of everything a result depends on; it doubles as the briefing id.

    `article` must already be normalised (see BriefingService); `versions` names the
    model, prompt, draft schema and response schema, so a change to any of them is a miss.
    """
    # The bytes json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":")) gives
    # (ids stay what they were: tests/test_briefings_api.py checks), ~8x faster: this runs
    # on every request whose body is not remembered (BENCHMARKS.md, the parsed hit).
    material = msgspec.json.encode(
        {"article": article, "options": options, **versions}, order="sorted", enc_hook=str
    )
    return hashlib.sha256(material).hexdigest()


@dataclass(slots=True)
class BriefingCache:
    redis: Redis
    ttl_s: int
    prefix: str = "gb"
    healthy: bool = True
    memory: MemoryLRU | None = None  # hot copies in this process (service/_memory.py)

    def _key(self, briefing_id: str) -> str:
        return f"{self.prefix}:briefing:{briefing_id}"

    async def get(self, briefing_id: str) -> bytes | None:
        if self.memory is not None and (value := self.memory.get(briefing_id)) is not None:
            return value
        try:
            stored = await self.redis.get(self._key(briefing_id))
        except (RedisError, OSError) as exc:
            self._down(exc)
            return None
        self._up()
        if stored is None:
            return None
        payload = stored if isinstance(stored, bytes) else stored.encode()
        if self.memory is not None:
            self.memory.put(briefing_id, payload)
        return payload

    async def get_many(self, briefing_ids: Sequence[str]) -> list[bytes | None]:
        """Several stored briefings in one round trip (job results), past the memory layer.

        Unlike `get` this raises when Redis fails: a caller listing many results must be able
        to tell a gap in them from an outage."""
        if not briefing_ids:
            return []
        stored = await self.redis.mget([self._key(b) for b in briefing_ids])
        return [v.encode() if isinstance(v, str) else v for v in stored]

    async def put(self, briefing_id: str, payload: bytes) -> bool:
        if self.memory is not None:
            self.memory.put(briefing_id, payload)
        try:
            await self.redis.set(self._key(briefing_id), payload, ex=self.ttl_s)
        except (RedisError, OSError) as exc:
            self._down(exc)
            return False
        self._up()
        return True

    async def ping(self) -> bool:
        try:
            await self.redis.ping()  # type: ignore[misc]
        except (RedisError, OSError) as exc:
            self._down(exc)
            return False
        self._up()
        return True

    def _down(self, exc: BaseException) -> None:
        if self.healthy:
            log.warning("redis unavailable, serving without cache: %s", exc)
        self.healthy = False

    def _up(self) -> None:
        if not self.healthy:
            log.info("redis is back; caching resumed")
        self.healthy = True


def connect(url: str) -> Redis:
    """A client that fails fast: a dead Redis must cost milliseconds, not a request."""
    return Redis.from_url(
        url,
        socket_connect_timeout=0.5,
        socket_timeout=2.0,
        health_check_interval=30,
    )
