"""An optional staged step: the model picks each event's initiator among the names near it.

The rules' weakest slot is the initiator (0.83 on the gold set, 0.57 on the test set,
seeds/EVAL.md). Here the model sees the event's sentences and the names they hold, and may
only answer one of those names or null (an enum under the grammar), so it cannot invent one;
the question comes after the article, so a llama.cpp server reuses the article's prefix.
Off by default (`STAGED_FILL`): seeds/EVAL.md says whether it earns its calls.
"""

from __future__ import annotations

import json
from typing import Any

import openai
from instructor import AsyncInstructor
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel, ValidationError

from service.grounding import mentions
from service.grounding.candidates import Candidate
from service.grounding.evidence import ArticleText
from service.llm.choices import sending
from service.llm.extraction import api_error, root_cause


class DraftPick(BaseModel):
    """Who did what the sentence reports: one of the names offered, or null."""

    initiator: str | None = None


def initiator_options(candidate: Candidate, article: ArticleText) -> list[str]:
    """The names and bodies the event's sentences write, in order, once each."""
    found: dict[str, None] = {}
    for sentence_id in candidate.sentence_ids:
        sentence = article.sentence(sentence_id)
        if sentence is not None:
            for actor in mentions.actors(sentence.text):
                found.setdefault(actor.text, None)
    return list(found)


def question(candidate: Candidate, article: ArticleText, options: list[str]) -> str:
    text = " ".join(
        s.text for i in candidate.sentence_ids if (s := article.sentence(i)) is not None
    )
    return (
        f'Event ({candidate.type.value}): "{text}"\n'
        f"Who carried it out? Choose one of {json.dumps(options, ensure_ascii=False)} or null. "
        'Answer with JSON: {"initiator": ...}'
    )


async def pick_initiators(
    client: AsyncInstructor,
    prefix: list[dict[str, Any]],
    candidates: list[Candidate],
    article: ArticleText,
    **call: Any,
) -> None:
    """Set each candidate's initiator to the model's pick where it offers two or more names.
    An unusable answer leaves the rules' choice; a backend error is raised."""
    for candidate in candidates:
        options = initiator_options(candidate, article)
        if len(options) < 2:
            continue
        schema = {
            "type": "object",
            "properties": {"initiator": {"enum": [*options, None]}},
            "required": ["initiator"],
        }
        messages: Any = [
            *prefix,
            {"role": "user", "content": question(candidate, article, options)},
        ]
        try:
            pick = await client.chat.completions.create(
                messages=messages,
                response_model=sending(DraftPick, schema),
                max_retries=0,
                max_tokens=48,
                **call,
            )
        except openai.APIError as exc:
            raise api_error(exc, call.get("timeout", 0.0)) from exc
        except (InstructorRetryException, IncompleteOutputException, ValidationError) as exc:
            if isinstance(api := root_cause(exc), openai.APIError):
                raise api_error(api, call.get("timeout", 0.0)) from exc
            continue
        chosen = getattr(pick, "initiator", None)
        if chosen in options:
            candidate.initiator = chosen
