"""Article-bound choices: the single-call draft schema with every article-derived field closed.

Most of what verification dropped from the embedded model's drafts (seeds/EVAL.md, runs A and
B) was never in the article: sentence ids past the last one, actors and date phrases it made
up. Under a grammar a model can only write what the schema allows, so here the schema allows
only what code found in the article: sentence ids that exist, the names, places, date phrases
and speakers the article writes (service/grounding/mentions.py), each with null where the
field is optional. Written as `{"enum": [...]}`: llama-cpp-python enforces that form and
ignores an enum beside `"type": [..., "null"]` (docs/quality.md, "Measured facts").

Grammar checking is what a llama.cpp server spends its time on, and long enums make it
slower (a 40-value enum cost ~1 s a token there), so the choices are on by default only for
remote backends, whose servers check them cheaply (`LLM_CHOICES`, README). Verification stays
the backstop for backends that ignore schemas.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from instructor import response_schema
from pydantic import BaseModel

from prompts import Prompt
from service.grounding import mentions
from service.grounding.candidates import date_phrases
from service.grounding.draft import Draft
from service.grounding.evidence import ArticleText

CHOICES_VERSION = "1"  # part of the draft schema hash, so of every cache key


@dataclass(frozen=True, slots=True)
class Choices:
    sentence_ids: tuple[int, ...]
    actors: tuple[str, ...]
    places: tuple[str, ...]
    dates: tuple[str, ...]
    sources: tuple[str, ...]


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))


def article_choices(article: ArticleText) -> Choices:
    text = article.text
    places = [*mentions.dateline_places(text), *(p.text for p in mentions.places(text))]
    actors = [a.text for s in article.sentences for a in mentions.actors(s.text)]
    speakers = [
        p.text
        for s in article.sentences
        for p in mentions.speakers(s.text)
        if not mentions.is_pronoun(p)
    ]
    return Choices(
        sentence_ids=tuple(s.id for s in article.sentences),
        actors=_unique(actors),
        places=_unique(places),
        dates=_unique(date_phrases(text)),
        sources=_unique(speakers),
    )


def _one_of(values: tuple[Any, ...], nullable: bool) -> dict[str, Any]:
    options: list[Any] = list(values)
    if nullable:
        options.append(None)
    return {"enum": options} if options else {"type": "null"}


def closed_schema(choices: Choices) -> dict[str, Any]:
    """Draft's schema with the article's choices as enums."""
    schema = copy.deepcopy(Draft.model_json_schema())
    defs = schema["$defs"]
    ids = {"enum": list(choices.sentence_ids)} if choices.sentence_ids else {"type": "integer"}
    for name in ("DraftKeyPoint", "DraftEvent"):
        defs[name]["properties"]["evidence"]["items"] = ids
    event = defs["DraftEvent"]["properties"]
    event["location"] = _one_of(choices.places, nullable=True)
    event["country"] = _one_of(choices.places, nullable=True)
    event["when"] = _one_of(choices.dates, nullable=True)
    event["source"] = _one_of(choices.sources, nullable=True)
    actor = defs["DraftActor"]["properties"]
    actor["name"] = _one_of(choices.actors, nullable=False) if choices.actors else actor["name"]
    actor["country"] = _one_of(choices.places, nullable=True)
    return schema


def sending(model: type[BaseModel], schema: dict[str, Any]) -> type[BaseModel]:
    """`model` (validated as ever) that sends `schema` as its JSON schema, wrapped for
    instructor. One class per article: its schema is the article's."""
    closed = type(
        model.__name__,
        (model,),
        {"__doc__": model.__doc__, "model_json_schema": classmethod(lambda cls, *a, **k: schema)},
    )
    return response_schema(closed)


def with_choices(prompt: Prompt) -> Prompt:
    """The prompt's identity with the choices' version in it: closed and open schemas give
    different drafts, so they must not share cache keys."""
    return Prompt(
        name=prompt.name,
        version=f"{prompt.version}+choices-v{CHOICES_VERSION}",
        text=f"{prompt.text}choices {CHOICES_VERSION}\n",
    )
