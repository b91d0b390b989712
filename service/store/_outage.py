"""One warning when Redis goes away and one note when it is back, not one per request.

A dead Redis fails every command; logging each would bury the one line that matters.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from redis.exceptions import RedisClusterException, RedisError

# RedisClusterException is not a RedisError: redis-py raises it when no node of a cluster
# (REDIS_CLUSTER) can be reached, which is an outage like any other.
REDIS_ERRORS = (RedisError, RedisClusterException, OSError)


@dataclass(slots=True)
class Outage:
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
