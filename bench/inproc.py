"""CPU per request of the app itself, without sockets: a quieter view than wrk's.

    uv run --no-sync python -m bench.inproc [--log-level INFO] [--memory-mb 64] [-n 5000]

Calls the ASGI app directly (no uvicorn, no HTTP parsing, no wrk competing for the cores)
with the seed body, alternating the bare endpoint and the cache hit, and reports the
process CPU time per request. What the two share (middleware, access log, metrics) is in
both numbers; the difference is what a hit costs beyond sending stored bytes. Redis is real
(on a miss of the in-process copy, or with --memory-mb 0, every hit reads it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import time
from collections.abc import Iterator
from typing import Any

from litestar import Litestar

from bench._common import (
    BENCH_REDIS_URL,
    ScriptedProcess,
    bench_draft,
    flush,
    median,
    seed_request,
    wait_quiet,
)
from service.settings import Settings
from service.web.app import create_app
from tests.support.scripted_llm import Reply

PATHS = {"bare": "/bench/bare", "hit": "/v1/briefings"}


@contextlib.contextmanager
def scripted_app(**overrides: Any) -> Iterator[Litestar]:
    """The app on the scripted LLM (its own process, answering the bench draft) and the
    bench Redis. Its access log goes where production's goes (the root handler), but into
    /dev/null, not this terminal."""
    with (
        ScriptedProcess(Reply(arguments=bench_draft())) as llm,
        open(os.devnull, "w") as devnull,
    ):
        settings = Settings().replace(
            openai_base_url=llm.base_url,
            openai_api_key="bench",
            llm_model="scripted",
            redis_url=BENCH_REDIS_URL,
            **overrides,
        )
        app = create_app(settings)
        logging.getLogger().handlers[-1].setStream(devnull)  # type: ignore[attr-defined]
        yield app


def _scope(path: str, body: bytes) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def request(app: Litestar, path: str, body: bytes) -> int:
    """One request through the whole ASGI app; its status."""
    messages: list[Any] = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[Any] = []

    async def receive() -> Any:
        if messages:
            return messages.pop()
        await asyncio.Event().wait()  # the client never disconnects

    async def send(message: Any) -> None:
        sent.append(message)

    await app(_scope(path, body), receive, send)  # type: ignore[arg-type]
    return int(sent[0]["status"])


async def measure(app: Litestar, body: bytes, n: int, reps: int) -> dict[str, list[float]]:
    cpu: dict[str, list[float]] = {name: [] for name in PATHS}
    async with app.lifespan():
        assert await request(app, PATHS["hit"], body) == 200  # the miss that stores it
        for _ in range(reps):
            for name, path in PATHS.items():
                for _ in range(200):
                    await request(app, path, body)
                wait_quiet()
                started = time.process_time()
                for _ in range(n):
                    await request(app, path, body)
                cpu[name].append((time.process_time() - started) / n * 1e6)
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--memory-mb", type=int, default=Settings().memory_cache_mb)
    parser.add_argument("-n", type=int, default=5000, help="requests per endpoint per rep")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    flush()
    body = json.dumps(seed_request()).encode()
    with scripted_app(
        bench_routes=True,
        log_level=args.log_level,
        memory_cache_mb=args.memory_mb,
    ) as app:
        cpu = asyncio.run(measure(app, body, args.n, args.reps))
    bare, hit = median(cpu["bare"]), median(cpu["hit"])
    print(
        f"LOG_LEVEL={args.log_level} MEMORY_CACHE_MB={args.memory_mb}: CPU per request, "
        f"median of {args.reps}×{args.n}: bare {bare:.0f} µs, hit {hit:.0f} µs, "
        f"hit − bare {hit - bare:.0f} µs, bare ÷ hit {bare / hit:.2f}"
    )


if __name__ == "__main__":
    main()
