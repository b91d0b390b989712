"""Single-flight: LLM calls and latencies when 32 identical requests arrive at once.

    uv run --no-sync python -m bench.singleflight [--layout processes|workers] [--reps 3]

`processes` (default): two `python -m service serve` processes on two ports sharing one
Redis, the 32 requests alternating between them (16 each, guaranteed), as
tests/system/test_singleflight.py does. `workers`: one `serve --workers 2` (production's layout;
the kernel decides which worker accepts each connection). The scripted LLM counts the calls
it receives; every repetition sends a new article, so each starts as a miss.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from bench._common import (
    START_TIMEOUT_S,
    Reply,
    ScriptedProcess,
    bench_draft,
    dump,
    flush,
    load,
    machine,
    median,
    percentile,
    service_env,
    variant,
    wait_quiet,
)
from tests.support.processes import service_processes


async def burst(urls: list[str], body: dict[str, Any], n: int) -> list[tuple[float, int, str]]:
    """`n` identical POSTs at once, on separate connections; (seconds, status, X-Cache)."""
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:

        async def one(i: int) -> tuple[float, int, str]:
            started = time.perf_counter()
            response = await http.post(f"{urls[i % len(urls)]}/v1/briefings", json=body)
            took = time.perf_counter() - started
            return took, response.status_code, response.headers.get("x-cache", "-")

        return await asyncio.gather(*(one(i) for i in range(n)))


def measure(args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {"machine": machine(), "settings": vars(args).copy(), "runs": []}
    tag = uuid.uuid4().hex[:8]
    flush()
    with ScriptedProcess(Reply(arguments=bench_draft(), delay_s=args.latency)) as llm:
        env = service_env(llm.base_url, LOG_LEVEL=args.log_level)
        count, serve_args = (2, []) if args.layout == "processes" else (1, ["--workers", "2"])
        serve_args += ["--log-level", "info"]
        with service_processes(
            count, env, args=serve_args, start_timeout_s=START_TIMEOUT_S
        ) as procs:
            urls = [url for url, _ in procs]
            asyncio.run(burst(urls, variant(-1, tag), 2))  # warm-up: one miss, then a hit
            for rep in range(args.reps):
                others = wait_quiet()
                before = llm.calls
                answers = asyncio.run(burst(urls, variant(rep, tag), args.requests))
                seconds = [a[0] * 1000 for a in answers]
                run = {
                    "rep": rep,
                    "llm_calls": llm.calls - before,
                    "statuses": dict(Counter(a[1] for a in answers)),
                    "x_cache": dict(Counter(a[2] for a in answers)),
                    "min_ms": min(seconds),
                    "p50_ms": median(seconds),
                    "p90_ms": percentile(seconds, 90),
                    "max_ms": max(seconds),
                    "others_cores": others,
                    "load": load(),
                }
                result["runs"].append(run)
                print(_line(run), flush=True)
    return result


def _line(run: dict[str, Any]) -> str:
    return (
        f"rep {run['rep']}: {run['llm_calls']} LLM call(s), statuses {run['statuses']}, "
        f"X-Cache {run['x_cache']}, ms min {run['min_ms']:.0f} p50 {run['p50_ms']:.0f} "
        f"p90 {run['p90_ms']:.0f} max {run['max_ms']:.0f}  "
        f"others {run['others_cores']:.2f} cores, load {run['load']}"
    )


def table(result: dict[str, Any]) -> str:
    s = result["settings"]
    lines = [
        f"{s['requests']} identical requests, layout {s['layout']}, LLM latency {s['latency']:g} s",
        "| rep | LLM calls | statuses | min / p50 / p90 / max ms |",
        "|---|---|---|---|",
    ]
    for r in result["runs"]:
        lines.append(
            f"| {r['rep']} | {r['llm_calls']} | {r['statuses']} | {r['min_ms']:.0f} / "
            f"{r['p50_ms']:.0f} / {r['p90_ms']:.0f} / {r['max_ms']:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layout", choices=["processes", "workers"], default="processes")
    parser.add_argument("--requests", type=int, default=32)
    parser.add_argument("--latency", type=float, default=0.2, help="the LLM's seconds per call")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--log-level", default="INFO", help="the service's LOG_LEVEL")
    parser.add_argument("--out", type=Path, help="write the raw results here as JSON")
    args = parser.parse_args()
    result = measure(args)
    print(table(result))
    dump(result, args.out)


if __name__ == "__main__":
    main()
