"""The service as separate OS processes on loopback, for behaviour that spans processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx
import redis

from tests.support.live import free_port
from tests.support.scripted_llm import ScriptedLLM

ROOT = Path(__file__).resolve().parents[2]


def service_env(llm: ScriptedLLM, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment of a service process that uses the scripted LLM and the test Redis."""
    return {
        "OPENAI_BASE_URL": llm.base_url,
        "OPENAI_API_KEY": "test-key",
        "LLM_MODEL": "scripted-model",
        "LLM_HTTP_RETRIES": "0",
        "REDIS_URL": redis_url,
        **extra,
    }


@contextmanager
def _processes(
    commands: Sequence[Sequence[str]], env: dict[str, str], output: IO[bytes] | int
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`python -m service <command>` each; terminated (then killed) when the block ends."""
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "service", *command],
            cwd=ROOT,
            env={**os.environ, "LOG_LEVEL": "WARNING", **env},
            stdout=output,
            stderr=output,
        )
        for command in commands
    ]
    try:
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.terminate()
        for process in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@contextmanager
def service_processes(
    count: int,
    env: dict[str, str],
    *,
    args: Sequence[str] = ("--log-level", "warning"),
    output: IO[bytes] | int = subprocess.DEVNULL,
    start_timeout_s: float = 90.0,  # two cold starts on a busy 2-core box can take 20+ s
) -> Iterator[list[tuple[str, subprocess.Popen[bytes]]]]:
    """`count` × `python -m service serve [args]`, each on its own port; yields (url, process).

    `output` takes the processes' stdout and stderr (their logs); the benchmarks (bench/)
    pass e.g. `--workers 2` and a log file."""
    ports = [free_port() for _ in range(count)]
    commands = [["serve", "--port", str(port), *args] for port in ports]
    with _processes(commands, env, output) as started:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, process in zip(urls, started, strict=True):
            _wait(lambda url=url: _healthy(url), process, start_timeout_s, f"service on {url}")
        yield list(zip(urls, started, strict=True))


@contextmanager
def worker_processes(
    count: int,
    env: dict[str, str],
    *,
    args: Sequence[str] = (),
    output: IO[bytes] | int = subprocess.DEVNULL,
    start_timeout_s: float = 90.0,
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`count` × `python -m service worker [args]`; yields them once each has registered
    with the job queue in Redis (SAQ's worker_info, written when a worker starts)."""
    with _processes([["worker", *args]] * count, env, output) as started:
        client = redis.Redis.from_url(env["REDIS_URL"])
        prefix = env.get("CACHE_PREFIX", "gb")
        try:
            for n, process in enumerate(started, 1):

                def registered(n: int = n) -> bool:
                    return len(client.keys(f"saq:{prefix}:articles:worker_info:*")) >= n

                _wait(registered, process, start_timeout_s, f"worker {n}")
        finally:
            client.close()
        yield started


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _wait(
    ready: Callable[[], bool], process: subprocess.Popen[bytes], timeout_s: float, what: str
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not become ready")
