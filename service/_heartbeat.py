"""Keeping a short Redis lease alive for as long as its holder works.

Single-flight locks (service/singleflight.py) and LLM slots (service/llm/limit.py) are held
while an LLM call runs, which can take minutes on a small machine. Their TTL stays short, so
that a holder that dies (a killed worker, a lost machine) frees them within one TTL, and a
task renews them every third of it while the holder lives. A renewal that fails on Redis is
skipped (the next one may succeed, and the caller's outage handling reports the outage); one
that finds the lease gone is logged: someone else may now hold what we think we hold.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from service._outage import REDIS_ERRORS

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def heartbeat(
    ttl_ms: int, renew: Callable[[], Awaitable[bool]], what: str
) -> AsyncIterator[None]:
    """Call `renew()` every `ttl_ms / 3` while the block runs; `what` names the lease in logs."""

    async def beat() -> None:
        while True:
            await asyncio.sleep(ttl_ms / 3000)
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
