"""What LLM_CONCURRENCY costs: the Redis work per LLM call, and the hand-over of a slot.

    uv run --no-sync python -m bench.slots [--calls 1000] [--reps 3] [--latency 0.02]

(a) acquire + release of a free slot (`LLMSlots.slot`, limit 8), one after another, beside
    a Redis PING on the same client for scale: two script calls (EVALSHA) per LLM call.
(b) one chat call through the real openai client to the scripted LLM (its own process,
    answering at once, with TCP_NODELAY so that no 40 ms Nagle stall hides the difference),
    with and without the slot around it: the overhead a call sees.
(c) hand-over: limit 1 and 4 callers, each call taking `--latency` at the LLM. The LLM is
    then never idle but for the moment between a release and the next waiter's request
    (the release's PUBLISH, the waiters' wake-up, their acquire scripts): the wall time
    per call beyond one caller's per-call time at the same limit.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import openai
from redis.asyncio import Redis

from bench._common import (
    BENCH_REDIS_URL,
    Reply,
    ScriptedProcess,
    dump,
    flush,
    load,
    machine,
    median,
    percentile,
    wait_quiet,
)
from service.llm.slots import LLMSlots

MESSAGES = [{"role": "user", "content": "hello"}]


async def timed(step: Callable[[], Awaitable[Any]], n: int) -> list[float]:
    """Seconds of each of `n` sequential `step()`s."""
    took = []
    for _ in range(n):
        started = time.perf_counter()
        await step()
        took.append(time.perf_counter() - started)
    return took


def stats(samples: list[float]) -> dict[str, float]:
    return {
        "p50_us": median(samples) * 1e6,
        "p90_us": percentile(samples, 90) * 1e6,
        "mean_us": sum(samples) / len(samples) * 1e6,
    }


async def acquire_release(redis: Redis, n: int) -> dict[str, Any]:
    slots = LLMSlots(redis, base_url="http://bench/v1", model="bench", limit=8)

    async def hold() -> None:
        async with slots.slot(time.monotonic() + 30):
            pass

    async def ping() -> None:
        await redis.ping()

    await timed(hold, 50)  # scripts loaded, connections open
    return {"slot": stats(await timed(hold, n)), "ping": stats(await timed(ping, n))}


async def chat_call(redis: Redis, client: openai.AsyncOpenAI, n: int) -> dict[str, Any]:
    slots = LLMSlots(redis, base_url=str(client.base_url), model="scripted", limit=8)
    bare = client.chat.completions.create
    wrapped = slots.wrap(bare)

    def call(create: Callable[..., Awaitable[Any]]) -> Callable[[], Awaitable[Any]]:
        return lambda: create(model="scripted", messages=MESSAGES, timeout=30.0)

    await timed(call(bare), 50)
    await timed(call(wrapped), 50)
    bare_s, in_slot = stats(await timed(call(bare), n)), stats(await timed(call(wrapped), n))
    overhead = in_slot["p50_us"] - bare_s["p50_us"]
    return {"bare": bare_s, "in_slot": in_slot, "overhead_us": overhead}


async def hand_over(redis: Redis, client: openai.AsyncOpenAI, n: int) -> dict[str, Any]:
    """Per-call wall time with limit 1: one caller (no waiting) vs four (always waiting)."""
    slots = LLMSlots(redis, base_url=str(client.base_url), model="scripted-1", limit=1)
    create = slots.wrap(client.chat.completions.create)

    async def caller(calls: int) -> None:
        for _ in range(calls):
            await create(model="scripted", messages=MESSAGES, timeout=60.0)

    async def wall(callers: int) -> float:
        started = time.perf_counter()
        await asyncio.gather(*(caller(n // callers) for _ in range(callers)))
        return (time.perf_counter() - started) / (n // callers * callers)

    alone, four = await wall(1), await wall(4)
    return {"alone_ms": alone * 1e3, "four_ms": four * 1e3, "hand_over_ms": (four - alone) * 1e3}


async def rep(args: argparse.Namespace, instant: str, slow: str) -> dict[str, Any]:
    redis = Redis.from_url(BENCH_REDIS_URL)
    fast_client = openai.AsyncOpenAI(base_url=instant, api_key="bench", max_retries=0)
    slow_client = openai.AsyncOpenAI(base_url=slow, api_key="bench", max_retries=0)
    try:
        row: dict[str, Any] = {"others_cores": wait_quiet(), "load": load()}
        row["acquire_release"] = await acquire_release(redis, args.calls)
        row["chat_call"] = await chat_call(redis, fast_client, args.calls)
        row["hand_over"] = await hand_over(redis, slow_client, args.handovers)
        return row
    finally:
        await fast_client.close()
        await slow_client.close()
        await redis.aclose()


def line(row: dict[str, Any]) -> str:
    a, c, h = row["acquire_release"], row["chat_call"], row["hand_over"]
    return (
        f"acquire+release p50 {a['slot']['p50_us']:.0f} µs (PING {a['ping']['p50_us']:.0f} µs)"
        f" | chat call p50 {c['bare']['p50_us'] / 1e3:.2f} ms bare, "
        f"{c['in_slot']['p50_us'] / 1e3:.2f} ms in a slot (+{c['overhead_us']:.0f} µs)"
        f" | limit 1: {h['alone_ms']:.1f} ms/call alone, {h['four_ms']:.1f} with 4 callers"
        f" (hand-over {h['hand_over_ms']:.2f} ms) | others {row['others_cores']:.2f} cores,"
        f" load {row['load']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--handovers", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("bench/results/slots.json"))
    args = parser.parse_args()
    flush()
    result: dict[str, Any] = {"machine": machine(), "settings": vars(args) | {"out": None}}
    answer = {"ok": True}
    with (
        ScriptedProcess(Reply(arguments=answer), nodelay=True) as instant,
        ScriptedProcess(Reply(arguments=answer, delay_s=args.latency), nodelay=True) as slow,
    ):
        runs = []
        for _ in range(args.reps):
            runs.append(asyncio.run(rep(args, instant.base_url, slow.base_url)))
            print(line(runs[-1]), flush=True)
    result["runs"] = runs
    dump(result, args.out)


if __name__ == "__main__":
    main()
