"""CPU per cache miss in the service process, without sockets; optionally where it goes.

    uv run --no-sync python -m bench.missprof [-n 40] [--reps 3] [--profile OUT.pstats] [--top 25]

Calls the ASGI app directly (as bench/inproc.py does) with `-n` different articles, one at a
time, as bench/miss.py sends them (the seed plus one sentence, and unless --same-sentences a
made-up word in every sentence), against the scripted LLM in its own process answering at
once. Every request is a real miss: validation, key, cache
lookup, single-flight lock, LLM slot, the instructor call and the draft's validators,
verification, store. Reported: this process's CPU time per miss (median of `--reps`). The
scripted LLM's CPU is in its own process and not counted. With `--profile`, one more round
runs under cProfile, its stats are written to OUT and the top functions printed
(cumulative), so "where do the 36 ms go" has an answer per function.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import time
import uuid
from pathlib import Path

from litestar import Litestar

from bench._common import (
    distinct_variant,
    flush,
    median,
    variant,
    wait_quiet,
)
from bench.inproc import request, scripted_app


def _bodies(n: int, tag: str, start: int, same_sentences: bool) -> list[bytes]:
    make = variant if same_sentences else distinct_variant
    return [json.dumps(make(start + i, tag)).encode() for i in range(n)]


async def _misses(app: Litestar, bodies: list[bytes]) -> None:
    for body in bodies:
        status = await request(app, "/v1/briefings", body)
        assert status == 200, status


async def measure(
    app: Litestar, n: int, reps: int, profile: cProfile.Profile | None, same_sentences: bool
) -> list[float]:
    tag = uuid.uuid4().hex[:8]
    counter = 0
    cpu: list[float] = []
    async with app.lifespan():
        await _misses(
            app, _bodies(5, tag, counter, same_sentences)
        )  # warm: clients, schema caches, imports
        counter += 5
        for _ in range(reps):
            bodies = _bodies(n, tag, counter, same_sentences)
            counter += n
            wait_quiet()
            started = time.process_time()
            await _misses(app, bodies)
            cpu.append((time.process_time() - started) / n * 1000)
        if profile is not None:
            bodies = _bodies(n, tag, counter, same_sentences)
            profile.enable()
            await _misses(app, bodies)
            profile.disable()
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=40, help="misses per repetition")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--profile", type=Path, help="write cProfile stats of one more round")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--same-sentences", action="store_true", help="as bench/miss.py --same-sentences"
    )
    parser.add_argument(
        "--choices",
        choices=("on", "off"),
        default="on",
        help="LLM_CHOICES: the closed schema (a remote backend's default) or the open one",
    )
    args = parser.parse_args()
    flush()
    profile = cProfile.Profile() if args.profile else None
    with scripted_app(
        llm_http_retries=0,
        log_level=args.log_level,
        llm_choices=args.choices == "on",
    ) as app:
        cpu = asyncio.run(measure(app, args.n, args.reps, profile, args.same_sentences))
    print(
        f"LLM_CHOICES {args.choices}: CPU per miss, {args.reps}×{args.n} misses: "
        f"median {median(cpu):.1f} ms "
        f"(reps {', '.join(f'{c:.1f}' for c in cpu)})"
    )
    if profile is not None:
        profile.dump_stats(args.profile)
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out).strip_dirs()
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())
        print(f"stats: {args.profile}")


if __name__ == "__main__":
    main()
