"""The feed entries each tenant has had briefed, so a feed posted again adds only what is new.

One Redis set per tenant (`feeds:v1:seen:` + the tenant), of the SHA-256 of each entry's
GUID and of its link: the hash keeps members short whatever a GUID holds. `claim`
adds the keys and says which were not there, in one SADD per key of a pipeline, so two
jobs posting the same feed at once split its entries and none is briefed twice. Kept as
long as jobs are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from redis.asyncio import Redis


@dataclass(slots=True)
class SeenEntries:
    redis: Redis
    ttl_s: int
    prefix: str = ""

    def _key(self, tenant: str) -> str:
        return f"{self.prefix}feeds:v1:seen:{tenant}"

    async def claim(self, tenant: str, keys: Sequence[str]) -> list[bool]:
        """For each key, whether it is new (and now claimed for the tenant)."""
        if not keys:
            return []
        key = self._key(tenant)
        async with self.redis.pipeline(transaction=False) as pipe:
            for entry in keys:
                pipe.sadd(key, _digest(entry))
            pipe.expire(key, self.ttl_s)
            added = await pipe.execute()
        return [bool(n) for n in added[: len(keys)]]

    async def release(self, tenant: str, keys: Sequence[str]) -> None:
        """Unclaims keys whose job could not be created, or whose item failed
        (service/jobs/store.py, `entry_failed`), so the next post briefs them."""
        if keys:
            await self.redis.srem(self._key(tenant), *(_digest(k) for k in keys))  # type: ignore[misc]


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
