"""Keeping a short Redis lease alive for as long as its holder works.

Single-flight locks (service/singleflight.py) and LLM slots (service/llm/limit.py) are held
while an LLM call runs, which can take minutes on a small machine. Their TTL stays short, so
that a holder that dies (a killed worker, a lost machine) frees them within one TTL, and a
task renews them every third of it while the holder lives. A renewal that fails on Redis is
skipped (the next one may succeed, and the caller's outage handling reports the outage); one
that finds the lease gone is logged: someone else may now hold what we think we hold.
With `until`, renewals stop at that moment even if the block is still running: a bound for
leases whose release could be missed (see service/llm/limit.py), so they cannot live forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from service._outage import REDIS_ERRORS

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def heartbeat(
    ttl_ms: int, renew: Callable[[], Awaitable[bool]], what: str, until: float | None = None
) -> AsyncIterator[None]:
    """Call `renew()` every `ttl_ms / 3` while the block runs (and `time.monotonic()` is
    before `until`); `what` names the lease in logs."""

    async def beat() -> None:
        every_s = ttl_ms / 3000
        while until is None or time.monotonic() + every_s < until:
            await asyncio.sleep(every_s)
            with contextlib.suppress(*REDIS_ERRORS):
                if not await renew():
                    log.warning("%s was lost", what)

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
