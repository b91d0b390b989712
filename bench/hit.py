"""Cache hits of POST /v1/briefings against a bare endpoint in the same app, with wrk.

    uv run --no-sync python -m bench.hit [--workers 1] [--log-level INFO] [--reps 3]

Serves the app as production does (`python -m service serve --workers N`) with the bench
routes on (BENCH_ROUTES=1), primes the cache with the seed article (one scripted LLM call),
then alternates wrk runs of the two endpoints, POSTing the same ~5 KB seed body, at each
connection count. Both answer with the same ~6 KB of bytes through the same middleware; the
bare one does nothing else (service/web/routes/bench.py). Reported: medians over the
repetitions, and the median of the per-repetition ratios hit ÷ bare (requests/s).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

from bench._common import (
    ROOT,
    START_TIMEOUT_S,
    Reply,
    ScriptedProcess,
    bench_draft,
    dump,
    flush,
    load,
    machine,
    median,
    seed_request,
    service_env,
    wait_quiet,
)
from tests.support.processes import service_processes

LUA = ROOT / "bench" / "post.lua"
FRESH_LUA = ROOT / "bench" / "post_fresh.lua"  # a new body every request: no recall
ENDPOINTS = {"bare": "/bench/bare", "hit": "/v1/briefings"}


def wrk(url: str, body: Path, connections: int, seconds: int, script: Path = LUA) -> dict[str, Any]:
    threads = min(2, connections)  # two cores: more wrk threads only steal the server's CPU
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-s",
        str(script),
        url,
        "--",
        str(body),
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT).stdout
    run: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    run["rps"] = run["requests"] / (run["duration_us"] / 1e6)
    run["command"] = " ".join(command)
    return run


def prime(base: str, seed: dict[str, Any]) -> int:
    """One miss to store the seed's briefing; then check both endpoints send those bytes."""
    with httpx.Client(base_url=base, timeout=30) as http:
        first = http.post(ENDPOINTS["hit"], json=seed)
        first.raise_for_status()
        hit = http.post(ENDPOINTS["hit"], json=seed)
        bare = http.post(ENDPOINTS["bare"], json=seed)
    assert hit.headers["x-cache"] == "hit", hit.headers
    assert bare.status_code == 200, bare.text
    assert bare.content == hit.content, "the bare endpoint must send the hit's bytes"
    return len(hit.content)


def measure(args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {"machine": machine(), "settings": vars(args).copy(), "runs": []}
    seed = seed_request()
    flush()
    with (
        tempfile.TemporaryDirectory() as tmp,
        ScriptedProcess(Reply(arguments=bench_draft())) as llm,
        open(Path(tmp) / "service.log", "wb") as log,
    ):
        body = Path(tmp) / "seed.json"
        body.write_text(json.dumps(seed))
        multiproc = Path(tmp) / "prometheus"
        multiproc.mkdir()
        env = service_env(llm.base_url, BENCH_ROUTES="1", LOG_LEVEL=args.log_level)
        if args.memory_mb is not None:  # 0: every hit reads Redis (no in-process copy)
            env["MEMORY_CACHE_MB"] = str(args.memory_mb)
        if args.workers > 1:
            env["PROMETHEUS_MULTIPROC_DIR"] = str(multiproc)
        serve_args = ["--workers", str(args.workers), "--log-level", "info"]
        with service_processes(
            1, env, args=serve_args, output=log, start_timeout_s=START_TIMEOUT_S
        ) as [(base, process)]:
            result["request_bytes"] = body.stat().st_size
            result["response_bytes"] = prime(base, seed)
            for path in ENDPOINTS.values():  # warm both (each worker loads its bare bytes)
                wrk(base + path, body, 50, args.warmup)
            for rep in range(args.reps):
                for connections in args.connections:
                    for name, path in ENDPOINTS.items():
                        others = wait_quiet()
                        script = FRESH_LUA if args.fresh_bodies else LUA
                        run = wrk(base + path, body, connections, args.duration, script)
                        run |= {"rep": rep, "endpoint": name, "connections": connections}
                        run |= {"others_cores": others, "load": load()}
                        result["runs"].append(run)
                        print(_line(run), flush=True)
            result["metrics_hits"] = _metrics_hits(base)
            if args.profile:
                profile(process.pid, base, body, args)
        result["log_bytes"] = (Path(tmp) / "service.log").stat().st_size
    result["summary"] = summarise(result["runs"], args.connections)
    return result


def _metrics_hits(base: str) -> float:
    """The hits /metrics counts: every worker's only when PROMETHEUS_MULTIPROC_DIR is set
    (otherwise whichever worker answers reports its own)."""
    text = httpx.get(f"{base}/metrics", timeout=10).text
    found = re.search(r'^briefings_cache_lookups_total\{result="hit"\} (\S+)$', text, re.M)
    return float(found.group(1)) if found else 0.0


def profile(pid: int, base: str, body: Path, args: argparse.Namespace) -> None:
    """py-spy's collapsed stacks of the service (all workers) while wrk drives each endpoint
    at 50 connections; summarise them with bench/profile.py."""
    args.profile.mkdir(parents=True, exist_ok=True)
    for name, path in ENDPOINTS.items():
        fresh = "-fresh" if args.fresh_bodies else ""
        out = args.profile / f"{name}-w{args.workers}-{args.log_level.lower()}{fresh}.txt"
        spy = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "py-spy"),
                *("record", "--format", "raw", "--subprocesses"),
                *("--pid", str(pid), "--duration", str(args.duration), "-o", str(out)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        run = wrk(base + path, body, 50, args.duration, FRESH_LUA if args.fresh_bodies else LUA)
        spy.wait()
        print(f"profiled {name}: {run['rps']:.0f} req/s under py-spy, stacks in {out}")


def _line(run: dict[str, Any]) -> str:
    errors = sum(run["errors"].values())
    return (
        f"rep {run['rep']} c={run['connections']:<3} {run['endpoint']:5} "
        f"{run['rps']:8.0f} req/s  p50 {run['p50_us'] / 1000:6.2f} ms  "
        f"p99 {run['p99_us'] / 1000:6.2f} ms  errors {errors}  "
        f"others {run['others_cores']:.2f} cores, load {run['load']}"
    )


def summarise(runs: list[dict[str, Any]], connections: list[int]) -> list[dict[str, Any]]:
    rows = []
    for c in connections:
        row: dict[str, Any] = {"connections": c}
        for name in ENDPOINTS:
            mine = [r for r in runs if r["connections"] == c and r["endpoint"] == name]
            row[name] = {
                "rps": median([r["rps"] for r in mine]),
                "p50_ms": median([r["p50_us"] for r in mine]) / 1000,
                "p99_ms": median([r["p99_us"] for r in mine]) / 1000,
            }
        pairs: dict[int, dict[str, float]] = {}
        for r in runs:
            if r["connections"] == c:
                pairs.setdefault(r["rep"], {})[r["endpoint"]] = r["rps"]
        row["ratio"] = median([p["hit"] / p["bare"] for p in pairs.values()])
        rows.append(row)
    return rows


def _hits_sent(result: dict[str, Any]) -> int:
    """Measured hit requests wrk completed (warm-up, priming and in-flight ones not counted)."""
    return sum(r["requests"] for r in result["runs"] if r["endpoint"] == "hit")


def table(result: dict[str, Any]) -> str:
    s = result["settings"]
    lines = [
        f"workers={s['workers']} LOG_LEVEL={s['log_level']} MEMORY_CACHE_MB="
        f"{'default' if s['memory_mb'] is None else s['memory_mb']} {s['reps']}×{s['duration']}s"
        f"{' fresh bodies' if s.get('fresh_bodies') else ''}",
        "| conns | bare req/s | bare p50 / p99 ms | hit req/s | hit p50 / p99 ms | hit ÷ bare |",
        "|---|---|---|---|---|---|",
    ]
    for row in result["summary"]:
        b, h = row["bare"], row["hit"]
        lines.append(
            f"| {row['connections']} | {b['rps']:,.0f} | {b['p50_ms']:.2f} / {b['p99_ms']:.2f} "
            f"| {h['rps']:,.0f} | {h['p50_ms']:.2f} / {h['p99_ms']:.2f} | {row['ratio']:.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--log-level", default="INFO", help="LOG_LEVEL (INFO logs each request)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per path")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--memory-mb", type=int, help="MEMORY_CACHE_MB (0: Redis on every hit)")
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--out", type=Path, help="write the raw results here as JSON")
    parser.add_argument("--profile", type=Path, help="also record py-spy stacks into this dir")
    parser.add_argument(
        "--fresh-bodies",
        action="store_true",
        help="new bytes every request (bench/post_fresh.lua): hits parse, validate and key",
    )
    args = parser.parse_args()
    result = measure(args)
    print(table(result))
    print(
        f"request {result['request_bytes']} B, response {result['response_bytes']} B, "
        f"hits sent {_hits_sent(result):,}, /metrics counted {result['metrics_hits']:,.0f}, "
        f"service log {result['log_bytes']:,} B"
    )
    dump(result, args.out)


if __name__ == "__main__":
    main()
