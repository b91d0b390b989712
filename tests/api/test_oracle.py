"""The pipeline's ceiling: a scripted LLM that answers with what the gold annotation implies.

Every gold article goes through the real pipeline (openai client, instructor, verification,
date resolution) and the real matcher. A perfect model must score strict F1 ≥ 0.95 overall
and ≥ 0.9 on every article; where it does not, the code around the model (or a gold file)
is wrong, and the eval's numbers would blame the model for our mistakes.
"""

from __future__ import annotations

from typing import Any

import pytest

from service.evaluation.gold import find_cases
from service.evaluation.run import evaluate
from service.runtime import open_runtime
from service.settings import Settings
from tests.support.articles import SEEDS
from tests.support.oracle import oracle_reply
from tests.support.scripted_llm import ScriptedLLM

# the gold set, the merge gold and its held-out test (issue 15)
CASES = find_cases([SEEDS, SEEDS / "merge", SEEDS / "merge-test"])


@pytest.fixture
def oracle_run(settings: Settings, llm: ScriptedLLM) -> Any:
    async def run(**overrides: Any) -> dict[str, Any]:
        llm.reset(default=oracle_reply(CASES))
        async with open_runtime(settings) as runtime:
            return await evaluate(runtime.briefings, CASES, fresh=True)

    return run


async def test_a_perfect_model_scores_the_ceiling(oracle_run: Any) -> None:
    run = await oracle_run()
    failures = {a["name"]: a["error"] for a in run["articles"] if not a["ok"]}
    assert not failures
    per_article = {a["name"]: a["f1"] for a in run["articles"] if a["gold_events"]}
    low = {name: f1 for name, f1 in per_article.items() if f1 is None or f1 < 0.9}
    assert not low, (low, {a["name"]: a["dropped_reasons"] for a in run["articles"]})
    assert run["overall"]["f1"] >= 0.95
    assert run["overall"]["relaxed_f1"] >= 0.95
    # an article with no events gets none
    empty = [a for a in run["articles"] if a["gold_events"] == 0]
    assert empty and all(a["predicted_events"] == 0 for a in empty)
