"""The evaluation harness: gold files, the matcher, the scores and the reports."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from schemas import BriefingOptions
from service.evaluation.gold import find_cases, load_case
from service.evaluation.match import match, relaxed, strict
from service.evaluation.report import RATE_COLUMNS, html_page, table
from service.evaluation.run import evaluate
from service.grounding.draft import Draft
from service.grounding.evidence import ArticleText
from service.grounding.text import contains_phrase, split_sentences
from service.grounding.verify import verify
from service.runtime import open_runtime
from service.settings import Settings
from tests.support.articles import SEEDS
from tests.support.drafts import good_draft
from tests.support.scripted_llm import Reply, ScriptedLLM

SEED = SEEDS / "ap-ukraine-energy-strikes.txt"
GOLD_FILES = sorted(SEEDS.glob("**/*.gold.json"))  # every gold set, merge/ too


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_files_are_grounded_in_their_articles(gold_path: Path) -> None:
    case = load_case(gold_path.with_name(gold_path.name.replace(".gold.json", ".txt")))
    text = case.article.text
    for event in case.gold.events:
        for fragment in event.evidence:
            assert fragment in text, (event.id, fragment)
        for name in (event.location, event.initiator, event.attributed_to, event.date_phrase):
            if name:
                assert contains_phrase(text, name), (event.id, name)


def test_there_are_at_least_nine_gold_articles() -> None:
    assert len(find_cases([SEEDS])) >= 9


def _verified_seed() -> Any:
    case = load_case(SEED)
    article = ArticleText(case.article.text, split_sentences(case.article.text))
    result = verify(
        Draft.model_validate(good_draft()),
        article,
        published=date(2025, 11, 9),
        options=BriefingOptions(),
    )
    return case, result


def test_matcher_strict_and_relaxed_on_fixed_events() -> None:
    case, result = _verified_seed()
    text = case.article.text
    strict_pairs = match(case.gold.events, result.events, text, strict)
    # only the Lavrov offer has the gold's initiator marked as initiator
    assert [(p.gold.id, p.event.type) for p in strict_pairs] == [("g6", "diplomacy")]
    relaxed_pairs = match(case.gold.events, result.events, text, relaxed)
    assert [(p.gold.id, p.event.id) for p in relaxed_pairs] == [
        ("g2", "e1"),
        ("g3", "e2"),
        ("g6", "e3"),
    ]


def test_matcher_uses_each_prediction_once() -> None:
    case, result = _verified_seed()
    gold = [case.gold.events[1], case.gold.events[1]]  # the same gold event twice
    assert len(match(gold, result.events, case.article.text, relaxed)) == 1


async def test_evaluate_scores_the_seed_through_the_pipeline(
    settings: Settings, llm: ScriptedLLM
) -> None:
    llm.reset(default=Reply(arguments=good_draft(), prompt_tokens=1000, completion_tokens=80))
    async with open_runtime(settings) as runtime:  # what `python -m service eval` does
        run = await evaluate(runtime.briefings, [load_case(SEED)])
        again = await evaluate(runtime.briefings, [load_case(SEED)], fresh=True)
    seed = run["articles"][0]
    assert (seed["gold_events"], seed["predicted_events"]) == (6, 3)
    assert (seed["strict_matches"], seed["relaxed_matches"]) == (1, 3)
    assert (seed["precision"], seed["recall"], seed["f1"]) == (0.333, 0.167, 0.222)
    assert seed["relaxed_f1"] == 0.667
    assert (seed["dates_checked"], seed["dates_right"]) == (3, 3)
    assert (seed["quantities_checked"], seed["quantities_right"]) == (2, 2)
    assert (seed["attributions_checked"], seed["attributions_right"]) == (3, 2)
    assert seed["span_valid_rate"] == 1.0
    assert (seed["prompt_tokens"], seed["completion_tokens"]) == (1000, 80)
    assert run["meta"]["schema_valid_rate"] == 1.0
    assert llm.calls == 2  # --fresh recomputed
    assert again["overall"]["f1"] == run["overall"]["f1"]
    text = table(run)
    assert "ap-ukraine-energy-strikes" in text and "0.22" in text
    page = html_page([run, again])
    assert page.count("<rect") == 2 * len(RATE_COLUMNS)
    assert "src=" not in page and "href=" not in page and "<script" not in page


async def test_failed_article_is_reported_not_fatal(settings: Settings, llm: ScriptedLLM) -> None:
    llm.reset(default=Reply(status=500))
    async with open_runtime(settings) as runtime:
        run = await evaluate(runtime.briefings, [load_case(SEED)])
    seed = run["articles"][0]
    assert seed["ok"] is False and seed["error"].startswith("503")
    assert run["meta"]["schema_valid_rate"] == 0.0
    assert "(FAILED)" in table(run)
