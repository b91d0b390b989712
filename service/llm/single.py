"""The `single` strategy: one instructor call drafts the whole briefing.

The model writes the headline, the summary, the key points and the events, each citing
sentence ids; instructor validates the answer against `Draft` with the article as context and
re-asks up to `LLM_MAX_RETRIES` times. Meant for capable remote models: the embedded ones
cannot find events this way (service/llm/staged.py says why).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import openai
from instructor import AsyncInstructor, response_schema
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from pydantic import ValidationError

from prompts import Prompt
from schemas import BriefingOptions
from service.errors import LLMBadOutput, LLMTimeout, LLMUnavailable
from service.grounding.draft import CONTEXT_ARTICLE, CONTEXT_LENIENT, Draft
from service.grounding.evidence import ArticleText
from service.grounding.text import Sentence
from service.llm._partial import DraftSketch, reask_messages, sketch_fields, sketch_json
from service.llm.choices import article_choices, closed_schema, sending
from service.llm.extraction import (
    CallStats,
    DraftExtractor,
    Extraction,
    Resume,
    api_error,
    jinja_literal,
    render_article,
    root_cause,
)

# Instructor wraps a plain model in a new class on every call (`response_schema`), so its
# schema cache never hits and each call rebuilt a pydantic class and Draft's JSON schema:
# ~10 ms of CPU per call, a quarter of a miss (BENCHMARKS.md). Wrapped once here, they are
# passed as they are; the wrapper subclasses the model, so the results are still Drafts.
_DRAFT = response_schema(Draft)
_SKETCH = response_schema(DraftSketch)


@dataclass(slots=True)
class SingleExtractor(DraftExtractor):
    client: AsyncInstructor
    model: str
    prompt: Prompt
    max_retries: int = 1
    timeout_s: float = 300.0
    temperature: float = 0.0
    max_tokens: int = 2048
    choices: bool = False  # article-bound enums in the schema (service/llm/choices.py)

    strategy = "single"
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
        stats = CallStats(
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
            raise api_error(exc, self.timeout_s) from exc
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
        stats = CallStats(max_attempts=self.max_retries + 1, context=context)
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
            raise api_error(exc, self.timeout_s) from exc
        except (InstructorRetryException, IncompleteOutputException, ValueError) as exc:
            if isinstance(root_cause(exc), openai.APIError) or self.max_retries == 0:
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
        if isinstance(failed := root_cause(exc), openai.APIError):
            return api_error(failed, self.timeout_s)
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
