"""Redis-backed store of finished briefings: fail open, never store a failure.

The value is the response JSON as bytes, exactly what a hit sends, so a hit costs one
GET and no parsing. Beside it, under its own key and with the same TTL, the article it was
made from (`put_article`): the analyst page (service/web/views.py) shows the evidence in it.
If Redis is down the service still answers (without a cache), logs it once per outage
(`Outage`), and uses Redis again as soon as a command succeeds.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec
from redis.asyncio import Redis, RedisCluster

from service.errors import StoreUnavailable
from service.store.client import REDIS_ERRORS, Outage
from service.store.memory import MemoryLRU

log = logging.getLogger(__name__)


def cache_key(*, article: dict[str, Any], options: dict[str, Any], **versions: str) -> str:
    """A content hash of everything a result depends on; it doubles as the briefing id.

    `article` must already be normalised (see BriefingService); `versions` names the
    model, prompt, draft schema and response schema, so a change to any of them is a miss.
    """
    # The bytes json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":")) gives
    # (ids stay what they were: tests/api/test_briefings_api.py checks), ~8x faster: this runs
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
    outage: Outage = field(default_factory=lambda: Outage(log, "serving without cache"))
    memory: MemoryLRU | None = None  # hot copies in this process (service/store/memory.py)
    # briefings computed here whose write failed, for `persist` (16 MB, 10 minutes at most)
    unstored: MemoryLRU = field(default_factory=lambda: MemoryLRU(2**24, 600.0))

    def _key(self, briefing_id: str, kind: str = "briefing") -> str:
        return f"{self.prefix}:{kind}:{briefing_id}"

    async def get(self, briefing_id: str, *, strict: bool = False) -> bytes | None:
        """The stored briefing, or None. Redis down: None (the hit path fails open, and
        computes), or with `strict` (a read by id) StoreUnavailable, since it may be there."""
        if self.memory is not None and (value := self.memory.get(briefing_id)) is not None:
            return value
        try:
            stored = await self.redis.get(self._key(briefing_id))
        except REDIS_ERRORS as exc:
            self.outage.down(exc)
            if strict:
                raise _unavailable(exc) from None
            return None
        self.outage.up()
        if stored is None:
            return None
        payload = stored if isinstance(stored, bytes) else stored.encode()
        if self.memory is not None:
            self.memory.put(briefing_id, payload)
        return payload

    async def get_many(
        self, briefing_ids: Sequence[str], kind: str = "briefing"
    ) -> list[bytes | None]:
        """Several stored briefings (or, `kind="article"`, their articles) in one round trip
        (job results, the job page), past the memory layer.

        Unlike `get` this raises when Redis fails: a caller listing many results must be able
        to tell a gap in them from an outage."""
        if not briefing_ids:
            return []
        keys = [self._key(b, kind) for b in briefing_ids]
        if isinstance(self.redis, RedisCluster):
            # Briefings are spread over the cluster's slots, and one MGET must stay in one:
            # redis-py sends one MGET per slot, pipelined per node.
            stored = await self.redis.mget_nonatomic(keys)
        else:
            stored = await self.redis.mget(keys)
        return [v.encode() if isinstance(v, str) else v for v in stored]

    async def put(self, briefing_id: str, payload: bytes) -> bool:
        """Stored in Redis, then in this process's memory: the memory copy never stands in
        for a write that failed (a job's article would read as cached and never be stored)."""
        if not await self._set(self._key(briefing_id), payload):
            return False
        if self.memory is not None:
            self.memory.put(briefing_id, payload)
        return True

    async def put_both(self, briefing_id: str, article: bytes, payload: bytes) -> bool:
        """The article, then the briefing. A write that failed (Redis away) is kept here, a
        few at most, for `persist`."""
        if await self.put_article(briefing_id, article) and await self.put(briefing_id, payload):
            self.unstored.pop(briefing_id)
            return True
        self.unstored.put(briefing_id, payload + b"\0" + article)
        return False

    async def persist(self, briefing_id: str) -> bool:
        """Store a briefing computed in this process whose write failed, now that Redis may
        be back: a worker's article needs no second LLM call for an outage
        (service/jobs/worker.py). False: nothing held for it, or Redis still away."""
        held = self.unstored.get(briefing_id)
        if held is None:
            return False
        payload, _, article = held.partition(b"\0")  # JSON holds no raw NUL byte
        return await self.put_both(briefing_id, article, payload)

    async def stored(self, briefing_id: str) -> bool:
        """Whether Redis holds the briefing (not this process's memory); raises when Redis
        is away, as a worker must not record an article done on a guess."""
        return bool(await self.redis.exists(self._key(briefing_id)))

    async def put_article(self, briefing_id: str, article: bytes) -> bool:
        """The article a briefing was made from (its JSON), kept as long as the briefing."""
        return await self._set(self._key(briefing_id, "article"), article)

    async def _set(self, key: str, value: bytes) -> bool:
        try:
            await self.redis.set(key, value, ex=self.ttl_s)
        except REDIS_ERRORS as exc:
            self.outage.down(exc)
            return False
        self.outage.up()
        return True

    async def get_article(self, briefing_id: str) -> bytes | None:
        """The stored article's JSON, or None (never stored, or expired); StoreUnavailable
        when Redis is away."""
        try:
            stored = await self.redis.get(self._key(briefing_id, "article"))
        except REDIS_ERRORS as exc:
            self.outage.down(exc)
            raise _unavailable(exc) from None
        self.outage.up()
        return stored if stored is None or isinstance(stored, bytes) else stored.encode()

    async def ping(self) -> bool:
        try:
            await self.redis.ping()  # type: ignore[misc]
        except REDIS_ERRORS as exc:
            self.outage.down(exc)
            return False
        self.outage.up()
        return True


def _unavailable(exc: BaseException) -> StoreUnavailable:
    return StoreUnavailable(f"cannot reach Redis, where briefings are stored: {exc}")
