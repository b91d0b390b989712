"""Long articles: paragraph chunking, article-wide sentence ids, merge and de-duplication."""

from __future__ import annotations

import json
import re
from typing import Any

from service.grounding.chunks import chunk_sentences, paragraphs
from service.grounding.text import split_sentences
from tests.support.live import ClientFactory
from tests.support.scripted_llm import Reply, ScriptedLLM


def long_article(article: str, parts: int = 14) -> str:
    """About 10,000 words: the seed story told `parts` times, each under its own heading."""
    return "\n\n".join(f"Part {i} of the day's file\n\n{article}" for i in range(1, parts + 1))


def test_chunks_are_whole_paragraphs_in_order_with_small_overlap(article: str) -> None:
    text = long_article(article)
    assert len(text.split()) >= 10_000
    sentences = split_sentences(text)
    chunks = chunk_sentences(sentences, text, max_chars=6_000)
    assert len(chunks) > 5
    starts = {p[0].id for p in paragraphs(sentences, text)}
    seen: list[int] = []
    for i, chunk in enumerate(chunks):
        assert sum(len(s.text) + 6 for s in chunk) <= 6_000
        ids = [s.id for s in chunk]
        assert ids == list(range(ids[0], ids[-1] + 1))  # contiguous
        if i:
            overlap = [s for s in chunk if s.id <= chunks[i - 1][-1].id]
            assert sum(len(s.text) + 6 for s in overlap) <= 6_000 // 8
            first_new = chunk[len(overlap)].id
            assert first_new in starts  # new material starts on a paragraph boundary
        seen.extend(ids)
    assert sorted(set(seen)) == [s.id for s in sentences]  # nothing lost


def test_short_article_is_one_chunk(article: str) -> None:
    sentences = split_sentences(article)
    assert chunk_sentences(sentences, article, max_chars=100_000) == [sentences]


def per_chunk_draft(request: dict[str, Any]) -> Reply:
    """Answers each chunk about its own sentences, plus one event every chunk repeats."""
    user = request["messages"][-1]["content"]
    ids = [int(n) for n in re.findall(r"^\[(\d+)\]", user, flags=re.M)]
    gusev = [int(n) for n in re.findall(r"^\[(\d+)\] A drone strike temporarily", user, re.M)]
    events = [
        {
            "evidence": [ids[-1]],
            "type": "other",
            "summary": f"Chunk ending at sentence {ids[-1]}.",
            "actors": [],
            "location": None,
            "when": None,
            "source": None,
        }
    ]
    if gusev:
        events.append(
            {
                "evidence": gusev,
                "type": "attack",
                "summary": "A drone strike cut power and heating in Voronezh.",
                "actors": [],
                "location": "Voronezh",
                "when": "during the night",
                "source": "Alexander Gusev",
            }
        )
    draft = {
        "headline": "Strikes hit Russian energy sites" if ids[0] == 1 else "Later chunk",
        "summary": "Ukrainian strikes disrupted power in two Russian cities.",
        "key_points": [{"evidence": [ids[0]], "text": "A point from this chunk."}],
        "events": events,
    }
    return Reply(arguments=draft)


async def test_ten_thousand_words_end_to_end(
    make_client: ClientFactory, llm: ScriptedLLM, article: str
) -> None:
    text = long_article(article)
    llm.reset(default=per_chunk_draft)
    async with make_client(llm_context_tokens=6_000, llm_max_tokens=1_000) as client:
        response = await client.post(
            "/v1/briefings",
            json={"article": {"text": text, "published_at": "2025-11-09"}, "options": {}},
        )
    assert response.status_code == 200, response.text
    body = response.json()
    chunks = llm.calls
    assert chunks >= 4
    assert body["meta"]["attempts"] == chunks
    assert body["meta"]["usage"]["prompt_tokens"] == 100 * chunks
    assert body["briefing"]["headline"] == "Strikes hit Russian energy sites"  # the lede's
    for item in body["briefing"]["key_points"] + body["events"]:
        for span in item["evidence"]:
            assert text[span["start"] : span["end"]] == span["quote"]
    # evidence from the last chunk points deep into the full article
    assert max(s["start"] for e in body["events"] for s in e["evidence"]) > len(text) * 0.8
    # the Voronezh strike, told in every part, comes back once
    voronezh = [e for e in body["events"] if e["location"] and e["location"]["name"] == "Voronezh"]
    assert len(voronezh) == 1
    assert len(voronezh[0]["evidence"]) == 14  # its evidence from all fourteen parts
    assert voronezh[0]["date"]["start"] == "2025-11-08"
    duplicates = [d for d in body["meta"]["dropped"] if d["reason"].startswith("duplicate")]
    assert len(duplicates) == chunks - 1
    # each chunk saw only its own part of the article
    assert all(len(json.dumps(r["messages"])) < 6_000 * 3 + 4_000 for r in llm.requests)
