"""Redis-backed store of finished briefings: fail open, never store a failure.

The value is the response JSON as bytes, exactly what a hit sends, so a hit costs one
GET and no parsing. Beside it, under its own key and with the same TTL, the article it was
made from (`put_article`): the analyst page (service/web/views.py) shows the evidence in it.
If Redis is down the service still answers (without a cache), logs it once per outage, and
uses Redis again as soon as a command succeeds.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import msgspec
from redis.asyncio import ConnectionPool, Redis, RedisCluster
from redis.asyncio.client import PubSub
from redis.typing import ChannelT, EncodableT

from service.errors import StoreUnavailable
from service.store._memory import MemoryLRU
from service.store._outage import REDIS_ERRORS

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
    healthy: bool = True
    memory: MemoryLRU | None = None  # hot copies in this process (service/store/_memory.py)
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
            self._down(exc)
            if strict:
                raise _unavailable(exc) from None
            return None
        self._up()
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
            self._down(exc)
            return False
        self._up()
        return True

    async def get_article(self, briefing_id: str) -> bytes | None:
        """The stored article's JSON, or None (never stored, or expired); StoreUnavailable
        when Redis is away."""
        try:
            stored = await self.redis.get(self._key(briefing_id, "article"))
        except REDIS_ERRORS as exc:
            self._down(exc)
            raise _unavailable(exc) from None
        self._up()
        return stored if stored is None or isinstance(stored, bytes) else stored.encode()

    async def ping(self) -> bool:
        try:
            await self.redis.ping()  # type: ignore[misc]
        except REDIS_ERRORS as exc:
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


def _unavailable(exc: BaseException) -> StoreUnavailable:
    return StoreUnavailable(f"cannot reach Redis, where briefings are stored: {exc}")


class ClusterClient(RedisCluster):
    """redis-py's asyncio Redis Cluster client, plus the classic pub/sub it lacks (7.4 has
    neither `publish` nor `pubsub`), which single-flight and the LLM slots wait on.

    A classic PUBLISH on any node of a cluster reaches the subscribers on every node (the
    cluster bus carries it), so a channel is not a key and lives on no slot: this client
    publishes through its default node and subscribes on a plain connection to that node.
    The Lua scripts' PUBLISH (service/llm/slots.py) runs on the node of the script's key and
    reaches them the same way.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._buses: dict[str, Redis] = {}  # node name → a plain client for its pub/sub

    async def publish(self, channel: ChannelT, message: EncodableT, **kwargs: Any) -> int:
        return int(
            await self.execute_command(
                "PUBLISH", channel, message, target_nodes=self.DEFAULT_NODE, **kwargs
            )
        )

    def pubsub(self, **kwargs: Any) -> PubSub:
        # Before the first command the client knows only the node it was given.
        node = self.get_default_node() or next(iter(self.nodes_manager.startup_nodes.values()))
        if (bus := self._buses.get(node.name)) is None:
            pool = ConnectionPool(connection_class=node.connection_class, **node.connection_kwargs)
            bus = self._buses[node.name] = Redis.from_pool(pool)
        return bus.pubsub(**kwargs)

    async def aclose(self) -> None:
        await super().aclose()
        buses, self._buses = list(self._buses.values()), {}
        for bus in buses:
            await bus.aclose()


def connect(url: str, *, cluster: bool = False) -> Redis:
    """A client that fails fast: a dead Redis must cost milliseconds, not a request.

    With `cluster` (REDIS_CLUSTER), a Redis Cluster client: `url` names any node (db 0) and
    the client finds the others. It is typed as `Redis` because it answers every command the
    service sends (tests/system/test_cluster.py runs them all on a real cluster): single-key
    commands,
    Lua scripts whose keys share a hash tag, same-slot pipelines, pub/sub (ClusterClient), and
    `get_many`, which reads across slots its own way. The job queue is not on it (SAQ cannot
    run on a cluster; see `Settings.queue_url`).
    """
    options: dict[str, Any] = {
        "socket_connect_timeout": 0.5,
        "socket_timeout": 2.0,
        "health_check_interval": 30,
    }
    if cluster:
        return cast(Redis, ClusterClient.from_url(url, **options))
    return Redis.from_url(url, **options)
