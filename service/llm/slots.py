"""At most LLM_CONCURRENCY calls in flight to one LLM backend, across every process that
shares the Redis: API replicas and queue workers alike, so that eight of them do not send
eight times the load the backend can take.

A slot is a lease in a sorted set per backend (member: a random lease id, score: its expiry
in Redis's own clock, so machines with skewed clocks agree). Taking one is a Lua script:
drop the expired leases, and add ours if fewer than the limit remain. A process that dies
holding a slot frees it when its lease expires (LLM_SLOT_TTL_S); a living holder renews its
lease every third of that (service/store/heartbeat.py), for a call can take minutes on llama.cpp.
Releasing removes the lease and publishes on the backend's channel. A caller that finds no
free slot subscribes to that channel, tries again, and sleeps until a release is announced
or the earliest lease would expire (a dead holder announces nothing), never longer than its
own deadline: no polling, and no waiter sleeps through a freed slot. Waiters are not served
in order of arrival: each release wakes them all and the first to ask gets the slot.

The slot is taken per HTTP try at the seam where the openai client sends a chat call
(`wrap`, installed by service/llm/backend.py under the retry policy of
service/llm/_retry.py), so every call instructor makes goes through it: each transport retry
and each re-ask holds a slot only while its request is in flight, not while it backs off.
A streamed answer holds its slot until the stream is read to the end (or fails, or is
closed). The wait counts against the call's deadline (LLM_TIMEOUT_S): when it runs out the
call fails with `SlotTimeout`, a timeout (never retried) that the extractor reports as a 504
saying that it waited for a slot.

Keyed by backend: (base URL, model) hashed, so two backends have separate limits and the key
shows no credentials a URL may carry. The embedded llama.cpp server runs on a port of its
own in every process, so each process has its own server and its own limit.

Redis down: fail open, as the cache and single-flight do: the call goes out unlimited
(logged once per outage). Refusing LLM calls because the limiter is unreachable would turn
a Redis outage into a full one.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx2
import openai
from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from service.llm._partial import wrap_stream
from service.metrics import LLM_SLOT_WAIT, LLM_SLOTS_HELD
from service.store.client import REDIS_ERRORS, Outage
from service.store.heartbeat import heartbeat

log = logging.getLogger(__name__)

T = TypeVar("T")

# Redis's clock, in ms; every script below starts with it.
_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""
# The key lives as long as its longest lease: an idle backend leaves nothing behind.
_EXPIRE_WITH_LAST_LEASE = """
redis.call('PEXPIREAT', KEYS[1], redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2])
"""
# KEYS[1]: the leases; ARGV: lease id, limit, TTL ms. 0 when taken, else the ms until the
# earliest lease expires (how long a waiter that hears no release need sleep at most).
_ACQUIRE = (
    _NOW
    + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
"""
    + _EXPIRE_WITH_LAST_LEASE
    + """
  return 0
end
return math.max(1, redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2] - now)
"""
)
# ARGV: lease id, TTL ms. Only a lease that is still there: one that expired and was dropped
# may already have been counted as free by another process.
_RENEW = (
    _NOW
    + """
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
"""
    + _EXPIRE_WITH_LAST_LEASE
    + """
return 1
"""
)
# ARGV: lease id, channel.
_RELEASE = """
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then redis.call('PUBLISH', ARGV[2], 'free') end
return 0
"""


def backend_id(base_url: str, model: str) -> str:
    """A stable name for one backend: the same in every process that is configured alike."""
    return hashlib.sha256(f"{base_url.rstrip('/')}\n{model}".encode()).hexdigest()[:16]


class SlotTimeout(openai.APITimeoutError):
    """No slot came free before the call's deadline, so its request was not sent.

    To the caller it is the LLM call timing out (an APITimeoutError: not retried, a 504),
    with a message that says where the time went.
    """

    def __init__(self, waited_s: float, limit: int, request: httpx2.Request) -> None:
        openai.APIError.__init__(
            self,
            f"waited {waited_s:.1f} s for one of the {limit} LLM slots (LLM_CONCURRENCY calls "
            "at a time to this backend) and none came free within LLM_TIMEOUT_S",
            request,
            body=None,
        )


@dataclass(slots=True)
class LLMSlots:
    redis: Redis
    base_url: str
    model: str
    limit: int
    prefix: str = "gb"
    ttl_ms: int = 30_000
    default_budget_s: float = 300.0  # for a call made without a `timeout`
    outage: Outage = field(
        default_factory=lambda: Outage(log, "calling the LLM without a concurrency limit")
    )
    backend: str = field(init=False)
    _acquire: AsyncScript = field(init=False, repr=False)
    _renew: AsyncScript = field(init=False, repr=False)
    _release: AsyncScript = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise ValueError("LLMSlots needs a limit of 1 or more (0 means: build none)")
        self.backend = backend_id(self.base_url, self.model)
        self._acquire = self.redis.register_script(_ACQUIRE)
        self._renew = self.redis.register_script(_RENEW)
        self._release = self.redis.register_script(_RELEASE)

    @property
    def key(self) -> str:
        return f"{self.prefix}:llm-slots:{self.backend}"

    @property
    def channel(self) -> str:
        return f"{self.prefix}:llm-slots:{self.backend}:free"

    @contextlib.asynccontextmanager
    async def slot(self, deadline: float) -> AsyncIterator[None]:
        """Hold one of the backend's slots for the block, waiting for it until `deadline`
        (`time.monotonic()`) at most; `SlotTimeout` then. Renewed until `deadline` only: a
        call cannot outlast it, and a holder whose release is never reached (a stream that
        is dropped unread) must not keep its slot for ever."""
        started = time.monotonic()
        try:
            lease = await self._take(deadline)
        except SlotTimeout:
            LLM_SLOT_WAIT.labels("timeout").observe(time.monotonic() - started)
            raise
        LLM_SLOT_WAIT.labels("acquired" if lease else "unlimited").observe(
            time.monotonic() - started
        )
        if lease is None:
            yield
            return
        LLM_SLOTS_HELD.inc()
        try:
            async with heartbeat(
                self.ttl_ms, functools.partial(self._extend, lease), "LLM slot", until=deadline
            ):
                yield
        finally:
            LLM_SLOTS_HELD.dec()
            await asyncio.shield(self._give_back(lease))

    async def _take(self, deadline: float) -> str | None:
        """A lease id once a slot is ours; None when Redis is down (fail open)."""
        lease = secrets.token_hex(8)
        started = time.monotonic()
        try:
            if wait_ms := await self._try(lease):
                await self._wait(lease, wait_ms, started, deadline)
        except REDIS_ERRORS as exc:
            self.outage.down(exc)
            return None
        except asyncio.CancelledError:
            # The script may have run with its answer lost on the way back.
            await asyncio.shield(self._give_back(lease))
            raise
        self.outage.up()
        return lease

    async def _try(self, lease: str) -> int:
        """0 when `lease` took a slot, else the ms until the earliest lease expires."""
        return int(await self._acquire(keys=[self.key], args=[lease, self.limit, self.ttl_ms]))

    async def _wait(self, lease: str, wait_ms: int, started: float, deadline: float) -> None:
        async with self.redis.pubsub() as pubsub:
            await pubsub.subscribe(self.channel)
            # Subscribed before asking again, so no release can slip between the two.
            while wait_ms := await self._try(lease):
                left = deadline - time.monotonic()
                if left <= 0:
                    request = httpx2.Request("POST", f"{self.base_url}/chat/completions")
                    raise SlotTimeout(time.monotonic() - started, self.limit, request)
                await pubsub.get_message(
                    ignore_subscribe_messages=True, timeout=min(left, wait_ms / 1000 + 0.005)
                )

    async def _extend(self, lease: str) -> bool:
        return bool(await self._renew(keys=[self.key], args=[lease, self.ttl_ms]))

    async def _give_back(self, lease: str) -> None:
        with contextlib.suppress(*REDIS_ERRORS):
            await self._release(keys=[self.key], args=[lease, self.channel])

    def wrap(self, create: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
        """`create` (an openai `chat.completions.create`) that sends only within a slot.

        The slot is released when the answer is in, or, for a stream, when it has been read
        (see `_held_until_read`). The time spent waiting comes off the call's `timeout`.
        """

        @functools.wraps(create)
        async def create_in_slot(*args: Any, **kwargs: Any) -> T:
            timeout = kwargs.get("timeout")
            timed = isinstance(timeout, int | float)
            budget = timeout if isinstance(timeout, int | float) else self.default_budget_s
            deadline = time.monotonic() + budget
            held = contextlib.AsyncExitStack()
            await held.enter_async_context(self.slot(deadline))
            if timed:
                kwargs["timeout"] = max(0.001, deadline - time.monotonic())
            try:
                response = await create(*args, **kwargs)
            except BaseException:
                await held.aclose()
                raise
            if not wrap_stream(response, functools.partial(_held_until_read, held=held)):
                await held.aclose()
            return response

        return create_in_slot


async def _held_until_read(
    chunks: AsyncIterator[Any], held: contextlib.AsyncExitStack
) -> AsyncIterator[Any]:
    """A stream's chunks, its slot released once they end, fail, or the reader goes away (a
    cancelled reader, or an abandoned stream closed by the event loop)."""
    try:
        async for chunk in chunks:
            yield chunk
    finally:
        await held.aclose()
