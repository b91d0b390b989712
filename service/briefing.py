"""The one path a briefing takes: cache, or LLM → verify → cache.

Nothing here knows about HTTP. The service receives its collaborators (cache, extractor)
ready-made, so tests and the CLI build it the same way the app does.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from schemas import (
    SCHEMA_VERSION,
    BriefingRequest,
    BriefingResponse,
    LinkArticle,
    Meta,
    Usage,
)
from service.errors import ArticleTooLarge
from service.flight import KEEPALIVE_S, THROTTLE_S, BriefingStream, DraftFeed, Flight
from service.grounding.chunks import chunk_sentences
from service.grounding.draft import draft_schema_hash
from service.grounding.evidence import ArticleText
from service.grounding.text import Sentence, split_sentences
from service.grounding.verify import verify
from service.ingest.fetch import Fetcher
from service.ingest.prepare import prepare, reported, text_of
from service.llm.extraction import DraftExtractor, Extraction, merge_extractions
from service.metrics import CACHE, observe_dropped, observe_llm
from service.store.cache import BriefingCache, cache_key
from service.store.memory import MemoryLRU
from service.store.singleflight import RedisSingleFlight


@dataclass(frozen=True, slots=True)
class Outcome:
    briefing_id: str
    payload: bytes
    cached: bool


@dataclass(slots=True)
class BriefingService:
    cache: BriefingCache
    extractor: DraftExtractor
    max_article_chars: int = 100_000
    chunk_chars: int = 16_000
    stream_throttle_s: float = THROTTLE_S
    stream_keepalive_s: float = KEEPALIVE_S
    flights: RedisSingleFlight | None = None  # across processes; None: this process only
    fetcher: Fetcher | None = None  # fetches `article.url` (FETCH_URLS=1); None: refused
    _inflight: dict[str, Flight] = field(default_factory=dict)
    # request body digest → briefing id, for `recall`; ids are 64 bytes, so ~16k bodies per MB
    _seen: MemoryLRU = field(default_factory=lambda: MemoryLRU(2**20, float("inf")))

    @property
    def model(self) -> str:
        return self.extractor.model

    @property
    def prompt_version(self) -> str:
        return self.extractor.prompt.version

    def key(self, request: BriefingRequest) -> str:
        """Exact article text (offsets index into it), tidied metadata, and every version."""
        a = text_of(request)
        article = {
            "text": a.text,
            "title": (a.title or "").strip(),
            "url": (a.url or "").strip(),
            "source": (a.source or "").strip(),
            "published_at": a.published_at.isoformat() if a.published_at else "",
            "language": (a.language or "").strip().lower(),
            "author": (a.author or "").strip(),
        }
        return cache_key(
            article=article,
            options=request.options.model_dump(mode="json"),
            model=self.model,
            prompt=self.prompt_version,
            prompt_sha=self.extractor.prompt.sha256[:12],
            draft_schema=draft_schema_hash(),
            schema=SCHEMA_VERSION,
        )

    async def recall(self, body: bytes) -> Outcome | None:
        """The cached briefing for request bytes that `brief` has keyed before, else None.

        A hot hit spends most of its time parsing and validating the body and hashing the
        result into the key (BENCHMARKS.md). The key is a pure function of the validated
        body and this process's fixed versions, so the same bytes always give the same key:
        remembering it skips all three. Bytes never seen, or whose briefing is no longer
        cached, return None and take the ordinary path, validation included.
        """
        known = self._seen.get(self._digest(body))
        if known is None:
            return None
        briefing_id = known.decode()
        if (stored := await self.cache.get(briefing_id)) is None:
            return None
        CACHE.labels("hit").inc()
        return Outcome(briefing_id, stored, cached=True)

    async def brief(
        self, request: BriefingRequest, *, use_cache: bool = True, body: bytes | None = None
    ) -> Outcome:
        """The briefing for a request; `use_cache=False` recomputes (the result is still stored).

        An `html` or `url` article is read into text first (service/ingest/prepare.py): the
        key, the cache and the response are the text's and the metadata used.

        `body`, the raw bytes `request` was parsed from, lets `recall` find the key later.
        """
        fetched = isinstance(request.article, LinkArticle)
        request = await prepare(request, self.fetcher)
        briefing_id = self._admit(request)
        if body is not None and not fetched:  # a page fetched again may have changed
            self._seen.put(self._digest(body), briefing_id.encode())
        if use_cache and (stored := await self.cache.get(briefing_id)) is not None:
            CACHE.labels("hit").inc()
            return Outcome(briefing_id, stored, cached=True)
        flight = self._join(briefing_id, request, stream=False)
        payload = await asyncio.shield(flight.task)
        return Outcome(briefing_id, payload, cached=False)

    async def open_stream(self, request: BriefingRequest) -> BriefingStream:
        """`brief` as server-sent events (see service/flight.py for the frames).

        Checked and keyed here, before any frame, so a rejected request is an ordinary
        error response. A hit is one `briefing` frame. A miss joins the computation in
        progress for the same key if there is one: a streamed one shares its drafts, a
        non-streamed one has none to share and the stream carries only its result.
        Otherwise it starts a streamed computation, which a later `brief` joins in turn.
        """
        request = await prepare(request, self.fetcher)
        briefing_id = self._admit(request)
        if (stored := await self.cache.get(briefing_id)) is not None:
            CACHE.labels("hit").inc()
            return BriefingStream(briefing_id, payload=stored)
        return BriefingStream(
            briefing_id,
            flight=self._join(briefing_id, request, stream=True),
            throttle_s=self.stream_throttle_s,
            keepalive_s=self.stream_keepalive_s,
        )

    def _digest(self, body: bytes) -> str:
        """The body's hash, with the versions the key holds that could change under a process
        (tests swap the prompt), so a remembered key is never one of another prompt or model."""
        digest = hashlib.sha256(body)
        prompt = self.extractor.prompt
        digest.update(f"\0{self.model}\0{prompt.version}\0{prompt.sha256}".encode())
        return digest.hexdigest()

    def _admit(self, request: BriefingRequest) -> str:
        text = text_of(request).text
        if len(text) > self.max_article_chars:
            raise ArticleTooLarge(
                f"article.text has {len(text):,} characters; "
                f"the limit is {self.max_article_chars:,}"
            )
        return self.key(request)

    def _join(self, briefing_id: str, request: BriefingRequest, *, stream: bool) -> Flight:
        """The computation for this key: the one in progress, whoever started it, or a new one.

        It outlives any one caller: if the client that started it goes away, the others
        waiting on the same key still get their answer, and the result is still cached.
        """
        flight = self._inflight.get(briefing_id)
        CACHE.labels("joined" if flight else "miss").inc()
        if flight is None:
            feed = DraftFeed()
            task = asyncio.create_task(
                self._compute_once(briefing_id, request, feed if stream else None)
            )
            flight = Flight(task, feed)
            self._inflight[briefing_id] = flight
            task.add_done_callback(functools.partial(self._landed, briefing_id))
        return flight

    def _landed(self, briefing_id: str, task: asyncio.Task[bytes]) -> None:
        if (flight := self._inflight.pop(briefing_id, None)) is not None:
            flight.feed.close()
        if not task.cancelled():
            task.exception()  # retrieved: every caller may have gone; each one still sees it

    async def get(self, briefing_id: str) -> bytes | None:
        """A stored briefing by id; raises StoreUnavailable (503) when Redis cannot say."""
        return await self.cache.get(briefing_id, strict=True)

    async def article(self, briefing_id: str) -> bytes | None:
        """The article (its JSON) a stored briefing was made from, for the analyst page."""
        return await self.cache.get_article(briefing_id)

    async def _compute_once(
        self, briefing_id: str, request: BriefingRequest, feed: DraftFeed | None
    ) -> bytes:
        """`_compute`, or, when another process holds the key's lock, its cached result."""
        if self.flights is None:
            return await self._compute(briefing_id, request, feed)
        return await self.flights.run(
            briefing_id, lambda: self._compute(briefing_id, request, feed), self.cache.get
        )

    async def _extract(
        self,
        text: ArticleText,
        request: BriefingRequest,
        published: date | None,
        feed: DraftFeed | None,
    ) -> Extraction:
        """One call per chunk, in order; a short article is one chunk.

        The merged draft takes its headline and summary from the first chunk (a news story
        puts its gist first) and every chunk's key points and events; verification then
        merges the events the overlap or the story's repetitions produced. With a `feed`,
        each chunk's call is streamed and its partial drafts published as chunk `i`.
        """
        if self.extractor.chunked:
            chunks = chunk_sentences(text.sentences, text.text, self.chunk_chars) or [[]]
        else:
            chunks = [list(text.sentences)]
        started = time.perf_counter()
        try:
            extraction = await self._extract_chunks(text, request, published, feed, chunks)
        except BaseException as exc:
            observe_llm(type(exc).__name__, time.perf_counter() - started, Usage(), 0, 0)
            raise
        seconds = time.perf_counter() - started
        observe_llm("ok", seconds, extraction.usage, extraction.attempts, len(chunks))
        return extraction

    async def _extract_chunks(
        self,
        text: ArticleText,
        request: BriefingRequest,
        published: date | None,
        feed: DraftFeed | None,
        chunks: list[list[Sentence]],
    ) -> Extraction:
        parts = []
        for i, chunk in enumerate(chunks):
            about: dict[str, Any] = {
                "title": request.article.title,
                "published": published.isoformat() if published else None,
                "sentences": chunk,
            }
            parts.append(
                await self.extractor.extract(text, request.options, **about)
                if feed is None
                else await self.extractor.stream(text, request.options, feed.publisher(i), **about)
            )
        return merge_extractions(parts)

    async def _compute(
        self, briefing_id: str, request: BriefingRequest, feed: DraftFeed | None = None
    ) -> bytes:
        started = time.perf_counter()
        article = text_of(request)
        # One per request: the draft's validators (through the validation context, on every
        # attempt and chunk) and verification share it, so the article is normalised once
        # (tests/api/test_single_pass.py).
        text = ArticleText(
            article.text, split_sentences(article.text), article.language, url=article.url
        )
        published = article.published_date()
        extraction = await self._extract(text, request, published, feed)
        verified = verify(
            extraction.draft,
            text,
            published=published,
            options=request.options,
            title=article.title,
        )
        observe_dropped(verified.dropped)
        response = BriefingResponse(
            id=briefing_id,
            briefing=verified.briefing,
            events=verified.events,
            quotes=verified.quotes,
            article=reported(article),
            meta=Meta(
                model=self.model,
                prompt_version=self.prompt_version,
                cached=False,
                attempts=extraction.attempts,
                usage=extraction.usage,
                dropped=[*extraction.notes, *verified.dropped],
                latency_ms=round((time.perf_counter() - started) * 1000, 1),
                computed_at=datetime.now(UTC),
            ),
        )
        stored = response.model_copy(
            update={"meta": response.meta.model_copy(update={"cached": True})}
        )
        # The article first: a page that finds the briefing finds its text (same TTL).
        await self.cache.put_both(
            briefing_id, article.model_dump_json().encode(), stored.model_dump_json().encode()
        )
        return response.model_dump_json().encode()
