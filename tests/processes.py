"""The service as separate OS processes on loopback, for behaviour that spans processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

from tests.live import free_port
from tests.scripted_llm import ScriptedLLM

ROOT = Path(__file__).resolve().parents[1]


def service_env(llm: ScriptedLLM, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment for `service_processes` on the scripted LLM and a test Redis."""
    return {
        "OPENAI_BASE_URL": llm.base_url,
        "OPENAI_API_KEY": "test-key",
        "LLM_MODEL": "scripted-model",
        "LLM_HTTP_RETRIES": "0",
        "REDIS_URL": redis_url,
        **extra,
    }


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
    started = []
    for _ in range(count):
        port = free_port()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "service",
                "serve",
                "--port",
                str(port),
                *args,
            ],
            cwd=ROOT,
            env={**os.environ, "LOG_LEVEL": "WARNING", **env},
            stdout=output,
            stderr=output,
        )
        started.append((f"http://127.0.0.1:{port}", process))
    try:
        for url, process in started:
            _wait_healthy(url, process, start_timeout_s)
        yield started
    finally:
        for _, process in started:
            if process.poll() is None:
                process.terminate()
        for _, process in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"service on {url} exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"service on {url} did not become healthy")
