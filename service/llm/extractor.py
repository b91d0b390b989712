"""One article in, one draft out: the only place that talks to the LLM.

Every attempt goes through instructor over the official openai client, so any
OpenAI-compatible backend works. Usage and attempts are counted with per-call hooks,
because the response only carries the last attempt's usage.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import openai
from instructor import AsyncInstructor
from instructor.core.exceptions import InstructorRetryException
from instructor.core.hooks import Hooks
from pydantic import ValidationError

from prompts import Prompt
from schemas import BriefingOptions, Usage
from service.errors import LLMBadOutput, LLMTimeout, LLMUnavailable
from service.grounding.evidence import ArticleText
from service.grounding.text import Sentence
from service.llm.draft import CONTEXT_ARTICLE, CONTEXT_LENIENT, Draft
from service.metrics import LLM_REASKS, LLM_SECONDS, LLM_TOKENS

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Extraction:
    draft: Draft
    attempts: int
    usage: Usage


@dataclass(slots=True)
class _CallStats:
    """Counts one request's attempts and tokens, and turns on leniency for the last try."""

    max_attempts: int
    context: dict[str, Any]
    attempts: int = 0
    usage: Usage = field(default_factory=Usage)

    def on_kwargs(self, *_: Any, **__: Any) -> None:
        self.attempts += 1
        self.context[CONTEXT_LENIENT] = self.attempts >= self.max_attempts

    def on_response(self, response: Any) -> None:
        usage = getattr(response, "usage", None)
        if usage is None:
            return
        self.usage = Usage(
            prompt_tokens=self.usage.prompt_tokens + (usage.prompt_tokens or 0),
            completion_tokens=self.usage.completion_tokens + (usage.completion_tokens or 0),
            total_tokens=self.usage.total_tokens + (usage.total_tokens or 0),
        )

    def record(self, outcome: str, seconds: float) -> None:
        """Export this extraction's time, tokens and re-asks to /metrics."""
        LLM_SECONDS.labels(outcome).observe(seconds)
        LLM_TOKENS.labels("prompt").inc(self.usage.prompt_tokens)
        LLM_TOKENS.labels("completion").inc(self.usage.completion_tokens)
        LLM_REASKS.inc(max(0, self.attempts - 1))

    def hooks(self) -> Hooks:
        hooks = Hooks()
        hooks.on("completion:kwargs", self.on_kwargs)
        hooks.on("completion:response", self.on_response)
        return hooks


def render_article(
    sentences: Sequence[Sentence], *, title: str | None, published: str | None
) -> str:
    """The article (or one chunk of it) as the model sees it: delimited, each sentence
    numbered with its article-wide id for citation."""
    lines = ["<article>"]
    if title:
        lines.append(f"Title: {title}")
    if published:
        lines.append(f"Published: {published}")
    lines.extend(f"[{s.id}] {s.text}" for s in sentences)
    lines.append("</article>")
    return "\n".join(lines)


@dataclass(slots=True)
class Extractor:
    client: AsyncInstructor
    model: str
    prompt: Prompt
    max_retries: int = 1
    timeout_s: float = 300.0
    temperature: float = 0.0
    max_tokens: int = 2048

    async def extract(
        self,
        article: ArticleText,
        options: BriefingOptions,
        *,
        title: str | None = None,
        published: str | None = None,
        sentences: Sequence[Sentence] | None = None,
    ) -> Extraction:
        """Draft for the article, or for `sentences` (one chunk) checked against the article."""
        context: dict[str, Any] = {CONTEXT_ARTICLE: article, CONTEXT_LENIENT: False}
        stats = _CallStats(max_attempts=self.max_retries + 1, context=context)
        messages: Sequence[dict[str, str]] = [
            {"role": "system", "content": self.prompt.render(**options.model_dump())},
            {
                "role": "user",
                "content": render_article(
                    article.sentences if sentences is None else sentences,
                    title=title,
                    published=published,
                ),
            },
        ]
        started = time.perf_counter()
        try:
            draft = await self._create(messages, context, stats)
        except BaseException as exc:
            stats.record(type(exc).__name__, time.perf_counter() - started)
            raise
        stats.record("ok", time.perf_counter() - started)
        return Extraction(draft=draft, attempts=stats.attempts, usage=stats.usage)

    async def _create(
        self, messages: Sequence[dict[str, str]], context: dict[str, Any], stats: _CallStats
    ) -> Draft:
        try:
            return await self.client.chat.completions.create(
                model=self.model,
                messages=list(messages),  # type: ignore[arg-type]
                response_model=Draft,
                max_retries=self.max_retries,
                context=context,
                hooks=stats.hooks(),
                temperature=self.temperature,
                max_tokens=self.max_tokens,
                timeout=self.timeout_s,
            )
        except openai.APIError as exc:
            raise _api_error(exc, self.timeout_s) from exc
        except (InstructorRetryException, ValidationError) as exc:
            if isinstance(cause := _root_cause(exc), openai.APIError):
                raise _api_error(cause, self.timeout_s) from exc
            raise LLMBadOutput(
                f"the model's output failed validation after {stats.attempts} attempt(s): "
                f"{_short(exc)}"
            ) from exc


def merge_extractions(parts: Sequence[Extraction]) -> Extraction:
    """One extraction from per-chunk ones: the lede's headline, everything else in order."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0].draft
    draft = Draft(
        headline=first.headline,
        summary=first.summary,
        key_points=[kp for p in parts for kp in p.draft.key_points],
        events=[ev for p in parts for ev in p.draft.events],
    )
    usage = Usage(
        prompt_tokens=sum(p.usage.prompt_tokens for p in parts),
        completion_tokens=sum(p.usage.completion_tokens for p in parts),
        total_tokens=sum(p.usage.total_tokens for p in parts),
    )
    return Extraction(draft=draft, attempts=sum(p.attempts for p in parts), usage=usage)


def _root_cause(exc: BaseException) -> BaseException:
    """instructor wraps transport errors in its retry exception; find the original."""
    seen: set[int] = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, openai.APIError):
            return exc
        nxt = exc.__cause__ or exc.__context__
        if nxt is None:
            break
        exc = nxt
    return exc


def _api_error(exc: openai.APIError, timeout_s: float) -> LLMUnavailable | LLMTimeout:
    if isinstance(exc, openai.APITimeoutError):  # a subclass of APIConnectionError
        return LLMTimeout(f"the LLM did not answer within {timeout_s:g} s")
    if isinstance(exc, openai.APIConnectionError):
        return LLMUnavailable("cannot reach the LLM backend")
    if not isinstance(exc, openai.APIStatusError):
        return LLMUnavailable(f"the LLM backend failed: {type(exc).__name__}")
    if exc.status_code in (408, 504):
        return LLMTimeout(f"the LLM backend timed out (HTTP {exc.status_code})")
    headers = (
        {"Retry-After": exc.response.headers["retry-after"]}
        if (exc.status_code == 429 and "retry-after" in exc.response.headers)
        else None
    )
    return LLMUnavailable(f"the LLM backend answered HTTP {exc.status_code}", headers=headers)


def _short(exc: BaseException, limit: int = 400) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
