"""Staged extraction: code finds and fills the events, the model writes the briefing's words.

The embedded models cannot find events: asked to type each sentence of the seed, the 0.5B
and 1.5B models answered "statement" every time (docs/quality.md, "Measured facts"), and
asked for a whole draft at once they cited ids that do not exist and invented dates and
actors (seeds/EVAL.md, runs A and B). What they can do is write a headline and a summary. So
the stages are:

1. *detect and fill* (code, service/grounding/candidates.py): trigger words find the
   sentences that report dated events, and each slot is taken from what those sentences
   write: the date phrase, the place, the initiator, the source, the numbers;
2. *brief* (one short LLM call): a headline and a summary, nothing else. Key points are the
   events' own sentences, so they cite the evidence they restate.

An optional *fill* stage (`STAGED_FILL`, service/llm/_fill.py) lets the model pick each
event's initiator among the names its sentences hold; measured worse than the rules with the
embedded models (seeds/EVAL.md, run G), it is off by default.

The brief's request puts the system prompt and the numbered article first and the question
last, so a llama.cpp server reuses the article's evaluated prefix for any later call about
the same article. It asks for JSON under a schema (`response_format`), not for a tool call:
llama.cpp's chat template writes tools into the system turn, before the article.

A brief the model botches (invalid JSON, cut off) costs the briefing nothing: verification
replaces an empty headline or summary from verified material and says so. A backend that is
down or too slow is still an error, as in the single-call strategy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import openai
from instructor import AsyncInstructor, response_schema
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel, ValidationError

from prompts import Prompt
from schemas import BriefingOptions, Dropped
from service.grounding.candidates import RULES_VERSION, Candidate, find_candidates
from service.grounding.draft import Draft, DraftEvent, DraftKeyPoint
from service.grounding.evidence import ArticleText
from service.grounding.text import Sentence
from service.llm._fill import pick_initiators
from service.llm.extraction import (
    CallStats,
    DraftExtractor,
    Extraction,
    Resume,
    api_error,
    render_article,
    root_cause,
)
from service.nlp import EXTRACTED_LANGUAGES

log = logging.getLogger(__name__)


class DraftBrief(BaseModel):
    """The briefing's words for an analyst: a headline and a short summary."""

    headline: str = ""
    summary: str = ""

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Two required strings and nothing else: every schema token is grammar to check."""
        strings = {"type": "string"}
        return {
            "type": "object",
            "properties": {"headline": strings, "summary": strings},
            "required": ["headline", "summary"],
        }


_BRIEF = response_schema(DraftBrief)


def draft_event(candidate: Candidate) -> DraftEvent:
    """A code-found event as a draft: what verification checks like any model's answer."""
    actors = [{"name": candidate.initiator, "role": "initiator"}] if candidate.initiator else []
    return DraftEvent.model_validate(
        {
            "evidence": candidate.sentence_ids,
            "type": candidate.type,
            "summary": candidate.summary,
            "actors": actors,
            "location": candidate.place,
            "when": candidate.when,
            "quantities": [{"value": v, "unit": u} for v, u in candidate.quantities],
            "killed": candidate.killed,
            "injured": candidate.injured,
            "source": candidate.source,
            "anchor": candidate.anchor,
        }
    )


def staged_prompt(system: Prompt, question: Prompt, brief_chars: int, fill: bool) -> Prompt:
    """One versioned text for the cache key and `meta.prompt_version`: both prompts, the
    rules' version and how much article the model reads, so a change to any of them is a
    new briefing."""
    return Prompt(
        name="staged",
        version=f"{system.version}+{question.version}+rules-v{RULES_VERSION}"
        + ("+fill" if fill else ""),
        text=f"{system.text}\n{question.text}\nrules {RULES_VERSION}\nbrief {brief_chars}\n"
        + ("fill initiator\n" if fill else ""),
    )


@dataclass(slots=True)
class StagedExtractor(DraftExtractor):
    client: AsyncInstructor  # in a JSON-schema mode: the question goes after the article
    model: str
    system: Prompt
    question: Prompt
    timeout_s: float = 300.0
    temperature: float = 0.0
    brief_max_tokens: int = 200
    brief_chars: int = 2_000  # the lede and what follows it: what a headline is written from
    fill: bool = False  # the model picks initiators among the names near each event (_fill.py)
    prompt: Prompt = field(init=False)

    strategy = "staged"
    chunked = False  # it reads the whole article at once; BriefingService does not chunk it

    def __post_init__(self) -> None:
        self.prompt = staged_prompt(self.system, self.question, self.brief_chars, self.fill)

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
        stats = CallStats(max_attempts=1, context={})
        events = await self._events(article, title, published, stats)
        brief = await self._brief(article, title, published, stats)
        return Extraction(
            draft=_draft(brief, events, options),
            attempts=stats.attempts,
            usage=stats.usage,
            notes=language_notes(article),
        )

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
        """The events as soon as code has them (before any LLM call), then the briefing."""
        stats = CallStats(max_attempts=1, context={})
        events = await self._events(article, title, published, stats)
        on_partial(_draft(DraftBrief(), events, options).model_dump(mode="json"))
        brief = await self._brief(article, title, published, stats)
        draft = _draft(brief, events, options)
        on_partial(draft.model_dump(mode="json"))
        return Extraction(
            draft=draft, attempts=stats.attempts, usage=stats.usage, notes=language_notes(article)
        )

    def messages(
        self, article: ArticleText, title: str | None, published: str | None
    ) -> list[dict[str, Any]]:
        """System prompt and numbered article first (the prefix a later call about the same
        article would share), then the question. The model sees the article's first
        `brief_chars` (whole sentences, at least one): news puts its gist first, and the prompt
        tokens a llama.cpp server must evaluate before answering are most of a call's time."""
        shown: list[Sentence] = []
        for sentence in article.sentences:
            if shown and sum(len(s.text) for s in shown) + len(sentence.text) > self.brief_chars:
                break
            shown.append(sentence)
        return [
            {"role": "system", "content": self.system.text},
            {"role": "user", "content": render_article(shown, title=title, published=published)},
            {"role": "user", "content": self.question.text},
        ]

    async def _events(
        self, article: ArticleText, title: str | None, published: str | None, stats: CallStats
    ) -> list[DraftEvent]:
        if article.language not in EXTRACTED_LANGUAGES:
            return []  # said in meta.dropped (language_notes)
        candidates = find_candidates(article)
        if self.fill:
            prefix = self.messages(article, title, published)[:-1]
            await pick_initiators(
                self.client,
                prefix,
                candidates,
                article,
                model=self.model,
                hooks=stats.hooks(),
                temperature=self.temperature,
                timeout=self.timeout_s,
            )
        return [draft_event(c) for c in candidates]

    async def _brief(
        self, article: ArticleText, title: str | None, published: str | None, stats: CallStats
    ) -> DraftBrief:
        try:
            brief = await self.client.chat.completions.create(
                model=self.model,
                messages=self.messages(article, title, published),  # type: ignore[arg-type]
                response_model=_BRIEF,
                max_retries=0,
                hooks=stats.hooks(),
                temperature=self.temperature,
                max_tokens=self.brief_max_tokens,
                timeout=self.timeout_s,
            )
        except openai.APIError as exc:
            raise api_error(exc, self.timeout_s) from exc
        except (InstructorRetryException, IncompleteOutputException, ValidationError) as exc:
            if isinstance(api := root_cause(exc), openai.APIError):
                raise api_error(api, self.timeout_s) from exc
            log.info("the brief was unusable (%s); verification fills it in", type(exc).__name__)
            return DraftBrief()
        return DraftBrief(headline=brief.headline, summary=brief.summary)


def language_notes(article: ArticleText) -> tuple[Dropped, ...]:
    """A language the rules cannot read gets no events, and the briefing says so rather than
    returning an empty list with no reason."""
    if article.language in EXTRACTED_LANGUAGES:
        return ()
    return (
        Dropped(
            what="events",
            reason=f"events are not extracted for language '{article.language}' (the rules "
            f"read {', '.join(EXTRACTED_LANGUAGES)}); the headline and summary are the model's",
        ),
    )


def _draft(brief: DraftBrief, events: list[DraftEvent], options: BriefingOptions) -> Draft:
    key_points = [
        DraftKeyPoint(evidence=event.evidence, text=event.summary)
        for event in events[: options.max_key_points]
    ]
    return Draft(
        headline=brief.headline, summary=brief.summary, key_points=key_points, events=events
    )
