"""One settings object, read from the environment once at start-up.

The names OPENAI_BASE_URL and OPENAI_API_KEY are the openai client's own, so a user who
already has them exported for other tools gets the same backend here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Backend = Literal["embedded", "remote"]

DEFAULT_EMBEDDED_MODEL = "qwen2.5-coder-0.5b-instruct"
DEFAULT_PUBLIC_PATHS = ("/health", "/ready", "/schema", "/static", "/metrics")


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _int(name: str, default: int) -> int:
    raw = _env(name)
    return default if raw is None else int(raw)


def _float(name: str, default: float) -> float:
    raw = _env(name)
    return default if raw is None else float(raw)


def _list(name: str) -> tuple[str, ...] | None:
    """Comma-separated values; None when unset, () for "," (set, but to nothing)."""
    raw = _env(name)
    return None if raw is None else tuple(p.strip() for p in raw.split(",") if p.strip())


def _default_cache_dir() -> Path:
    base = _env("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "grounded-briefings"


@dataclass(frozen=True, slots=True)
class Settings:
    # LLM backend
    openai_base_url: str | None = None
    openai_api_key: str | None = field(default=None, repr=False)
    llm_model: str | None = None
    llm_mode: str = "TOOLS"
    extraction: str | None = None  # "staged" or "single"; see `strategy`
    llm_choices: bool | None = None  # closed article-bound enums in the single-call schema
    staged_fill: bool = False  # staged: the model picks initiators (service/llm/_fill.py)
    llm_schema_format: str | None = None  # "json_object" or "json_schema"; see `schema_format`
    llm_timeout_s: float = 300.0  # one call: every try and wait (service/llm/_retry.py)
    llm_max_retries: int | None = None
    llm_http_retries: int = 2  # transport retries within llm_timeout_s, not re-asks
    llm_temperature: float = 0.0
    llm_max_tokens: int = 2048
    llm_concurrency: int | None = None  # across processes; see `concurrency_limit`
    llm_slot_ttl_s: float = 30.0  # a dead holder's LLM slot is free again after this
    # Embedded llama.cpp server (used when no remote backend is configured)
    embedded_model: str = DEFAULT_EMBEDDED_MODEL
    embedded_model_path: Path | None = None
    embedded_n_ctx: int = 8192
    embedded_n_threads: int = 0
    embedded_port: int = 0
    embedded_start_timeout_s: float = 180.0
    model_cache_dir: Path = field(default_factory=_default_cache_dir)
    # Cache
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_cluster: bool = (
        False  # REDIS_URL names any node of a Redis Cluster (service/store/cache.py)
    )
    queue_redis_url: str | None = None  # the job queue's Redis; see `queue_url`
    cache_ttl_s: int = 7 * 24 * 3600
    cache_prefix: str = "gb"
    memory_cache_mb: int = 64  # per process, in front of Redis; 0 turns it off
    lock_ttl_s: float = 30.0  # single-flight lock; a dead holder frees its key after this
    # Input limits
    max_article_chars: int = 100_000
    max_body_bytes: int = 2 * 2**20  # a 200,000-character article fits with room to spare
    max_drain_bytes: int = 256 * 2**20  # unread body read and dropped so a 413 is not lost
    llm_context_tokens: int | None = None
    # Batch jobs (service/jobs/): POST /v1/jobs and `python -m service worker`
    max_job_articles: int = 10_000  # more: a 413
    max_job_body_bytes: int = 64 * 2**20  # the body limit of POST /v1/jobs only
    job_ttl_s: int = 24 * 3600  # a job's record lives this long after its last change
    worker_concurrency: int = 4  # articles in flight per worker process
    job_heartbeat_s: float = 30.0  # an article not heartbeated this long is swept and retried
    job_sweep_s: int = 10  # how often some worker looks for such articles (whole seconds)
    job_attempts: int = 3  # tries per article (killed workers, unexpected errors), then failed
    worker_grace_s: float = 30.0  # on SIGTERM, in-flight work gets this long to finish
    worker_metrics_port: int = 0  # a worker serves /metrics on this port; 0: none
    # Logs: one JSON object per line (for log shippers) or plain text (for people)
    log_format: str = "json"
    log_level: str = "INFO"
    # Access (service/store/apikeys.py, store/ratelimit.py): `key` or `name:key` entries
    api_keys: tuple[str, ...] = field(default=(), repr=False)
    public_paths: tuple[str, ...] = DEFAULT_PUBLIC_PATHS
    rate_limit: str | None = None
    # Benchmarks only (service/web/routes/bench.py): extra routes, never in the OpenAPI document
    bench_routes: bool = False

    @property
    def max_retries(self) -> int:
        """Re-asks after a failed validation. The embedded model takes a minute or more per
        attempt on a small machine, so by default it is not re-asked: verification drops
        what fails instead. Remote backends are re-asked once."""
        if self.llm_max_retries is not None:
            return self.llm_max_retries
        return 0 if self.backend == "embedded" else 1

    @property
    def strategy(self) -> str:
        """How an article becomes a draft (README, "Extraction strategies"). `staged`: code
        finds and fills the events, one short LLM call writes the headline and summary; the
        embedded default, chosen by the eval (seeds/EVAL.md). `single`: one LLM call drafts
        everything, for a model strong enough to find events itself; the remote default."""
        if self.extraction is not None:
            if self.extraction not in ("staged", "single"):
                raise ValueError(f"EXTRACTION={self.extraction!r}: use staged or single")
            return self.extraction
        return "staged" if self.backend == "embedded" else "single"

    @property
    def choices(self) -> bool:
        """Whether the single-call schema offers only what the article holds, as enums
        (service/llm/choices.py). On for remote servers; off for the embedded one, whose
        grammar checking slows with every enum value (seeds/EVAL.md measures it)."""
        if self.llm_choices is not None:
            return self.llm_choices
        return self.backend == "remote"

    @property
    def schema_format(self) -> str:
        """How a JSON schema travels in `response_format`: OpenAI's `json_schema`, or the
        `{"type": "json_object", "schema": …}` that llama-cpp-python's server accepts (it
        answers 500 to `json_schema`, ../shared/NOTES.md). The embedded server gets the
        latter; a remote llama.cpp server needs LLM_SCHEMA_FORMAT=json_object."""
        if self.llm_schema_format is not None:
            if self.llm_schema_format not in ("json_object", "json_schema"):
                raise ValueError(
                    f"LLM_SCHEMA_FORMAT={self.llm_schema_format!r}: use json_object or json_schema"
                )
            return self.llm_schema_format
        return "json_object" if self.backend == "embedded" else "json_schema"

    @property
    def concurrency_limit(self) -> int:
        """LLM calls in flight at once to the backend, across every process sharing the
        Redis (service/llm/limit.py); 0: no limit. The embedded llama.cpp server (one per
        process) computes one answer at a time, and llama-cpp-python's server cuts a
        streamed answer short when another request arrives, so it gets 1; a remote server
        gets 8, which a vLLM or OpenAI deployment may raise."""
        if self.llm_concurrency is not None:
            return self.llm_concurrency
        return 1 if self.backend == "embedded" else 8

    @property
    def chunk_chars(self) -> int:
        """How much article text one LLM call gets: the context window less the answer
        budget and the instructions (~1,000 tokens), at a conservative 3 characters per
        token. Longer articles are split (see service/grounding/chunks.py)."""
        context = self.llm_context_tokens or (
            self.embedded_n_ctx if self.backend == "embedded" else 32_000
        )
        return max(2_000, (context - self.llm_max_tokens - 1_000) * 3)

    @property
    def queue_url(self) -> str:
        """The Redis the SAQ job queue lives on: QUEUE_REDIS_URL, else REDIS_URL. SAQ cannot
        run on a Redis Cluster (docs/deploy.md, "Redis Cluster"), so with REDIS_CLUSTER on it
        needs a plain Redis of its own, and starting without one is a configuration error."""
        if self.queue_redis_url is not None:
            return self.queue_redis_url
        if self.redis_cluster:
            raise ValueError(
                "REDIS_CLUSTER=1 needs QUEUE_REDIS_URL: the job queue (SAQ) cannot run on a "
                "Redis Cluster; point it at a plain Redis (docs/deploy.md, Redis Cluster)"
            )
        return self.redis_url

    @property
    def backend(self) -> Backend:
        """Embedded unless the user pointed us at a server or gave a key for OpenAI."""
        return "remote" if (self.openai_base_url or self.openai_api_key) else "embedded"

    @classmethod
    def from_env(cls) -> Settings:
        model_path = _env("EMBEDDED_MODEL_PATH")
        cache_dir = _env("MODEL_CACHE_DIR")
        return cls(
            openai_base_url=_env("OPENAI_BASE_URL"),
            openai_api_key=_env("OPENAI_API_KEY"),
            llm_model=_env("LLM_MODEL"),
            llm_mode=(_env("LLM_MODE", "TOOLS") or "TOOLS").upper(),
            extraction=(_env("EXTRACTION") or "").lower() or None,
            staged_fill=_env("STAGED_FILL") in ("1", "true", "on"),
            llm_choices=None
            if (c := _env("LLM_CHOICES")) is None
            else c.lower() in ("1", "true", "on"),
            llm_schema_format=(_env("LLM_SCHEMA_FORMAT") or "").lower() or None,
            llm_timeout_s=_float("LLM_TIMEOUT_S", 300.0),
            llm_max_retries=int(r) if (r := _env("LLM_MAX_RETRIES")) is not None else None,
            llm_http_retries=_int("LLM_HTTP_RETRIES", 2),
            llm_temperature=_float("LLM_TEMPERATURE", 0.0),
            llm_max_tokens=_int("LLM_MAX_TOKENS", 2048),
            llm_concurrency=int(n) if (n := _env("LLM_CONCURRENCY")) is not None else None,
            llm_slot_ttl_s=_float("LLM_SLOT_TTL_S", 30.0),
            embedded_model=_env("EMBEDDED_MODEL", DEFAULT_EMBEDDED_MODEL) or DEFAULT_EMBEDDED_MODEL,
            embedded_model_path=Path(model_path) if model_path else None,
            embedded_n_ctx=_int("EMBEDDED_N_CTX", 8192),
            embedded_n_threads=_int("EMBEDDED_N_THREADS", 0),
            embedded_port=_int("EMBEDDED_PORT", 0),
            embedded_start_timeout_s=_float("EMBEDDED_START_TIMEOUT_S", 180.0),
            model_cache_dir=Path(cache_dir) if cache_dir else _default_cache_dir(),
            redis_url=_env("REDIS_URL", "redis://127.0.0.1:6379/0") or "",
            redis_cluster=_env("REDIS_CLUSTER") in ("1", "true", "on"),
            queue_redis_url=_env("QUEUE_REDIS_URL"),
            cache_ttl_s=_int("CACHE_TTL_S", 7 * 24 * 3600),
            cache_prefix=_env("CACHE_PREFIX", "gb") or "gb",
            lock_ttl_s=_float("LOCK_TTL_S", 30.0),
            memory_cache_mb=_int("MEMORY_CACHE_MB", 64),
            max_article_chars=_int("MAX_ARTICLE_CHARS", 100_000),
            max_body_bytes=_int("MAX_BODY_BYTES", 2 * 2**20),
            max_drain_bytes=_int("MAX_DRAIN_BYTES", 256 * 2**20),
            llm_context_tokens=int(c) if (c := _env("LLM_CONTEXT_TOKENS")) else None,
            max_job_articles=_int("MAX_JOB_ARTICLES", 10_000),
            max_job_body_bytes=_int("MAX_JOB_BODY_BYTES", 64 * 2**20),
            job_ttl_s=_int("JOB_TTL_S", 24 * 3600),
            worker_concurrency=_int("WORKER_CONCURRENCY", 4),
            job_heartbeat_s=_float("JOB_HEARTBEAT_S", 30.0),
            job_sweep_s=_int("JOB_SWEEP_S", 10),
            job_attempts=_int("JOB_ATTEMPTS", 3),
            worker_grace_s=_float("WORKER_GRACE_S", 30.0),
            worker_metrics_port=_int("WORKER_METRICS_PORT", 0),
            log_format=(_env("LOG_FORMAT", "json") or "json").lower(),
            log_level=(_env("LOG_LEVEL", "INFO") or "INFO").upper(),
            api_keys=_list("API_KEYS") or (),
            public_paths=p if (p := _list("PUBLIC_PATHS")) is not None else DEFAULT_PUBLIC_PATHS,
            rate_limit=_env("RATE_LIMIT"),
            bench_routes=_env("BENCH_ROUTES") == "1",
        )
