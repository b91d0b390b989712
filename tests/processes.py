"""The service as separate OS processes on loopback, for behaviour that spans processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.live import free_port

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def service_processes(
    count: int, env: dict[str, str]
) -> Iterator[list[tuple[str, subprocess.Popen[bytes]]]]:
    """`count` × `python -m service serve`, each on its own port; yields (url, process)."""
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
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env={**os.environ, "LOG_LEVEL": "WARNING", **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append((f"http://127.0.0.1:{port}", process))
    try:
        for url, process in started:
            _wait_healthy(url, process)
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


def _wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90  # two cold starts on a busy 2-core box can take 20+ s
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
