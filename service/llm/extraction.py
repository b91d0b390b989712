"""What every extraction strategy shares: its result, its interface, and how it talks.

A strategy turns an article (or one chunk of it) into a `Draft` through instructor over the
official openai client, so any OpenAI-compatible backend works. What is common to all of them
lives here: the `Extraction` they return, the `DraftExtractor` interface BriefingService
calls, the article as the model sees it, the count of attempts and tokens, and the mapping of
a failed call to the problem the client gets. The strategies themselves are `single.py` and
`staged.py`.

Usage and attempts are counted with per-call hooks, because the response only carries the
last attempt's usage (a stream carries it in its last chunk, and only when the backend
honours `stream_options.include_usage`).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import openai
from instructor.core.hooks import Hooks

from prompts import Prompt
from schemas import BriefingOptions, Dropped, Usage
from service.errors import LLMTimeout, LLMUnavailable
from service.grounding.draft import CONTEXT_LENIENT, Draft
from service.grounding.evidence import ArticleText
from service.grounding.text import Sentence
from service.llm._partial import tap_usage
from service.llm._retry import retry_after_s
from service.llm.slots import SlotTimeout


@dataclass(slots=True)
class Extraction:
    draft: Draft
    attempts: int
    usage: Usage
    notes: tuple[Dropped, ...] = ()  # what the strategy left out on purpose, and why


def sum_usage(*usages: Any) -> Usage:
    """Token counts added up (an openai usage object or ours; missing counts are 0)."""
    return Usage(
        prompt_tokens=sum(u.prompt_tokens or 0 for u in usages),
        completion_tokens=sum(u.completion_tokens or 0 for u in usages),
        total_tokens=sum(u.total_tokens or 0 for u in usages),
    )


@dataclass(frozen=True, slots=True)
class Resume:
    """Earlier attempts of one extraction (a streamed one): the re-ask that follows them,
    how many there were and what they cost."""

    history: Sequence[dict[str, Any]] = ()
    attempts: int = 0
    usage: Usage = field(default_factory=Usage)


@dataclass(slots=True)
class CallStats:
    """Counts one request's attempts and tokens, and turns on leniency for the last try."""

    max_attempts: int
    context: dict[str, Any]
    attempts: int = 0
    usage: Usage = field(default_factory=Usage)

    def on_kwargs(self, *_: Any, **__: Any) -> None:
        self.attempts += 1
        self.context[CONTEXT_LENIENT] = self.attempts >= self.max_attempts

    def on_response(self, response: Any) -> None:
        if tap_usage(response, self.add):  # a stream: its usage comes with its last chunk
            return
        if (usage := getattr(response, "usage", None)) is not None:
            self.add(usage)

    def add(self, usage: Any) -> None:
        self.usage = sum_usage(self.usage, usage)

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


class DraftExtractor(ABC):
    """What BriefingService drafts with: an article (or one chunk of it) in, an Extraction
    out. Two strategies implement it, named after the values of
    `EXTRACTION`:
    `SingleExtractor` (service/llm/single.py) and `StagedExtractor` (service/llm/staged.py)."""

    strategy: ClassVar[str]  # the setting's value that selects it
    model: str
    prompt: Prompt  # its version and hash are part of every cache key
    chunked: bool  # whether BriefingService should call it once per chunk of a long article

    @abstractmethod
    async def extract(
        self,
        article: ArticleText,
        options: BriefingOptions,
        *,
        title: str | None = None,
        published: str | None = None,
        sentences: Sequence[Sentence] | None = None,
        resume: Resume | None = None,
    ) -> Extraction: ...

    @abstractmethod
    async def stream(
        self,
        article: ArticleText,
        options: BriefingOptions,
        on_partial: Callable[[dict[str, Any]], None],
        *,
        title: str | None = None,
        published: str | None = None,
        sentences: Sequence[Sentence] | None = None,
    ) -> Extraction: ...


def jinja_literal(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Messages whose text survives instructor's templating unchanged.

    Passing a validation `context` makes instructor render every message as a Jinja
    template, so an article saying `{{ 7*7 }}` would reach the model as `49`, and `{% x`
    would fail the request. Article text is data: every `{` is written as a Jinja
    expression that renders `{`, so no template syntax can start.
    """
    return [
        {**m, "content": m["content"].replace("{", "{{ '{' }}")}
        if isinstance(m.get("content"), str)
        else m
        for m in messages
    ]


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
    usage = sum_usage(*(p.usage for p in parts))
    return Extraction(draft=draft, attempts=sum(p.attempts for p in parts), usage=usage)


def root_cause(exc: BaseException) -> BaseException:
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


def api_error(exc: openai.APIError, timeout_s: float) -> LLMUnavailable | LLMTimeout:
    """The problem a failed call is reported as: a 504 when it timed out (here or at the
    backend, or waiting for a slot), else a 503 passing on the backend's Retry-After."""
    if isinstance(exc, SlotTimeout):  # the backend was busy with our other calls
        return LLMTimeout(exc.message)
    if isinstance(exc, openai.APITimeoutError):  # a subclass of APIConnectionError
        return LLMTimeout(f"the LLM did not answer within {timeout_s:g} s")
    if isinstance(exc, openai.APIConnectionError):
        return LLMUnavailable("cannot reach the LLM backend")
    if not isinstance(exc, openai.APIStatusError):
        return LLMUnavailable(f"the LLM backend failed: {type(exc).__name__}")
    if exc.status_code in (408, 504):
        return LLMTimeout(f"the LLM backend timed out (HTTP {exc.status_code})")
    return LLMUnavailable(
        f"the LLM backend answered HTTP {exc.status_code}", headers=_retry_after(exc)
    )


def _retry_after(exc: openai.APIStatusError) -> dict[str, str] | None:
    """The backend's own Retry-After on a 429 or 503, passed on in whole seconds (the only
    form clients must understand) however the backend wrote it; we did not wait for it
    (service/llm/_retry.py says when we do)."""
    if exc.status_code not in (429, 503):
        return None
    seconds = retry_after_s(exc.response.headers)
    return None if seconds is None else {"Retry-After": str(math.ceil(max(0.0, seconds)))}
