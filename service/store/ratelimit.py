"""A per-client rate limit kept in Redis, so every worker process shares one budget.

`RATE_LIMIT` is `N/second`, `N/minute` or `N/hour` (unset or `0`: no limit). The algorithm is
GCRA (the generic cell rate algorithm, a leaky bucket kept as one timestamp): a client may
burst N requests, then gets one more every period/N. Unlike a fixed window it never lets
2N through across a window edge, and unlike a sliding log it keeps one small key per client,
not one entry per request. The check-and-update is a Lua script run with EVALSHA, so it is
atomic across workers, and it reads Redis's clock, so the workers' clocks do not matter.

Every limited response carries the fields of draft-ietf-httpapi-ratelimit-headers-06:
`RateLimit-Limit` (N), `RateLimit-Remaining` (requests left in the burst), `RateLimit-Reset`
(seconds until the full burst is back) and `RateLimit-Policy` (`N;w=<period s>`); a 429 adds
`Retry-After` (whole seconds, at least 1).

Redis down: requests are served unlimited (fail open), with one warning per outage.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from service.errors import BriefingError
from service.store.client import REDIS_ERRORS, Outage

log = logging.getLogger(__name__)

PERIODS = {"second": 1, "minute": 60, "hour": 3600}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(second|minute|hour)s?\s*$", re.IGNORECASE)

# KEYS[1] the client's bucket; ARGV[1] period in ms, ARGV[2] limit.
# The bucket holds the theoretical arrival time (TAT) in ms: when the client's budget would
# be full again. Returns {allowed, remaining, retry_after_ms, reset_ms}.
GCRA = """
local period = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local interval = period / limit
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - period
if allow_at > now then
  return {0, 0, math.ceil(allow_at - now), math.ceil(tat - now)}
end
redis.call('SET', KEYS[1], string.format('%.3f', new_tat), 'PX', math.ceil(new_tat - now))
local remaining = math.floor((period - (new_tat - now)) / interval + 1e-9)
return {1, remaining, 0, math.ceil(new_tat - now)}
"""


@dataclass(frozen=True, slots=True)
class Rate:
    limit: int
    period_s: int

    @classmethod
    def parse(cls, text: str | None, setting: str = "RATE_LIMIT") -> Rate | None:
        """`60/minute` → Rate(60, 60); None for unset or `0`; ValueError for anything else."""
        if text is None or text.strip() in ("", "0"):
            return None
        match = _RATE.match(text)
        if not match:
            raise ValueError(f"{setting} must look like 60/minute (or /second, /hour): {text!r}")
        limit = int(match[1])
        return cls(limit, PERIODS[match[2].lower()]) if limit else None

    def __str__(self) -> str:
        unit = next(name for name, s in PERIODS.items() if s == self.period_s)
        return f"{self.limit} requests per {unit}"


class RateLimited(BriefingError):
    status_code = 429
    title = "Too Many Requests"
    problem_type = "/problems/rate-limited"


@dataclass(frozen=True, slots=True)
class Decision:
    rate: Rate
    allowed: bool
    remaining: int
    retry_after_s: int
    reset_s: int

    def headers(self) -> dict[str, str]:
        """The draft-06 RateLimit fields, for allowed and refused answers alike."""
        return {
            "RateLimit-Limit": str(self.rate.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_s),
            "RateLimit-Policy": f"{self.rate.limit};w={self.rate.period_s}",
        }

    def refusal(self) -> RateLimited:
        return RateLimited(
            f"rate limit of {self.rate} exceeded; retry in {self.retry_after_s} s",
            headers={"Retry-After": str(self.retry_after_s)},
        )


@dataclass(slots=True)
class RateLimiter:
    redis: Redis
    rate: Rate
    prefix: str
    outage: Outage = field(default_factory=lambda: Outage(log, "serving without rate limits"))
    _script: AsyncScript = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._script = self.redis.register_script(GCRA)

    async def hit(self, bucket: str) -> Decision | None:
        """Count one request against `bucket`; None (serve it) when Redis cannot say."""
        try:
            allowed, remaining, retry_ms, reset_ms = await self._script(
                keys=[f"{self.prefix}:ratelimit:{bucket}"],
                args=[self.rate.period_s * 1000, self.rate.limit],
            )
        except REDIS_ERRORS as exc:
            self.outage.down(exc)
            return None
        self.outage.up()
        return Decision(
            rate=self.rate,
            allowed=bool(allowed),
            remaining=int(remaining),
            retry_after_s=max(1, math.ceil(int(retry_ms) / 1000)) if not allowed else 0,
            reset_s=math.ceil(int(reset_ms) / 1000),
        )
