"""Keeping a short Redis lease alive for as long as its holder works.

Single-flight locks (service/store/singleflight.py), LLM slots (service/llm/slots.py) and queued
articles (service/jobs/worker.py) are held while an LLM call runs, which can take minutes on
a small machine. Their TTL stays short, so that a holder that dies (a killed worker, a lost
machine) frees them within one TTL, and a task renews them while the holder lives. A renewal
that fails on Redis is skipped (the next one may succeed, and the caller's outage handling
reports the outage); one that finds the lease gone is logged: someone else may now hold what
we think we hold. With `until`, renewals stop at that moment even if the block is still
running: a bound for leases whose release could be missed, so they cannot live forever.

The loop stops on a flag, not only on cancellation. On Python 3.11 a cancellation that lands
as a Redis command completes can be lost (asyncio.wait_for, which redis-py uses for its
timeouts, may return the result instead of raising; fixed in 3.12), and a heartbeat that
outlives its block keeps renewing a lease nobody holds while the block's owner waits for it
forever. With the flag, a lost cancellation costs at most one more beat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from service.store.client import REDIS_ERRORS

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def beating(every_s: float, beat: Callable[[], Awaitable[None]]) -> AsyncIterator[None]:
    """`await beat()` every `every_s` seconds until the block ends."""
    stop = asyncio.Event()

    async def loop() -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every_s)
            if stop.is_set():
                return
            await beat()

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        stop.set()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def heartbeat(
    ttl_ms: int, renew: Callable[[], Awaitable[bool]], what: str, until: float | None = None
) -> contextlib.AbstractAsyncContextManager[None]:
    """Call `renew()` every `ttl_ms / 3` while the block runs (and `time.monotonic()` is
    before `until`); `what` names the lease in logs."""
    every_s = ttl_ms / 3000

    async def beat() -> None:
        if until is not None and time.monotonic() + every_s >= until:
            return  # past the bound: let the lease run out
        with contextlib.suppress(*REDIS_ERRORS):
            if not await renew():
                log.warning("%s was lost", what)

    return beating(every_s, beat)
