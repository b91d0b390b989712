"""A request normalises its article once: the draft's validators (re-asks included) and
verification share one `ArticleText` and its normalised index (BENCHMARKS.md §2).

The spy counts `_build` (the one function every normalisation goes through) on the
article's own text, so a second pass anywhere (a check given `article.text` instead of the
index, a helper calling `normalise(article)`) fails these tests.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service.grounding import dates, text
from service.grounding.evidence import ArticleText
from service.grounding.text import split_sentences
from tests.support.articles import SEEDS
from tests.support.drafts import SEED_TEXT, good_draft
from tests.support.live import ClientFactory
from tests.support.scripted_llm import Reply, ScriptedLLM


class Passes:
    """How often `_build` ran over a given text (the article), and over anything else."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.texts: list[str] = []
        real = text._build

        def spy(source: str) -> tuple[str, list[int], list[int]]:
            self.texts.append(source)
            return real(source)

        monkeypatch.setattr(text, "_build", spy)
        text.normalised_text.cache_clear()  # a plain-string index of an earlier test's article

    def over(self, article: str) -> int:
        return sum(source == article for source in self.texts)


@pytest.fixture
def passes(monkeypatch: pytest.MonkeyPatch) -> Iterator[Passes]:
    spy = Passes(monkeypatch)
    yield spy
    text.normalised_text.cache_clear()


@pytest.mark.parametrize("choices", [False, True], ids=["open-schema", "closed-schema"])
async def test_a_miss_normalises_the_article_once(
    make_client: ClientFactory,
    llm: ScriptedLLM,
    seed: dict[str, Any],
    passes: Passes,
    choices: bool,
) -> None:
    llm.reset(default=Reply(arguments=good_draft()))
    async with make_client(extraction="single", llm_choices=choices) as client:
        response = await client.post("/v1/briefings", json=seed)
    assert response.status_code == 200, response.text
    assert response.json()["events"], "the draft's events were verified"
    assert passes.over(SEED_TEXT) == 1
    assert all(len(source) < 1_000 for source in passes.texts if source != SEED_TEXT), (
        "nothing else article-sized is normalised (quotes, names and phrases are short)"
    )


async def test_once_across_a_reask(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any], passes: Passes
) -> None:
    """Two validations of two drafts (the second lenient) and one verification: one pass."""
    bad = good_draft()
    bad["key_points"].append({"evidence": ["Russia admitted 900 drones hit Kyiv."], "text": "x"})
    llm.script(Reply(arguments=bad), Reply(arguments=bad))
    async with make_client(extraction="single", llm_choices=False) as client:
        response = await client.post("/v1/briefings", json=seed)
    assert response.status_code == 200, response.text
    assert response.json()["meta"]["attempts"] == 2
    assert passes.over(SEED_TEXT) == 1


async def test_once_across_chunks(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any], passes: Passes
) -> None:
    """A long article is drafted chunk by chunk, each checked against the whole article."""
    llm.reset(default=Reply(arguments=good_draft()))
    async with make_client(
        extraction="single", llm_choices=False, llm_context_tokens=4_000, llm_max_tokens=2_000
    ) as client:
        response = await client.post("/v1/briefings", json=seed)
    assert response.status_code == 200, response.text
    assert llm.calls > 1
    assert passes.over(SEED_TEXT) == 1


async def test_once_when_streamed(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any], passes: Passes
) -> None:
    llm.reset(default=Reply(arguments=good_draft()))
    async with make_client(extraction="single", llm_choices=False) as client:
        response = await client.post("/v1/briefings/stream", json=seed)
    assert response.status_code == 200, response.text
    assert "event: briefing" in response.text
    assert passes.over(SEED_TEXT) == 1


async def test_once_in_the_staged_strategy(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any], passes: Passes
) -> None:
    llm.reset(default=Reply(arguments={"headline": "Strikes cut power", "summary": "Drones."}))
    async with make_client(extraction="staged") as client:
        response = await client.post("/v1/briefings", json=seed)
    assert response.status_code == 200, response.text
    assert response.json()["events"]
    assert passes.over(SEED_TEXT) == 1


def test_the_article_object_keeps_its_index() -> None:
    article = ArticleText(SEED_TEXT, split_sentences(SEED_TEXT))
    assert article.normalised is article.normalised
    assert article.normalised.norm == text.normalise(SEED_TEXT)
    assert article.normalised.locate("Some 20,000 households") == text.locate(
        "Some 20,000 households", SEED_TEXT
    )


# --- the two ways `_build` folds a text give the same bytes ----------------------------------

_TRICKY = (
    "abcXYZ019 .,'\"-\t\n\r‘’“”«»–—…ßﬁİ\u00ad\u200b\ufeff\u00a0\u2009\u3000é\u0301\u0308ÅΩσςΣ①½™"
    "\x1c\x85\u2028"
)
_SIMPLE = "abcXYZ019 .,'\"-\t\n\r‘’“”«»–—\u00a0\u2009Ωσ"  # each folds to one character


def _texts() -> Iterator[str]:
    rng = random.Random(12)
    for alphabet in (_TRICKY, _SIMPLE):
        for _ in range(3_000):
            yield "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
    for path in sorted(Path(SEEDS).rglob("*.txt")):
        article = path.read_text(encoding="utf-8")
        yield from (article, article.upper(), f"  \n{article}\t \n")


def test_the_one_to_one_fold_equals_the_cluster_walk() -> None:
    fast = 0
    for source in _texts():
        one_to_one = text._build_one_to_one(source)
        if one_to_one is not None:
            fast += 1
            assert one_to_one == text._build_clusters(source), repr(source)
        assert text._build(source) == text._build_clusters(source), repr(source)
    assert fast > 3_000  # the simple alphabet and the seed articles take the fast path


# --- a date phrase's leading words are searched for near it, not in the whole prefix ----------


def _phrases_searching_the_whole_prefix(text_: str) -> list[tuple[int, int]]:
    """`find_date_phrases` as it was: `_AROUND_BEFORE` searched from the article's start."""
    folded = text_.translate(dates._QUOTES).lower()
    found = []
    for match in dates._date_matches(text_):
        start, end = match.start(), match.end()
        if before := dates._AROUND_BEFORE.search(folded, 0, start):
            start = before.start()
        if after := dates._AROUND_AFTER.search(folded[end:]):
            end += after.end()
        found.append((start, end))
    kept: list[tuple[int, int]] = []
    for start, end in sorted(found, key=lambda se: (se[0], -se[1])):
        if kept and start < kept[-1][1]:
            if end - start > kept[-1][1] - kept[-1][0]:
                kept[-1] = (start, end)
            continue
        kept.append((start, end))
    return kept


def test_date_phrases_are_found_as_before() -> None:
    rng = random.Random(5)
    words = ["late", "early", "earlier", "later", "on", "On", "xlate", "the", "Saturday"]
    words += ["sunday", "evening", "yesterday", "last", "week", "2025-11-08", "Nov. 8", ",", "."]
    gaps = [" ", "  ", "\n", "\t", " \n ", "", "\u00a0"]
    samples = [
        "".join(rng.choice(words) + rng.choice(gaps) for _ in range(rng.randrange(1, 12)))
        for _ in range(5_000)
    ]
    samples += [path.read_text(encoding="utf-8") for path in sorted(Path(SEEDS).rglob("*.txt"))]
    for sample in samples:
        assert dates.find_date_phrases(sample) == _phrases_searching_the_whole_prefix(sample)
