"""One article in, one draft out: the only place that talks to the LLM.

Every attempt goes through instructor over the official openai client, so any
OpenAI-compatible backend works. Usage and attempts are counted with per-call hooks,
because the response only carries the last attempt's usage (a stream carries it in its last
chunk, and only when the backend honours `stream_options.include_usage`).
"""

from __future__ import annotations

import logging
import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import openai
from instructor import AsyncInstructor, response_schema
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from instructor.core.hooks import Hooks
from pydantic import ValidationError

from prompts import Prompt
from schemas import BriefingOptions, Dropped, Usage
from service.errors import LLMBadOutput, LLMTimeout, LLMUnavailable
from service.grounding.draft import CONTEXT_ARTICLE, CONTEXT_LENIENT, Draft
from service.grounding.evidence import ArticleText
from service.grounding.text import Sentence
from service.llm._partial import DraftSketch, reask_messages, sketch_fields, sketch_json, tap_usage
from service.llm._retry import retry_after_s
from service.llm.choices import article_choices, closed_schema, sending
from service.llm.slots import SlotTimeout

# Instructor wraps a plain model in a new class on every call (`response_schema`), so its
# schema cache never hits and each call rebuilt a pydantic class and Draft's JSON schema:
# ~10 ms of CPU per call, a quarter of a miss (BENCHMARKS.md). Wrapped once here, they are
# passed as they are; the wrapper subclasses the model, so the results are still Drafts.
_DRAFT = response_schema(Draft)
_SKETCH = response_schema(DraftSketch)

log = logging.getLogger(__name__)


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
    out. Two strategies implement it: `Extractor` (one call) and `StagedExtractor`."""

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


@dataclass(slots=True)
class Extractor(DraftExtractor):
    client: AsyncInstructor
    model: str
    prompt: Prompt
    max_retries: int = 1
    timeout_s: float = 300.0
    temperature: float = 0.0
    max_tokens: int = 2048
    choices: bool = False  # article-bound enums in the schema (service/llm/choices.py)

    chunked = True  # one call per chunk of a long article (BriefingService splits it)

    def _messages(
        self,
        article: ArticleText,
        options: BriefingOptions,
        title: str | None,
        published: str | None,
        sentences: Sequence[Sentence] | None,
    ) -> list[dict[str, Any]]:
        article_text = render_article(
            article.sentences if sentences is None else sentences, title=title, published=published
        )
        return [
            {"role": "system", "content": self.prompt.render(**options.model_dump())},
            {"role": "user", "content": article_text},
        ]

    async def extract(
        self,
        article: ArticleText,
        options: BriefingOptions,
        *,
        title: str | None = None,
        published: str | None = None,
        sentences: Sequence[Sentence] | None = None,
        resume: Resume | None = None,
    ) -> Extraction:
        """Draft for the article, or for `sentences` (one chunk) checked against the article.

        With `resume`, the exchange continues after earlier attempts: their messages are
        sent, they count against the re-ask budget, and their usage is included.
        """
        prior = resume or Resume()
        context: dict[str, Any] = {CONTEXT_ARTICLE: article, CONTEXT_LENIENT: False}
        stats = _CallStats(
            max_attempts=self.max_retries + 1,
            context=context,
            attempts=prior.attempts,
            usage=prior.usage,
        )
        messages = self._messages(article, options, title, published, sentences)
        messages = jinja_literal([*messages, *prior.history])
        try:
            draft = await self.client.chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                response_model=self._response_model(article, sketch=False),
                max_retries=self.max_retries - prior.attempts,
                context=context,
                hooks=stats.hooks(),
                temperature=self.temperature,
                max_tokens=self.max_tokens,
                timeout=self.timeout_s,
            )
        except openai.APIError as exc:
            raise _api_error(exc, self.timeout_s) from exc
        except (InstructorRetryException, IncompleteOutputException, ValidationError) as exc:
            raise self._failure(exc, stats.attempts) from exc
        return Extraction(draft=draft, attempts=stats.attempts, usage=stats.usage)

    async def stream(
        self,
        article: ArticleText,
        options: BriefingOptions,
        on_partial: Callable[[dict[str, Any]], None],
        *,
        title: str | None = None,
        published: str | None = None,
        sentences: Sequence[Sentence] | None = None,
    ) -> Extraction:
        """`extract`, streamed: `on_partial` gets the draft as written so far, unchecked.

        The finished answer is validated against `Draft` with the context `extract` uses
        (lenient when no re-ask is allowed). If it fails and a re-ask is allowed, the
        correction instructor would send goes through `extract`, not streamed: the partials
        already shown are superseded, and the result counts every attempt and token.
        """
        context: dict[str, Any] = {CONTEXT_ARTICLE: article, CONTEXT_LENIENT: False}
        stats = _CallStats(max_attempts=self.max_retries + 1, context=context)
        messages = jinja_literal(self._messages(article, options, title, published, sentences))
        sketch: DraftSketch | None = None
        try:
            partials = self.client.chat.completions.create_partial(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                response_model=self._response_model(article, sketch=True),
                max_retries=0,
                # Unused by the sketch, but instructor treats messages differently with a
                # context (it renders them as templates): the same request as `extract`.
                context=context,
                hooks=stats.hooks(),
                temperature=self.temperature,
                max_tokens=self.max_tokens,
                timeout=self.timeout_s,
                stream_options={"include_usage": True},
            )
            async for sketch in partials:
                on_partial(sketch_fields(sketch))
            if sketch is None:
                raise ValueError("the model returned no draft")
            draft = Draft.model_validate_json(sketch_json(sketch), context=context, strict=True)
        except openai.APIError as exc:
            raise _api_error(exc, self.timeout_s) from exc
        except (InstructorRetryException, IncompleteOutputException, ValueError) as exc:
            if isinstance(_root_cause(exc), openai.APIError) or self.max_retries == 0:
                raise self._failure(exc, stats.attempts) from exc
            history = reask_messages(self.client, messages, sketch_json(sketch), exc)
            resume = Resume(history=history, attempts=stats.attempts, usage=stats.usage)
            return await self.extract(
                article,
                options,
                title=title,
                published=published,
                sentences=sentences,
                resume=resume,
            )
        return Extraction(draft=draft, attempts=stats.attempts, usage=stats.usage)

    def _response_model(self, article: ArticleText, *, sketch: bool) -> Any:
        """Draft (or the streaming sketch), sending the article's closed schema when
        `choices` is on; otherwise the open one, wrapped once for every call."""
        if not self.choices:
            return _SKETCH if sketch else _DRAFT
        return sending(DraftSketch if sketch else Draft, closed_schema(article_choices(article)))

    def _failure(self, exc: Exception, attempts: int) -> LLMUnavailable | LLMTimeout | LLMBadOutput:
        if isinstance(api_error := _root_cause(exc), openai.APIError):
            return _api_error(api_error, self.timeout_s)
        cause = _reason(exc)
        if isinstance(cause, IncompleteOutputException):
            return LLMBadOutput(
                f"the model's answer was cut off at the {self.max_tokens}-token limit "
                f"(LLM_MAX_TOKENS) after {attempts} attempt(s)"
            )
        if isinstance(cause, ValidationError):
            return LLMBadOutput(
                f"the model's output failed validation after {attempts} attempt(s): "
                + _short(_errors(cause))
            )
        # Not an answer to validate: no tool call in it, a body that is not a chat completion
        # (instructor's ResponseParsingError, the JSON parser's error), or what instructor
        # raised on meeting one. Still the backend's doing, so a 502, saying which it was.
        return LLMBadOutput(
            f"the LLM backend's answer could not be read after {attempts} attempt(s): "
            f"{type(cause).__name__}: {_short(cause)}"
        )


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


def _reason(exc: BaseException) -> BaseException:
    """The failure to report: the last answer's parse error when there was one (after it,
    instructor may trip over its own re-ask and raise that instead), else what instructor
    gave up on."""
    if isinstance(exc, InstructorRetryException):
        if exc.failed_attempts:
            return exc.failed_attempts[-1].exception
        if exc.__cause__ is not None:
            return exc.__cause__
    return exc


def _api_error(exc: openai.APIError, timeout_s: float) -> LLMUnavailable | LLMTimeout:
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


def _errors(exc: ValidationError, limit: int = 5) -> str:
    """`headline: Input should be a valid string; summary: Field required`, not pydantic's
    multi-line report with its input values and documentation links."""
    errors = exc.errors(include_url=False, include_input=False)
    parts = [
        f"{'.'.join(map(str, e['loc']))}: {e['msg']}" if e["loc"] else e["msg"]
        for e in errors[:limit]
    ]
    more = f" (and {len(errors) - limit} more)" if len(errors) > limit else ""
    return "; ".join(parts) + more


def _short(what: BaseException | str, limit: int = 400) -> str:
    text = " ".join(str(what).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
