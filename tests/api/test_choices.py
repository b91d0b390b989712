"""Article-bound choices: the single-call schema offers only what the article holds."""

from __future__ import annotations

from typing import Any

from service.evaluation.gold import find_cases
from service.evaluation.match import names_match
from service.grounding.evidence import ArticleText
from service.grounding.text import normalise, split_sentences
from service.llm.choices import article_choices
from service.settings import Settings
from tests.support.articles import SEEDS
from tests.support.drafts import SEED_TEXT, good_draft
from tests.support.live import ClientFactory
from tests.support.scripted_llm import Reply, ScriptedLLM


async def test_the_tool_schema_holds_the_articles_choices(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    llm.reset(default=Reply(arguments=good_draft()))
    async with make_client(extraction="single") as client:  # remote: choices on by default
        response = await client.post("/v1/briefings", json=seed)
    assert response.status_code == 200, response.text
    assert "choices-v1" in response.json()["meta"]["prompt_version"]
    schema = llm.requests[0]["tools"][0]["function"]["parameters"]
    event = schema["$defs"]["DraftEvent"]["properties"]
    n = len(split_sentences(SEED_TEXT))
    assert event["evidence"]["items"] == {"enum": list(range(1, n + 1))}
    assert schema["$defs"]["DraftKeyPoint"]["properties"]["evidence"]["items"]["enum"][-1] == n
    # places, date phrases and speakers as written, each with null; the enum alone (the form
    # llama.cpp enforces), never beside "type": [..., "null"]
    for field, written in (
        ("location", "Belgorod"),
        ("when", "late on Saturday"),
        ("source", "Gov. Vyacheslav Gladkov"),
    ):
        assert set(event[field]) == {"enum"}
        assert written in event[field]["enum"] and event[field]["enum"][-1] is None
    assert "Kyiv, Ukraine" not in event["location"]["enum"]
    actors = schema["$defs"]["DraftActor"]["properties"]["name"]["enum"]
    assert {"Andrii Sybiha", "Russia’s defense ministry"} <= set(actors)
    assert None not in actors  # an actor has a name


async def test_open_schema_when_choices_are_off(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    llm.reset(default=Reply(arguments=good_draft()))
    async with make_client(extraction="single", llm_choices=False) as client:
        response = await client.post("/v1/briefings", json=seed)
    assert "choices" not in response.json()["meta"]["prompt_version"]
    event = llm.requests[0]["tools"][0]["function"]["parameters"]["$defs"]["DraftEvent"]
    assert event["properties"]["location"] == {"type": ["string", "null"]}


def test_choices_default_per_backend() -> None:
    assert Settings().choices is False  # embedded: every enum value slows its grammar
    assert Settings(openai_base_url="http://x/v1").choices is True


def test_the_gold_answers_are_among_the_choices() -> None:
    """A closed schema must not close out the right answer: every gold place, date phrase
    and initiator of the gold set is offered (names as the matcher compares them)."""
    missing = []
    for case in find_cases([SEEDS]):
        text = case.article.text
        choices = article_choices(ArticleText(text, split_sentences(text)))
        for g in case.gold.events:
            if g.location and not any(names_match(g.location, p) for p in choices.places):
                missing.append((case.name, "location", g.location))
            if g.date_phrase and normalise(g.date_phrase) not in map(normalise, choices.dates):
                missing.append((case.name, "date", g.date_phrase))
            if g.initiator and not any(names_match(g.initiator, a) for a in choices.actors):
                missing.append((case.name, "initiator", g.initiator))
    assert not missing
