"""The one path a briefing takes: cache, or LLM → verify → cache.

Nothing here knows about HTTP. The service receives its collaborators (cache, extractor)
ready-made, so tests and the CLI build it the same way the app does.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from schemas import SCHEMA_VERSION, BriefingRequest, BriefingResponse, Meta
from service.cache import BriefingCache, cache_key
from service.errors import ArticleTooLarge
from service.grounding.chunks import chunk_sentences
from service.grounding.evidence import ArticleText
from service.grounding.text import split_sentences
from service.grounding.verify import verify
from service.llm.draft import draft_schema_hash
from service.llm.extractor import Extraction, Extractor, merge_extractions
from service.metrics import CACHE, DROPPED

_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True, slots=True)
class Outcome:
    briefing_id: str
    payload: bytes
    cached: bool


@dataclass(slots=True)
class BriefingService:
    cache: BriefingCache
    extractor: Extractor
    max_article_chars: int = 100_000
    chunk_chars: int = 16_000
    _inflight: dict[str, asyncio.Task[bytes]] = field(default_factory=dict)

    @property
    def model(self) -> str:
        return self.extractor.model

    @property
    def prompt_version(self) -> str:
        return self.extractor.prompt.version

    def key(self, request: BriefingRequest) -> str:
        """Exact article text (offsets index into it), tidied metadata, and every version."""
        a = request.article
        article = {
            "text": a.text,
            "title": (a.title or "").strip(),
            "url": (a.url or "").strip(),
            "source": (a.source or "").strip(),
            "published_at": a.published_at.isoformat() if a.published_at else "",
            "language": (a.language or "").strip().lower(),
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

    async def brief(self, request: BriefingRequest, *, use_cache: bool = True) -> Outcome:
        """The briefing for a request; `use_cache=False` recomputes (the result is still stored)."""
        if len(request.article.text) > self.max_article_chars:
            raise ArticleTooLarge(
                f"article.text has {len(request.article.text):,} characters; "
                f"the limit is {self.max_article_chars:,}"
            )
        briefing_id = self.key(request)
        if use_cache and (stored := await self.cache.get(briefing_id)) is not None:
            CACHE.labels("hit").inc()
            return Outcome(briefing_id, stored, cached=True)
        task = self._inflight.get(briefing_id)
        CACHE.labels("joined" if task else "miss").inc()
        if task is None:
            # The computation outlives any one caller: if the client that started it goes
            # away, the others waiting on the same key still get their answer.
            task = asyncio.create_task(self._compute(briefing_id, request))
            self._inflight[briefing_id] = task
            task.add_done_callback(lambda _: self._inflight.pop(briefing_id, None))
        payload = await asyncio.shield(task)
        return Outcome(briefing_id, payload, cached=False)

    async def get(self, briefing_id: str) -> bytes | None:
        return await self.cache.get(briefing_id)

    async def _extract(
        self, text: ArticleText, request: BriefingRequest, published: date | None
    ) -> Extraction:
        """One call per chunk, in order; a short article is one chunk.

        The merged draft takes its headline and summary from the first chunk (a news story
        puts its gist first) and every chunk's key points and events; verification then
        merges the events the overlap or the story's repetitions produced.
        """
        chunks = chunk_sentences(text.sentences, text.text, self.chunk_chars)
        parts = [
            await self.extractor.extract(
                text,
                request.options,
                title=request.article.title,
                published=published.isoformat() if published else None,
                sentences=chunk,
            )
            for chunk in chunks or [[]]
        ]
        return merge_extractions(parts)

    async def _compute(self, briefing_id: str, request: BriefingRequest) -> bytes:
        started = time.perf_counter()
        article = request.article
        text = ArticleText(article.text, split_sentences(article.text))
        published = article.published_date()
        extraction = await self._extract(text, request, published)
        verified = verify(
            extraction.draft,
            text,
            published=published,
            options=request.options,
            title=article.title,
        )
        for item in verified.dropped:  # `events[3].date` → `events.date`: bounded label values
            DROPPED.labels(_INDEX.sub("", item.what), item.reason).inc()
        response = BriefingResponse(
            id=briefing_id,
            briefing=verified.briefing,
            events=verified.events,
            meta=Meta(
                model=self.model,
                prompt_version=self.prompt_version,
                cached=False,
                attempts=extraction.attempts,
                usage=extraction.usage,
                dropped=verified.dropped,
                latency_ms=round((time.perf_counter() - started) * 1000, 1),
                computed_at=datetime.now(UTC),
            ),
        )
        stored = response.model_copy(
            update={"meta": response.meta.model_copy(update={"cached": True})}
        )
        await self.cache.put(briefing_id, stored.model_dump_json().encode())
        return response.model_dump_json().encode()
