"""Run llama.cpp's OpenAI-compatible server as a child process on loopback.

The embedded backend is what makes `serve` work on a machine with no network and no API
key. It is a separate process (not in-process bindings) so the API's event loop never
blocks on generation, and so the same code path (openai client → HTTP) serves every
backend.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

log = logging.getLogger(__name__)


class EmbeddedServerError(RuntimeError):
    pass


# llama.cpp's timing line, one per completion: how many prompt tokens it computed, i.e. what
# the prefix cache did not already hold.
_PROMPT_EVAL = re.compile(rb"prompt eval time\s*=\s*[\d.]+ ms /\s*(\d+) tokens")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _child_env() -> dict[str, str]:
    """The environment for llama.cpp's server, without variables it would read as settings.

    Its settings are pydantic-settings with no prefix, so a `PORT` or `HOST` meant for our
    own API (`PORT=8080 ./dev serve`) would silently override the command line and make
    the child bind our port.
    """
    try:
        from llama_cpp.server.settings import ModelSettings, ServerSettings

        names = {*ServerSettings.model_fields, *ModelSettings.model_fields}
    except ImportError:
        names = {"host", "port", "model"}
    return {k: v for k, v in os.environ.items() if k.lower() not in names}


@dataclass(slots=True)
class EmbeddedServer:
    model_path: Path
    alias: str
    n_ctx: int = 8192
    n_threads: int = 0
    port: int = 0
    host: str = "127.0.0.1"
    log_path: Path | None = None
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def command(self) -> list[str]:
        threads = self.n_threads or max(1, os.cpu_count() or 1)
        return [
            sys.executable,
            "-m",
            "service.llm._llama_server",  # llama_cpp.server, stopping when a client goes
            "--model",
            str(self.model_path),
            "--model_alias",
            self.alias,
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--n_ctx",
            str(self.n_ctx),
            "--n_threads",
            str(threads),
            # A streamed answer is not cut short when another request (a /ready ping) arrives:
            # calls are queued by LLM_CONCURRENCY, not by interrupting each other.
            "--interrupt_requests",
            "False",
        ]

    async def start(self, timeout_s: float = 180.0) -> None:
        try:
            import llama_cpp.server  # noqa: F401
        except ImportError as exc:
            raise EmbeddedServerError(
                "the embedded backend needs llama-cpp-python; run: uv sync --extra embedded "
                "(or set OPENAI_BASE_URL / OPENAI_API_KEY to use another backend)"
            ) from exc
        if not self.port:
            self.port = free_port(self.host)
        log.info("starting embedded llama.cpp server on %s", self.base_url)
        self._process = self._spawn()
        await self._wait_ready(timeout_s)

    def _spawn(self) -> subprocess.Popen[bytes]:
        """Start the server; its output (load and timing logs) goes to the log file."""
        if self.log_path is None:
            return subprocess.Popen(
                self.command(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=_child_env(),
            )
        with open(self.log_path, "ab") as out:
            return subprocess.Popen(
                self.command(), stdout=out, stderr=subprocess.STDOUT, env=_child_env()
            )

    async def _wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        async with httpx.AsyncClient(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self._process is not None and self._process.poll() is not None:
                    raise EmbeddedServerError(
                        f"llama.cpp server exited with code {self._process.returncode}"
                        + (f"; see {self.log_path}" if self.log_path else "")
                    )
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"{self.base_url}/models")).status_code == 200:
                        log.info("embedded llama.cpp server ready")
                        return
                await asyncio.sleep(0.25)
        await self.stop()
        raise EmbeddedServerError(f"llama.cpp server not ready after {timeout_s:g} s")

    def log_position(self) -> int:
        """Where the server's log ends now; `prompt_evaluations` reads what comes after."""
        if self.log_path is None or not self.log_path.exists():
            return 0
        return self.log_path.stat().st_size

    def prompt_evaluations(self, since: int) -> list[int] | None:
        """Prompt tokens the server evaluated per completion since `since`, from its own
        timing lines; None without a log. The eval reports their sum against the tokens
        sent, which is how much the prefix cache saved."""
        if self.log_path is None or not self.log_path.exists():
            return None
        with open(self.log_path, "rb") as log_file:
            log_file.seek(since)
            return [int(n) for n in _PROMPT_EVAL.findall(log_file.read())]

    async def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            await asyncio.to_thread(process.wait, 10)
        except subprocess.TimeoutExpired:
            process.kill()
            await asyncio.to_thread(process.wait)
