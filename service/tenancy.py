"""Tenants over one shared cache: what a tenant may learn of the briefings others asked for.

The model (docs/deploy.md, "Security model"): briefings stay content-addressed and computed
once for everyone (an article sent by two tenants costs one LLM call), but each tenant has
its own view of them, kept in Redis as `P:seen:{tenant}:{briefing id}` → the time (ms) the
tenant first got that briefing (same TTL as the briefing, renewed when it asks again).

- A tenant's first answer for a briefing is a miss, whoever computed it: `X-Cache: miss`,
  `meta.cached: false`, `meta.computed_at` the time of that answer. Later answers to the
  same tenant are hits with that same `computed_at`. So neither header nor body says
  whether another tenant sent the article first.
- A briefing (its JSON, its exports, its page, and the article text the page shows) is read
  by id only by a tenant that has had it, and by the admin scope: to anyone else it is a 404,
  exactly as an id never stored.
- Jobs: a worker records the job's owner as having had each briefing it finishes, and an
  item is `cached` only if the owner had it before.

Not hidden: timing. A tenant's first answer for a briefing another computed comes at once,
not after an LLM call. Callers without a tenant (auth off: everyone is `anonymous`, one
tenant) skip all of this.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec
from redis.asyncio import Redis

from service.briefing import Outcome
from service.flight import BriefingStream
from service.store.access import ANONYMOUS, Caller
from service.store.client import REDIS_ERRORS


def _now_ms() -> int:
    return int(time.time() * 1000)


def presented(payload: bytes, *, cached: bool, seen_ms: int) -> bytes:
    """The briefing as this tenant sees it: `meta.cached` and `meta.computed_at` its own."""
    body = msgspec.json.decode(payload)
    meta = body.get("meta")
    if isinstance(meta, dict):
        when = datetime.fromtimestamp(seen_ms / 1000, UTC)
        meta["cached"] = cached
        meta["computed_at"] = when.isoformat(timespec="microseconds").replace("+00:00", "Z")
    return msgspec.json.encode(body)


@dataclass(slots=True)
class Tenancy:
    redis: Redis
    prefix: str
    ttl_s: int

    def _key(self, tenant: str, briefing_id: str) -> str:
        return f"{self.prefix}:seen:{tenant}:{briefing_id}"

    async def claim(self, tenant: str, briefing_id: str) -> tuple[bool, int]:
        """(whether this is the tenant's first time, when that was). Redis away: a first
        time now, the answer that tells nothing."""
        now = _now_ms()
        key = self._key(tenant, briefing_id)
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.set(key, now, nx=True, ex=self.ttl_s)
                pipe.get(key)
                pipe.expire(key, self.ttl_s)
                first, seen, _ = await pipe.execute()
        except REDIS_ERRORS:
            return True, now
        return bool(first), int(seen or now)

    async def seen(self, tenant: str, briefing_id: str) -> int | None:
        """When the tenant first had the briefing, or None if it never did."""
        try:
            seen = await self.redis.get(self._key(tenant, briefing_id))
        except REDIS_ERRORS:
            return None
        return None if seen is None else int(seen)

    async def outcome(self, caller: Caller, outcome: Outcome) -> Outcome:
        if not _tenant(caller):
            return outcome
        first, seen_ms = await self.claim(caller.tenant, outcome.briefing_id)
        cached = outcome.cached and not first
        payload = presented(outcome.payload, cached=cached, seen_ms=seen_ms)
        return Outcome(outcome.briefing_id, payload, cached)

    async def stream(self, caller: Caller, stream: BriefingStream) -> tuple[BriefingStream, bool]:
        """The stream as this tenant sees it, and whether to call it a hit."""
        if not _tenant(caller):
            return stream, stream.cached
        first, seen_ms = await self.claim(caller.tenant, stream.briefing_id)
        if stream.payload is None:
            return stream, False  # a computation it started or joins: a miss for everyone
        shown = presented(stream.payload, cached=not first, seen_ms=seen_ms)
        return dataclasses.replace(stream, payload=shown), not first

    async def stored(self, caller: Caller, briefing_id: str, payload: bytes | None) -> bytes | None:
        """A stored briefing read by id: None (a 404) for a tenant that never had it."""
        if payload is None or not _tenant(caller) or caller.admin:
            return payload
        seen_ms = await self.seen(caller.tenant, briefing_id)
        return None if seen_ms is None else presented(payload, cached=True, seen_ms=seen_ms)

    async def visible(self, caller: Caller, briefing_id: str) -> bool:
        return (
            not _tenant(caller)
            or caller.admin
            or (await self.seen(caller.tenant, briefing_id) is not None)
        )


def _tenant(caller: Caller) -> bool:
    return caller.tenant != ANONYMOUS.tenant
