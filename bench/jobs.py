"""A batch job of N articles through the queue, with 1, 2 and 4 worker processes.

    uv run --no-sync python -m bench.jobs [--articles 1000] [--workers 1 2 4] [--latency 0.2]

For each worker count: an empty Redis db, one API process (`python -m service serve`), that
many `python -m service worker` processes, and the scripted LLM in its own process answering
every call after a fixed `--latency` (TCP_NODELAY, so the latency is what it says). One job
of N different articles (the seed plus one sentence each, bench/_common.variant) is
submitted, and the job is polled until it is done. Reported: articles per second from the
job's own `created_at` to `finished_at`, LLM calls, and the scaling ratio against 1 worker.

It also measures what a stored briefing costs Redis (MEMORY USAGE of the briefing keys) and
what the whole job cost (used_memory after ÷ articles, briefings plus the job record plus
SAQ's copies of the queued articles), for the sizing in docs/deploy.md.
"""

from __future__ import annotations

import argparse
import itertools
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import redis

from bench._common import (
    BENCH_REDIS_URL,
    Reply,
    ScriptedProcess,
    bench_draft,
    dump,
    flush,
    load,
    machine,
    median,
    service_env,
    variant,
    wait_quiet,
)
from tests.support.processes import service_processes, worker_processes


def run_job(base: str, articles: int, tag: str, timeout_s: float) -> dict[str, Any]:
    body = {"articles": [variant(n, tag) for n in range(articles)]}
    with httpx.Client(base_url=base, timeout=120) as http:
        submitted = http.post("/v1/jobs", json=body)
        submitted.raise_for_status()
        job_id = submitted.json()["id"]
        deadline = time.monotonic() + timeout_s
        while True:
            job = http.get(f"/v1/jobs/{job_id}", params={"limit": 0}).json()
            if job["status"] == "done" or time.monotonic() > deadline:
                break
            time.sleep(0.25)
    seconds = (
        datetime.fromisoformat(job["finished_at"]) - datetime.fromisoformat(job["created_at"])
    ).total_seconds()
    return {"status": job["status"], "counts": job["counts"], "seconds": seconds}


def redis_bytes(client: redis.Redis, prefix: str, sample: int = 200) -> dict[str, float]:
    keys = list(itertools.islice(client.scan_iter(f"{prefix}:briefing:*", 500), sample))
    usage = [float(client.memory_usage(k) or 0) for k in keys]  # type: ignore[arg-type]
    values = [float(client.strlen(k)) for k in keys]
    return {
        "briefing_keys": float(len(list(client.scan_iter(f"{prefix}:briefing:*", 1000)))),
        "memory_usage_per_briefing": median(usage),
        "value_bytes_per_briefing": median(values),
        "used_memory": float(client.info("memory")["used_memory"]),
    }


def measure(args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {"machine": machine(), "settings": vars(args).copy(), "runs": []}
    client = redis.Redis.from_url(BENCH_REDIS_URL)
    with ScriptedProcess(Reply(arguments=bench_draft(), delay_s=args.latency), nodelay=True) as llm:
        for workers in args.workers:
            flush()
            before = float(client.info("memory")["used_memory"])
            env = service_env(
                llm.base_url,
                LLM_CONCURRENCY=str(args.llm_concurrency),
                WORKER_CONCURRENCY=str(args.worker_concurrency),
                LOG_LEVEL="WARNING",
            )
            calls_before = llm.calls
            with (
                service_processes(1, env) as [(base, _)],
                worker_processes(workers, env),
            ):
                others = wait_quiet()
                run = run_job(base, args.articles, f"w{workers}-{time.time_ns()}", args.timeout)
            run |= {
                "workers": workers,
                "llm_calls": llm.calls - calls_before,
                "articles_per_s": args.articles / run["seconds"],
                "others_cores": others,
                "load": load(),
            }
            sizes = redis_bytes(client, "gb")
            run |= sizes | {
                "used_memory_per_article": (sizes["used_memory"] - before) / args.articles
            }
            result["runs"].append(run)
            print(_line(run), flush=True)
    base_rate = result["runs"][0]["articles_per_s"]
    for run in result["runs"]:
        run["scaling"] = run["articles_per_s"] / base_rate
    return result


def _line(run: dict[str, Any]) -> str:
    return (
        f"workers {run['workers']}: {run['status']} {run['counts']} in {run['seconds']:.1f} s, "
        f"{run['articles_per_s']:.1f} articles/s, {run['llm_calls']} LLM calls; briefing "
        f"{run['value_bytes_per_briefing']:.0f} B value, {run['memory_usage_per_briefing']:.0f} "
        f"B in Redis; {run['used_memory_per_article']:.0f} B used_memory per article; "
        f"others {run['others_cores']:.2f} cores, load {run['load']}"
    )


def table(result: dict[str, Any]) -> str:
    s = result["settings"]
    lines = [
        f"{s['articles']} articles, LLM latency {s['latency']} s, WORKER_CONCURRENCY="
        f"{s['worker_concurrency']}, LLM_CONCURRENCY={s['llm_concurrency']}",
        "| workers | seconds | articles/s | scaling vs 1 | LLM calls | done / failed |",
        "|---|---|---|---|---|---|",
    ]
    for r in result["runs"]:
        c = r["counts"]
        lines.append(
            f"| {r['workers']} | {r['seconds']:.1f} | {r['articles_per_s']:.1f} | "
            f"{r['scaling']:.2f} | {r['llm_calls']} | {c['done']} / {c['failed']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--latency", type=float, default=0.2, help="the LLM's seconds per call")
    parser.add_argument("--worker-concurrency", type=int, default=8)
    parser.add_argument("--llm-concurrency", type=int, default=64, help="LLM_CONCURRENCY")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per job at most")
    parser.add_argument("--out", type=Path, help="write the raw results here as JSON")
    args = parser.parse_args()
    result = measure(args)
    print(table(result))
    dump(result, args.out)


if __name__ == "__main__":
    main()
