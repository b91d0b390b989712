"""A throwaway redis-server, for tests that stop and restart Redis under a service."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
import redis


def start_redis_server(port: int, aof_dir: Path | None = None) -> subprocess.Popen[bytes]:
    """A throwaway redis-server that keeps nothing on disk; with `aof_dir`, one that logs
    every write there (appendfsync always) and replays it when started again on that dir,
    as a production Redis with AOF does after a crash."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("no Redis answers and redis-server is not installed (see README)")
    persistence = ["--appendonly", "no"]
    if aof_dir is not None:
        persistence = ["--appendonly", "yes", "--appendfsync", "always", "--dir", str(aof_dir)]
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", *persistence],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            return process
        except (redis.ConnectionError, redis.BusyLoadingError):  # not up, or replaying its AOF
            time.sleep(0.05)
    process.kill()
    pytest.fail(f"redis-server did not start on port {port}")
