"""The process-wide Redis client, the errors that mean Redis is away, and how an outage is
reported.

Every store in this package, the LLM slots and the job queue take the client `connect`
makes, catch `REDIS_ERRORS`, and keep an `Outage` each: one warning when Redis goes away
and one note when it is back, not one per request (a dead Redis fails every command, and
logging each would bury the one line that matters).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, cast

from redis.asyncio import ConnectionPool, Redis, RedisCluster
from redis.asyncio.client import PubSub
from redis.exceptions import RedisClusterException, RedisError
from redis.typing import ChannelT, EncodableT

# RedisClusterException is not a RedisError: redis-py raises it when no node of a cluster
# (REDIS_CLUSTER) can be reached, which is an outage like any other.
REDIS_ERRORS = (RedisError, RedisClusterException, OSError)


@dataclass(slots=True)
class Outage:
    """One store's view of Redis: healthy until a command fails, and healthy again at the
    next that succeeds, logging each change once."""

    log: logging.Logger
    consequence: str  # what the service does without Redis, e.g. "serving without rate limits"
    healthy: bool = True

    def down(self, exc: BaseException) -> None:
        if self.healthy:
            self.log.warning("redis unavailable, %s: %s", self.consequence, exc)
        self.healthy = False

    def up(self) -> None:
        if not self.healthy:
            self.log.info("redis is back; no longer %s", self.consequence)
        self.healthy = True


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
