"""What /metrics reports, defined once.

Prometheus metrics are process-wide by design, so these are module globals on the default
registry that Litestar's PrometheusController serves. With several uvicorn workers, set
PROMETHEUS_MULTIPROC_DIR (an empty directory) so /metrics adds up all of them.
HTTP request counts and latencies come from Litestar's Prometheus middleware
(service/web/_observe.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from prometheus_client import Counter, Gauge, Histogram

from schemas import Dropped, Usage

PREFIX = "briefings"

CACHE = Counter(
    f"{PREFIX}_cache_lookups_total",
    "Briefing requests by cache outcome: hit, miss, or joined an identical in-flight one.",
    ["result"],
)
LLM_SECONDS = Histogram(
    f"{PREFIX}_llm_call_seconds",
    "Wall time of one extraction (all its attempts) by outcome.",
    ["outcome"],
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 60, 90, 120, 180, 300, 600),
)
LLM_TOKENS = Counter(f"{PREFIX}_llm_tokens_total", "Tokens the LLM reported.", ["kind"])
LLM_REASKS = Counter(
    f"{PREFIX}_llm_reasks_total", "Extra LLM attempts after the model's output failed validation."
)
LLM_SLOT_WAIT = Histogram(
    f"{PREFIX}_llm_slot_wait_seconds",
    "Time one LLM call (one HTTP try) waited for a slot under LLM_CONCURRENCY, by outcome: "
    "acquired, timeout (LLM_TIMEOUT_S ran out first: a 504), or unlimited (Redis down).",
    ["outcome"],
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
LLM_SLOTS_HELD = Gauge(
    f"{PREFIX}_llm_slots_held",
    "LLM slots (LLM_CONCURRENCY) this process holds now: its calls in flight to the backend.",
    multiprocess_mode="livesum",
)
DROPPED = Counter(
    f"{PREFIX}_verification_dropped_total",
    "Items verification removed from a briefing, by kind of item and reason.",
    ["what", "reason"],
)
ERRORS = Counter(
    f"{PREFIX}_errors_total", "Problem responses by status and problem type.", ["status", "type"]
)

API_REQUESTS = Counter(
    f"{PREFIX}_api_requests_total",
    "/v1 requests past the API-key check, by client (a key's name, never the key; "
    "`anonymous` when auth is off) and outcome: admitted or limited (429).",
    ["client", "outcome"],
)

JOBS_SUBMITTED = Counter(f"{PREFIX}_jobs_submitted_total", "Batch jobs accepted (POST /v1/jobs).")
JOB_ARTICLES = Counter(
    f"{PREFIX}_job_articles_total",
    "Articles of batch jobs a worker finished, by outcome: done, cached or failed (counted "
    "once per article, however often it was delivered). Served by workers on "
    "WORKER_METRICS_PORT.",
    ["outcome"],
)


_INDEX = re.compile(r"\[\d+\]")


def observe_llm(outcome: str, seconds: float, usage: Usage, attempts: int, calls: int) -> None:
    """One briefing's extraction: `calls` first attempts (one per chunk), the rest re-asks."""
    LLM_SECONDS.labels(outcome).observe(seconds)
    LLM_TOKENS.labels("prompt").inc(usage.prompt_tokens)
    LLM_TOKENS.labels("completion").inc(usage.completion_tokens)
    LLM_REASKS.inc(max(0, attempts - calls))


def observe_dropped(dropped: Iterable[Dropped]) -> None:
    for item in dropped:  # `events[3].date` → `events.date`: bounded label values
        DROPPED.labels(_INDEX.sub("", item.what), item.reason).inc()
