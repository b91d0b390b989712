"""Putting a job's articles on the queue: one SAQ enqueue per article vs `enqueue_many`.

    uv run --no-sync python -m bench.enqueue [--articles 10000] [--rounds 3] [--out FILE]

Both on the same Redis (BENCH_REDIS_URL, flushed before each round), in this process, with
the job record written first as `JobService.submit` does:
- `one-by-one`: what submit did before 2026-11-30 — `queue.enqueue` per article, 500 at a
  time under `asyncio.gather` (SAQ runs its enqueue script once per round trip, at most 20
  in flight: its `max_concurrent_ops`);
- `pipelined`: `ArticleQueue.enqueue_many`, SAQ's same script pipelined 1,000 per round trip.
Reported: the median seconds per round of each, and their ratio (measured in one run).
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import time
from pathlib import Path
from typing import Any

from redis import asyncio as aioredis

from bench._common import BENCH_REDIS_URL, dump, flush, machine, median
from service.jobs.queue import ArticleQueue, article_job
from service.jobs.store import JobStore

_GATHER = 500  # what submit gathered per batch before


async def _one_by_one(queue: ArticleQueue, job_id: str, n: int) -> None:
    for start in range(0, n, _GATHER):
        jobs = [
            article_job(job_id, i, heartbeat_s=30, attempts=3)
            for i in range(start, min(start + _GATHER, n))
        ]
        await asyncio.gather(*(queue.enqueue(job) for job in jobs))


async def _pipelined(queue: ArticleQueue, job_id: str, n: int) -> None:
    await queue.enqueue_many([article_job(job_id, i, heartbeat_s=30, attempts=3) for i in range(n)])


async def _round(how: str, n: int) -> float:
    flush(BENCH_REDIS_URL)
    redis = aioredis.from_url(BENCH_REDIS_URL)
    queue = ArticleQueue(aioredis.from_url(BENCH_REDIS_URL), name="bench:articles")
    store = JobStore(redis, prefix="bench")
    job_id = secrets.token_hex(16)
    await store.create(job_id, [b'{"article": {"text": "x"}}'] * n)
    started = time.perf_counter()
    await (_one_by_one if how == "one-by-one" else _pipelined)(queue, job_id, n)
    seconds = time.perf_counter() - started
    queued = await queue.count("queued")
    assert queued == n, (how, queued)
    await queue.disconnect()
    await redis.aclose()
    return seconds


async def main(articles: int, rounds: int) -> dict[str, Any]:
    times: dict[str, list[float]] = {"one-by-one": [], "pipelined": []}
    for _ in range(rounds):  # interleaved, so drift hits both alike
        for how in times:
            times[how].append(await _round(how, articles))
    flush(BENCH_REDIS_URL)
    medians = {how: median(ts) for how, ts in times.items()}
    print(f"{articles:,} articles, median of {rounds} rounds:")
    for how, seconds in medians.items():
        print(f"  {how:>10}: {seconds:6.2f} s  ({articles / seconds:,.0f} articles/s)")
    print(f"  pipelined / one-by-one: {medians['pipelined'] / medians['one-by-one']:.3f}")
    return {"machine": machine(), "articles": articles, "rounds": times, "median_s": medians}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    dump(asyncio.run(main(args.articles, args.rounds)), args.out)
