"""Cache misses: the service end to end against the bare instructor call it makes.

    uv run --no-sync python -m bench.miss [--latency 0.2] [--concurrency 1 8] [--reps 3]
        [--env LLM_CHOICES=0 ...]

The scripted LLM (its own process) answers every call after a fixed delay. (a) calls
instructor directly, TOOLS mode, `create(response_model=Draft, ...)` with exactly the
messages, validation context and parameters the service's SingleExtractor sends; (b) POSTs the
same article to `/v1/briefings` of `python -m service serve`. Each request carries a
different article (the seed with one sentence appended, and, unless --same-sentences, a
made-up word in every sentence: `distinct_variant`), so every (b) is a real miss: key,
cache lookup, single-flight lock, LLM call, verification, store. Reported: median and p90
latency, throughput, and service ÷ direct of the medians (per repetition, then the median).

The direct side sends the open `Draft` schema. The service sends it too with `LLM_CHOICES=0`;
by default (a remote backend) it sends the article's closed schema (service/llm/choices.py),
which costs the service the work of finding the article's choices on every miss: `--env`
sets the service's environment, so both can be measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import instructor
import openai

import prompts
from bench._common import (
    START_TIMEOUT_S,
    Reply,
    ScriptedProcess,
    bench_draft,
    distinct_variant,
    dump,
    flush,
    load,
    machine,
    median,
    percentile,
    service_env,
    wait_quiet,
)
from bench._common import variant as plain_variant
from schemas import BriefingRequest
from service.grounding.draft import CONTEXT_ARTICLE, CONTEXT_LENIENT, Draft
from service.grounding.evidence import ArticleText
from service.grounding.text import split_sentences
from service.llm.extraction import jinja_literal
from service.llm.single import SingleExtractor
from service.settings import Settings
from tests.support.processes import service_processes

MODEL = "scripted"
Call = Callable[[dict[str, Any]], Awaitable[None]]


def direct_call(llm_url: str) -> tuple[Call, openai.AsyncOpenAI]:
    """(a): what the service's SingleExtractor sends, built the same way, without the service."""
    defaults = Settings(openai_base_url=llm_url)
    client = openai.AsyncOpenAI(base_url=llm_url, api_key="bench", max_retries=0)
    inst = instructor.from_openai(client, mode=instructor.Mode.TOOLS)
    extractor = SingleExtractor(client=inst, model=MODEL, prompt=prompts.load("extract"))

    async def call(body: dict[str, Any]) -> None:
        request = BriefingRequest.model_validate_json(json.dumps(body))
        text = ArticleText(request.article.text, split_sentences(request.article.text))
        published = request.article.published_date()
        messages = jinja_literal(
            extractor._messages(
                text,
                request.options,
                request.article.title,
                published.isoformat() if published else None,
                None,
            )
        )
        await inst.chat.completions.create(
            model=MODEL,
            messages=messages,  # type: ignore[arg-type]
            response_model=Draft,
            max_retries=defaults.max_retries,
            context={CONTEXT_ARTICLE: text, CONTEXT_LENIENT: False},
            temperature=defaults.llm_temperature,
            max_tokens=defaults.llm_max_tokens,
            timeout=defaults.llm_timeout_s,
        )

    return call, client


def service_call(http: httpx.AsyncClient) -> Call:
    """(b): the whole request, as a client sees it."""

    async def call(body: dict[str, Any]) -> None:
        response = await http.post("/v1/briefings", json=body)
        assert response.status_code == 200, response.text
        assert response.headers["x-cache"] == "miss", "every request must be a real miss"

    return call


async def batch(call: Call, bodies: list[dict[str, Any]], concurrency: int) -> dict[str, Any]:
    """`bodies` through `call`, `concurrency` at a time; per-request seconds and the wall time.

    The timing starts after the request dict exists and includes everything after."""
    latencies: list[float] = []
    queue = list(reversed(bodies))

    async def worker() -> None:
        while queue:
            body = queue.pop()
            started = time.perf_counter()
            await call(body)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - started
    return {
        "n": len(latencies),
        "p50_ms": median(latencies) * 1000,
        "p90_ms": percentile(latencies, 90) * 1000,
        "mean_ms": sum(latencies) / len(latencies) * 1000,
        "rps": len(latencies) / wall,
    }


async def run(args: argparse.Namespace, llm: ScriptedProcess, base: str) -> list[dict[str, Any]]:
    runs = []
    tag = uuid.uuid4().hex[:8]
    counter = iter(range(10**9))
    variant = plain_variant if args.same_sentences else distinct_variant
    direct, client = direct_call(llm.base_url)
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        service = service_call(http)
        await batch(direct, [variant(next(counter), tag)], 1)  # warm both paths' clients
        await batch(service, [variant(next(counter), tag)], 1)
        for rep in range(args.reps):
            for concurrency in args.concurrency:
                n = args.requests * concurrency
                row: dict[str, Any] = {"rep": rep, "concurrency": concurrency}
                row["others_cores"] = wait_quiet()
                row["load"] = load()
                for name, call in (("direct", direct), ("service", service)):
                    calls_before = llm.calls
                    bodies = [variant(next(counter), tag) for _ in range(n)]
                    row[name] = await batch(call, bodies, concurrency)
                    row[name]["llm_calls"] = llm.calls - calls_before
                row["ratio"] = row["service"]["p50_ms"] / row["direct"]["p50_ms"]
                runs.append(row)
                print(_line(row), flush=True)
    await client.close()
    return runs


def _line(row: dict[str, Any]) -> str:
    d, s = row["direct"], row["service"]
    return (
        f"rep {row['rep']} c={row['concurrency']}: direct p50 {d['p50_ms']:.1f} ms "
        f"({d['rps']:.1f}/s, {d['llm_calls']} calls)  service p50 {s['p50_ms']:.1f} ms "
        f"({s['rps']:.1f}/s, {s['llm_calls']} calls)  ratio {row['ratio']:.3f}  "
        f"others {row['others_cores']:.2f} cores, load {row['load']}"
    )


def summarise(runs: list[dict[str, Any]], levels: list[int]) -> list[dict[str, Any]]:
    rows = []
    for c in levels:
        mine = [r for r in runs if r["concurrency"] == c]
        row: dict[str, Any] = {"concurrency": c, "ratio": median([r["ratio"] for r in mine])}
        for name in ("direct", "service"):
            row[name] = {
                key: median([r[name][key] for r in mine])
                for key in ("p50_ms", "p90_ms", "mean_ms", "rps")
            }
        row["overhead_ms"] = row["service"]["p50_ms"] - row["direct"]["p50_ms"]
        rows.append(row)
    return rows


def table(result: dict[str, Any]) -> str:
    s = result["settings"]
    lines = [
        f"LLM latency {s['latency']:g} s, {s['requests']}×concurrency requests per batch, "
        f"{s['reps']} reps, LOG_LEVEL={s['log_level']} {' '.join(s['env'])}".rstrip(),
        "| concurrency | direct p50 / p90 ms | direct req/s | service p50 / p90 ms "
        "| service req/s | overhead p50 ms | service ÷ direct |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in result["summary"]:
        d, sv = row["direct"], row["service"]
        lines.append(
            f"| {row['concurrency']} | {d['p50_ms']:.1f} / {d['p90_ms']:.1f} | {d['rps']:.2f} "
            f"| {sv['p50_ms']:.1f} / {sv['p90_ms']:.1f} | {sv['rps']:.2f} "
            f"| {row['overhead_ms']:.1f} | {row['ratio']:.3f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency", type=float, default=0.2, help="the LLM's seconds per call")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--requests", type=int, default=20, help="per batch, × concurrency")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--log-level", default="INFO", help="the service's LOG_LEVEL")
    parser.add_argument(
        "--same-sentences",
        action="store_true",
        help="articles differ only in their appended sentence (as before 2026-11-30), so "
        "memos kept per sentence serve every request after the first",
    )
    parser.add_argument(
        "--env", action="append", default=[], metavar="KEY=VALUE", help="service environment"
    )
    parser.add_argument("--out", type=Path, help="write the raw results here as JSON")
    args = parser.parse_args()
    result: dict[str, Any] = {"machine": machine(), "settings": vars(args).copy()}
    flush()
    with ScriptedProcess(Reply(arguments=bench_draft(), delay_s=args.latency)) as llm:
        extra = dict(pair.split("=", 1) for pair in args.env)
        env = service_env(llm.base_url, LOG_LEVEL=args.log_level, **extra)
        serve_args = ["--log-level", "info"]
        with service_processes(1, env, args=serve_args, start_timeout_s=START_TIMEOUT_S) as [
            (base, _)
        ]:
            result["runs"] = asyncio.run(run(args, llm, base))
    result["summary"] = summarise(result["runs"], args.concurrency)
    print(table(result))
    dump(result, args.out)


if __name__ == "__main__":
    main()
