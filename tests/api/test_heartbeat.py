"""Heartbeats end with their block, even when the cancellation meant to stop them is lost."""

from __future__ import annotations

import asyncio
import contextlib

from service.store.heartbeat import beating


async def test_a_heartbeat_stops_with_its_block_even_if_its_cancellation_is_lost() -> None:
    """On Python 3.11 a cancellation that arrives as a Redis command completes can be lost
    (asyncio.wait_for returns the result instead). A heartbeat stopped only by cancelling
    then beats forever: the single-flight lock's did, in the kill-a-worker test, and the
    flight it belonged to never finished. Here a beat loses the cancellation on purpose."""
    beats = 0

    async def beat() -> None:
        nonlocal beats
        beats += 1
        with contextlib.suppress(asyncio.CancelledError):  # lost, as wait_for on 3.11 can
            await asyncio.sleep(0.05)  # a command in flight when the block ends

    async def block() -> None:
        async with beating(0.01, beat):
            await asyncio.sleep(0.03)  # ends while the first beat is in flight

    await asyncio.wait_for(block(), 2.0)
    after = beats
    await asyncio.sleep(0.2)
    assert after == 1
    assert beats == after  # nothing beats once the block is over
