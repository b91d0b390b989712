"""Who may call: an API key when any is configured, and the caller's rate limit.

The web edge asks (service/web/gate.py); this decides, on the cache's Redis client. See
service/store/apikeys.py and service/store/ratelimit.py for what happens when Redis is down.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from redis.asyncio import Redis

from service.metrics import API_REQUESTS
from service.settings import Settings
from service.store.apikeys import KeyStore, parse_env_keys, presented_key
from service.store.ratelimit import Decision, Rate, RateLimiter

log = logging.getLogger(__name__)

LIMITED_PREFIX = "/v1/"


@dataclass(slots=True)
class Gate:
    keys: KeyStore
    limiter: RateLimiter | None
    public_paths: tuple[str, ...]

    def is_public(self, path: str) -> bool:
        """Prefix match on whole segments: `/health` covers `/health/x`, not `/healthz`."""
        return any(path == p or path.startswith(p.rstrip("/") + "/") for p in self.public_paths)

    async def admit(self, path: str, headers: Mapping[str, str], address: str) -> Decision | None:
        """Raises Unauthorized; for `/v1/` paths under a limit, the limiter's decision."""
        client = await self.keys.authenticate(presented_key(headers))
        if not path.startswith(LIMITED_PREFIX):
            return None
        name = client.name if client else "anonymous"
        decision = None
        if self.limiter is not None:
            decision = await self.limiter.hit(client.bucket if client else f"ip:{address}")
        refused = decision is not None and not decision.allowed
        API_REQUESTS.labels(name, "limited" if refused else "admitted").inc()
        if refused:
            log.info("rate limited", extra={"client": name})
        return decision


def open_gate(settings: Settings, redis: Redis) -> Gate:
    """Raises ValueError on a malformed API_KEYS or RATE_LIMIT, so a bad config fails start-up."""
    rate, prefix = Rate.parse(settings.rate_limit), settings.cache_prefix
    env_keys = parse_env_keys(tuple(key.get_secret_value() for key in settings.api_keys))
    return Gate(
        keys=KeyStore(redis=redis, prefix=prefix, env=env_keys),
        limiter=RateLimiter(redis=redis, rate=rate, prefix=prefix) if rate else None,
        public_paths=settings.public_paths,
    )
