"""Build the process-wide clients once, and close them once.

The app's lifespan and the CLI both enter `open_runtime`, so a briefing made from the
command line takes exactly the path a request takes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from redis.asyncio import Redis

import prompts
from service.briefing import BriefingService
from service.geo import warm as warm_gazetteer
from service.ingest.entries import FeedReader
from service.ingest.fetch import Fetcher
from service.jobs import JobService
from service.jobs.queue import open_queue
from service.jobs.store import JobStore
from service.llm.backend import LLMBackend, open_backend
from service.llm.choices import with_choices
from service.llm.extraction import DraftExtractor
from service.llm.single import SingleExtractor
from service.llm.staged import StagedExtractor
from service.nlp.pipeline import preload as preload_pipelines
from service.settings import Settings
from service.store.access import Gate, open_gate
from service.store.cache import BriefingCache
from service.store.client import REDIS_ERRORS, connect
from service.store.feeds import SeenEntries
from service.store.fetches import RedisFetchCache
from service.store.memory import MemoryLRU
from service.store.singleflight import RedisSingleFlight
from service.tenancy import Tenancy


@dataclass(slots=True)
class Runtime:
    settings: Settings
    llm: LLMBackend
    cache: BriefingCache
    briefings: BriefingService
    gate: Gate  # API keys and rate limit (service/store/access.py), on the cache's Redis client
    jobs: JobService  # batch jobs: their records, and the SAQ queue workers take articles from
    tenancy: Tenancy  # what each tenant sees of the shared briefings (service/tenancy.py)


def _extractor(settings: Settings, llm: LLMBackend) -> DraftExtractor:
    """The strategy settings choose (Settings.strategy), on the backend's clients."""
    if settings.strategy == "staged":
        return StagedExtractor(
            client=llm.structured,
            model=llm.model,
            system=prompts.load("staged"),
            question=prompts.load("staged-brief"),
            timeout_s=settings.llm_timeout_s,
            temperature=settings.llm_temperature,
            fill=settings.staged_fill,
        )
    prompt = prompts.load("extract")
    return SingleExtractor(
        client=llm.instructor,
        model=llm.model,
        prompt=with_choices(prompt) if settings.choices else prompt,
        choices=settings.choices,
        max_retries=settings.max_retries,
        timeout_s=settings.llm_timeout_s,
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens,
    )


def _fetcher(settings: Settings, redis: Redis) -> Fetcher | None:
    """The fetcher of `article.url` and feeds (FETCH_URLS), each fetch through the SSRF
    guard, revalidated from Redis."""
    if not settings.fetch_urls:
        return None
    return Fetcher(
        allow_hosts=frozenset(h.lower() for h in settings.fetch_allow_hosts),
        total_timeout_s=settings.fetch_timeout_s,
        max_bytes=settings.fetch_max_bytes,
        cache=RedisFetchCache(
            redis, ttl_s=settings.fetch_cache_ttl_s, prefix=f"{settings.cache_prefix}fetch:v1:"
        ),
    )


@contextlib.asynccontextmanager
async def open_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    redis = connect(settings.redis_url, cluster=settings.redis_cluster)
    gate = open_gate(settings, redis)
    memory = (
        MemoryLRU(settings.memory_cache_mb * 2**20, min(60.0, settings.cache_ttl_s))
        if settings.memory_cache_mb > 0
        else None
    )
    cache = BriefingCache(
        redis=redis, ttl_s=settings.cache_ttl_s, prefix=settings.cache_prefix, memory=memory
    )
    await cache.ping()  # logs a degraded start; the service answers either way
    await gate.keys.remember_configured()  # API_KEYS arm auth for later starts without them
    seen = SeenEntries(redis, ttl_s=settings.job_ttl_s, prefix=settings.cache_prefix)
    store = JobStore(redis, prefix=settings.cache_prefix, ttl_s=settings.job_ttl_s, seen=seen)
    queue = open_queue(settings, store)  # connects when first used
    llm = await open_backend(settings, redis)  # its calls share LLM_CONCURRENCY slots
    # The gazetteer (3 s of CPU on a slow core, +90 MB, once per process) loads before the
    # process serves: loaded beside the first requests instead, it held the GIL and their
    # verification waited on it, for tens of seconds on a busy 2-core machine (measured).
    await asyncio.to_thread(warm_gazetteer)
    # the rules read each article's parse and verification checks the headline's names
    # with it: spaCy's pipelines load once, before serving, for the same reason (1–7 s a
    # pipeline here, docs/quality.md)
    await asyncio.to_thread(preload_pipelines)
    tenancy = Tenancy(redis, prefix=settings.cache_prefix, ttl_s=settings.cache_ttl_s)
    fetcher = _fetcher(settings, redis)
    try:
        await queue.connect()
        jobs = JobService(
            store=store,
            queue=queue,
            cache=cache,
            max_articles=settings.max_job_articles,
            heartbeat_s=settings.job_heartbeat_s,
            attempts=settings.job_attempts,
            tenancy=tenancy,
            feeds=FeedReader(seen, fetcher),
        )
        extractor = _extractor(settings, llm)
        service = BriefingService(
            cache=cache,
            extractor=extractor,
            max_article_chars=settings.max_article_chars,
            chunk_chars=settings.chunk_chars,
            flights=RedisSingleFlight(
                redis, prefix=settings.cache_prefix, ttl_ms=int(settings.lock_ttl_s * 1000)
            ),
            fetcher=fetcher,
        )
        yield Runtime(
            settings=settings,
            llm=llm,
            cache=cache,
            briefings=service,
            gate=gate,
            jobs=jobs,
            tenancy=tenancy,
        )
    finally:
        if fetcher is not None:
            await fetcher.aclose()
        await llm.close()
        with contextlib.suppress(*REDIS_ERRORS):  # SAQ unsubscribes on the way out
            await queue.disconnect()
        await redis.aclose()
