"""What every benchmark here shares: the Redis db, the scripted LLM, the machine, statistics.

The benchmarks run the service as production does (`python -m service serve`, separate
processes, real sockets) against the scripted OpenAI-compatible server the tests use
(tests/support/scripted_llm.py), so only the LLM is fake, and its latency is chosen.
"""

from __future__ import annotations

import contextlib
import json
import math
import multiprocessing
import os
import platform
import re
import shutil
import statistics
import subprocess
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import redis

from service.grounding.text import split_sentences
from tests.support.articles import seed_request
from tests.support.drafts import event, good_draft, sid, voronezh_event
from tests.support.live import free_port
from tests.support.scripted_llm import Reply, ScriptedLLM

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 120.0  # a service starts in ~3 s idle, but far slower on a busy box
# Never the tests' db (they flush theirs), never the default db 0 a developer serves from.
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
PACKAGES = (
    "litestar",
    "uvicorn",
    "uvloop",
    "httptools",
    "redis",
    "hiredis",
    "instructor",
    "openai",
    "pydantic",
    "prometheus-client",
    "llama-cpp-python",
)

__all__ = ["Reply", "seed_request"]


def bench_draft() -> dict[str, Any]:
    """The tests' faithful draft of the seed article plus two events and two key points, so
    the verified response (~6 KB) is the size a good model's answer gives."""
    draft = good_draft()
    draft["key_points"] += [
        {
            "evidence": [sid("substations that power the Khmelnytskyi")],
            "text": "Ukraine said Russian strikes hit substations powering two nuclear plants.",
        },
        {
            "evidence": [sid("ready to meet U.S. Secretary of State")],
            "text": "Lavrov said he was ready to meet Rubio.",
        },
    ]
    draft["events"] += [
        voronezh_event(),
        event(
            evidence=[sid("hit power substations"), sid("substations that power the Khmelnytskyi")],
            type="attack",
            summary="Russian strikes hit substations that supply two Ukrainian nuclear plants.",
            actors=[
                {
                    "name": "Andrii Sybiha",
                    "role": "claimant",
                    "kind": "government_official",
                    "country": "Ukraine",
                }
            ],
            location="Khmelnytskyi",
            when="Friday",
            source="Foreign Minister Andrii Sybiha",
        ),
    ]
    return draft


def flush(url: str = BENCH_REDIS_URL) -> None:
    """Empty the benchmark's own db (and only it), so every run starts cold."""
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


def service_env(llm_url: str | None, redis_url: str = BENCH_REDIS_URL, **extra: str) -> dict:
    """The service's environment: the scripted LLM as a remote backend (None: embedded)."""
    env = {"REDIS_URL": redis_url, "LLM_HTTP_RETRIES": "0", **extra}
    if llm_url is not None:
        env |= {"OPENAI_BASE_URL": llm_url, "OPENAI_API_KEY": "bench", "LLM_MODEL": "scripted"}
    return env


def variant(n: int, tag: str) -> dict[str, Any]:
    """The seed request with one sentence appended, so each `n` is a different cache key.

    Appended, not prepended: the scripted draft cites the seed's sentences by id, and those
    ids stay the same, so every variant verifies like the seed itself."""
    request = seed_request()
    request["article"]["text"] = (
        request["article"]["text"].rstrip() + f"\n\nThis is bench dispatch {n} of run {tag}.\n"
    )
    return request


_CLOSERS = ".!?\"'”’)]"


def distinct_variant(n: int, tag: str) -> dict[str, Any]:
    """`variant` with every sentence new too: a made-up word (letters only, no name, number
    or date) before each sentence's closing punctuation. What a process keeps per sentence
    (service/grounding/mentions.py, numbers.py) then cannot serve one article from another's
    sentences, as it cannot in real traffic, where articles do not share the seed's
    sentences. Sentence ids, names, dates and numbers stay the seed's, so the bench draft
    verifies alike (bench/missprof.py checks)."""
    request = variant(n, tag)
    text: str = request["article"]["text"]
    word = "zq" + "".join(chr(ord("a") + int(c, 16)) for c in f"{n:x}{tag}")
    pieces, last = [], 0
    for sentence in split_sentences(text):
        cut = sentence.end
        while cut > sentence.start and text[cut - 1] in _CLOSERS:
            cut -= 1
        pieces += [text[last:cut], " ", word]
        last = cut
    request["article"]["text"] = "".join([*pieces, text[last:]])
    return request


def _serve_scripted(port: int, reply: Reply, counter: Any, nodelay: bool) -> None:
    def answer(_: dict[str, Any]) -> Reply:
        with counter.get_lock():
            counter.value += 1
        return reply

    ScriptedLLM(port=port, default=answer, tcp_nodelay=nodelay).start()
    while True:
        time.sleep(3600)


class ScriptedProcess:
    """The scripted LLM in a child process: its threads never share our GIL."""

    def __init__(self, reply: Reply, *, nodelay: bool = False) -> None:
        ctx = multiprocessing.get_context("fork")
        self.port = free_port()
        self._calls = ctx.Value("i", 0)
        self._process = ctx.Process(
            target=_serve_scripted, args=(self.port, reply, self._calls, nodelay), daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def calls(self) -> int:
        return int(self._calls.value)

    def __enter__(self) -> ScriptedProcess:
        import httpx

        self._process.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(f"{self.base_url}/models", timeout=1).raise_for_status()
                return self
            time.sleep(0.05)
        raise RuntimeError("the scripted LLM did not start")

    def __exit__(self, *_: object) -> None:
        self._process.terminate()
        self._process.join(5)


def _cpu_model() -> str:
    text = Path("/proc/cpuinfo").read_text()
    found = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
    return found.group(1).strip() if found else platform.processor()


def _ram_gib() -> float:
    found = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
    return round(int(found.group(1)) / 2**20, 1) if found else 0.0


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def load() -> str:
    """1/5/15-minute load averages (ours included)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _processes() -> dict[int, tuple[int, int]]:
    """pid → (parent pid, CPU ticks used so far) for every process we can read."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rpartition(")")[2].split()
            found[int(stat.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return found


def foreign_cpu(seconds: float = 1.0) -> float:
    """Cores used by processes outside this benchmark's process tree, over `seconds`.

    Other people's test runs share the two cores; a figure well above 0 means the next
    measurement is noisy (the load average cannot tell theirs from ours)."""
    before = _processes()
    time.sleep(seconds)
    after = _processes()
    ours = {os.getpid()}
    for _ in range(8):  # descendants: our services, their workers, wrk
        ours |= {pid for pid, (ppid, _) in after.items() if ppid in ours}
    ticks = sum(
        used - before.get(pid, (0, used))[1] for pid, (_, used) in after.items() if pid not in ours
    )
    return round(ticks / os.sysconf("SC_CLK_TCK") / seconds, 2)


def wait_quiet(limit: float = 0.15, patience_s: float | None = None) -> float:
    """Wait (up to `patience_s`, env BENCH_PATIENCE_S, default 120) until other processes use
    under `limit` cores; the last reading, reported beside each measurement."""
    if patience_s is None:
        patience_s = float(os.environ.get("BENCH_PATIENCE_S", "120"))
    deadline = time.monotonic() + patience_s
    while (busy := foreign_cpu()) >= limit and time.monotonic() < deadline:
        time.sleep(2)
    return busy


def machine() -> dict[str, Any]:
    wrk = (
        subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
        if shutil.which("wrk")
        else subprocess.CompletedProcess([], 0, "-", "")  # the in-process benches need none
    )
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": _ram_gib(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in PACKAGES},
        "wrk": (wrk.stdout or wrk.stderr).split("\n")[0].split(" [")[0],
        "load_at_start": load(),
    }


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def dump(result: dict[str, Any], out: Path | None) -> None:
    """Raw numbers as JSON in `out` (when given), beside the table a script prints."""
    if out is None:
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"raw results: {out}")
