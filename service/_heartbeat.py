"""Do something every few seconds while a block runs: the heartbeats of leases in Redis.

The loop stops on a flag, not only on cancellation. On Python 3.11 a cancellation that lands
as a Redis command completes can be lost (asyncio.wait_for, which redis-py uses for its
timeouts, may return the result instead of raising; fixed in 3.12), and a heartbeat that
outlives its block keeps renewing a lease nobody holds while the block's owner waits for it
forever. With the flag, a lost cancellation costs at most one more beat.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable


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
