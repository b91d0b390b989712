"""The draft a perfect model would write for a gold article: the pipeline's ceiling.

Run through the real pipeline (scripted LLM → verification → matcher), an oracle draft
scores what the code around the model allows: every point it loses is lost by the
verifier, the date resolver, the matcher or the gold file, never by a model. The test
that runs it (tests/api/test_oracle.py) is what keeps those parts honest, so that every
point the eval loses afterwards is the model's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from service.evaluation.gold import GoldCase, GoldEvent
from service.grounding.text import Sentence, locate, split_sentences

_CITED_ID = re.compile(r"^\[(\d+)\] ", re.MULTILINE)


def evidence_ids(fragments: Iterable[str], sentences: list[Sentence], text: str) -> list[int]:
    """The ids of the sentences each fragment overlaps, in article order."""
    ids: set[int] = set()
    for fragment in fragments:
        found = locate(fragment, text)
        if found is None:
            raise ValueError(f"gold evidence not in the article: {fragment!r}")
        start, end = found
        ids.update(s.id for s in sentences if s.start < end and start < s.end)
    return sorted(ids)


def oracle_event(gold: GoldEvent, sentences: list[Sentence], text: str) -> dict[str, Any]:
    """A draft event stating exactly what the gold annotation states, citing sentence ids."""
    actors = [{"name": gold.initiator, "role": "initiator"}] if gold.initiator else []
    return {
        "evidence": evidence_ids(gold.evidence, sentences, text),
        "type": gold.type.value,
        "summary": gold.evidence[0],  # verbatim: every number in it is in the evidence
        "actors": actors,
        "location": gold.location,
        "when": gold.date_phrase,
        "quantities": [{"value": q.value, "unit": q.unit, "what": ""} for q in gold.quantities],
        "killed": gold.killed,
        "injured": gold.injured,
        "source": gold.attributed_to,
        "disputed": gold.disputed,
    }


def oracle_draft(case: GoldCase, cited: set[int] | None = None) -> dict[str, Any]:
    """The single-call draft for a case; with `cited` (the ids of one chunk), only the
    events whose evidence lies in that chunk."""
    text = case.article.text
    sentences = split_sentences(text)
    events = [oracle_event(g, sentences, text) for g in case.gold.events]
    if cited is not None:
        events = [e for e in events if set(e["evidence"]) <= cited]
    key_points = [{"evidence": e["evidence"], "text": e["summary"]} for e in events[:4]]
    return {
        "headline": case.article.title or sentences[0].text,
        "summary": sentences[0].text if sentences else "",
        "key_points": key_points,
        "events": events,
    }


def cited_ids(prompt: str) -> set[int]:
    """The sentence ids a prompt shows (`[3] ...` lines), i.e. the chunk it is about."""
    return {int(m) for m in _CITED_ID.findall(prompt)}
