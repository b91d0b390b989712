"""Pick the LLM backend from settings and build its clients once per process.

Remote when OPENAI_BASE_URL or OPENAI_API_KEY is set (OpenAI, vLLM, Ollama, a llama.cpp
server…); otherwise the embedded llama.cpp server is started on loopback. Every chat call the
client makes goes through our retry policy and, given a Redis, the backend's concurrency limit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import instructor
import openai
from instructor import AsyncInstructor
from redis.asyncio import Redis

from service.llm._dialect import json_object_schemas
from service.llm._retry import RetryPolicy
from service.llm.embedded import EmbeddedServer
from service.llm.modelpack import resolve_model
from service.llm.slots import LLMSlots
from service.settings import DEFAULT_REMOTE_MODEL, Backend, Settings

log = logging.getLogger(__name__)


@dataclass(slots=True)
class LLMBackend:
    kind: Backend
    model: str
    base_url: str
    client: openai.AsyncOpenAI
    instructor: AsyncInstructor  # in LLM_MODE (TOOLS): the single-call strategy
    structured: AsyncInstructor  # JSON schema in response_format: staged calls
    embedded: EmbeddedServer | None = None
    slots: LLMSlots | None = None  # None: unlimited (LLM_CONCURRENCY=0, or no Redis given)

    async def ping(self) -> bool:
        try:
            await self.client.with_options(timeout=2.0, max_retries=0).models.list()
        except openai.APIError:
            return False
        return True

    async def close(self) -> None:
        await self.client.close()
        if self.embedded is not None:
            await self.embedded.stop()


def _mode(name: str) -> instructor.Mode:
    try:
        return instructor.Mode[name]
    except KeyError as exc:
        raise ValueError(f"LLM_MODE={name!r} is not an instructor mode (try TOOLS)") from exc


def _wrap_chat_calls(
    client: openai.AsyncOpenAI, policy: RetryPolicy, slots: LLMSlots | None, schema_format: str
) -> None:
    """Route the client's chat calls (the ones instructor makes) through `policy`, and each
    of its tries through `slots`, so no try holds a slot while it backs off.

    The same move as instructor's own `patch(client)`: the resource object is cached on the
    client, so replacing its `create` covers every call; `models.list` (the ping) stays as is.
    """
    completions: Any = client.chat.completions
    create = completions.create
    if schema_format == "json_object":
        create = json_object_schemas(create)
    create = create if slots is None else slots.wrap(create)
    completions.create = policy.wrap(create)


def _slots(settings: Settings, redis: Redis | None, base_url: str, model: str) -> LLMSlots | None:
    limit = settings.concurrency_limit
    if limit < 0:
        raise ValueError(f"LLM_CONCURRENCY={limit}: use 0 for no limit, or a positive number")
    if redis is None or limit == 0:
        log.info("LLM concurrency: not limited")
        return None
    slots = LLMSlots(
        redis,
        base_url=base_url,
        model=model,
        limit=limit,
        prefix=settings.cache_prefix,
        ttl_ms=int(settings.llm_slot_ttl_s * 1000),
        default_budget_s=settings.llm_timeout_s,
    )
    log.info("LLM concurrency: at most %d calls at a time to backend %s", limit, slots.backend)
    return slots


async def open_backend(settings: Settings, redis: Redis | None) -> LLMBackend:
    """The backend's clients. With `redis`, its calls share LLM_CONCURRENCY slots with every
    process on that Redis; None (asked for, never defaulted) leaves them unlimited."""
    embedded: EmbeddedServer | None = None
    if settings.backend == "embedded":
        path = resolve_model(
            settings.embedded_model,
            settings.model_cache_dir,
            settings.embedded_model_path,
        )
        model = settings.llm_model or (
            path.stem if settings.embedded_model_path else settings.embedded_model
        )
        embedded = EmbeddedServer(
            model_path=path,
            alias=model,
            n_ctx=settings.embedded_n_ctx,
            n_threads=settings.embedded_n_threads,
            port=settings.embedded_port,
            log_path=settings.model_cache_dir / "llama-server.log",
        )
        await embedded.start(settings.embedded_start_timeout_s)
        base_url, api_key = embedded.base_url, "embedded"
    else:
        model = settings.llm_model or DEFAULT_REMOTE_MODEL
        base_url = settings.openai_base_url or "https://api.openai.com/v1"
        key = settings.openai_api_key
        api_key = key.get_secret_value() if key else "not-needed"
    client = openai.AsyncOpenAI(
        base_url=base_url,
        api_key=api_key,
        timeout=settings.llm_timeout_s,
        max_retries=0,  # ours, bounded by the call's timeout: service/llm/_retry.py
    )
    slots = _slots(settings, redis, base_url, model)
    policy = RetryPolicy(settings.llm_http_retries, settings.llm_timeout_s)
    _wrap_chat_calls(client, policy, slots, settings.schema_format)
    log.info("LLM backend %s: model %s at %s", settings.backend, model, base_url)
    return LLMBackend(
        kind=settings.backend,
        model=model,
        base_url=base_url,
        client=client,
        instructor=instructor.from_openai(client, mode=_mode(settings.llm_mode)),
        structured=instructor.from_openai(client, mode=instructor.Mode.JSON_SCHEMA),
        embedded=embedded,
        slots=slots,
    )
