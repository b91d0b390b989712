"""The scripted LLM as a perfect model: each article answered with its gold's oracle draft."""

from __future__ import annotations

from typing import Any

from service.evaluation.gold import GoldCase
from service.evaluation.oracle import cited_ids, oracle_draft
from service.grounding.text import split_sentences
from tests.support.scripted_llm import Reply


def _prompt(request: dict[str, Any]) -> str:
    return "\n".join(m["content"] for m in request["messages"] if isinstance(m.get("content"), str))


def oracle_reply(cases: list[GoldCase], delays: dict[str, float] | None = None) -> Any:
    """A reply function for the scripted LLM: the oracle draft of the article asked about,
    after `delays[case.name]` seconds when given (to hold one article back)."""
    firsts = [(split_sentences(c.article.text)[0].text, c) for c in cases]

    def reply(request: dict[str, Any]) -> Reply:
        prompt = _prompt(request)
        case = next(c for first, c in firsts if first in prompt)
        delay = (delays or {}).get(case.name, 0.0)
        return Reply(arguments=oracle_draft(case, cited_ids(prompt)), delay_s=delay)

    return reply
