"""Run gold cases through the real pipeline (the same BriefingService a request uses)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from schemas import BriefingRequest, BriefingResponse
from service.briefing import BriefingService
from service.errors import BriefingError
from service.evaluation.gold import GoldCase
from service.evaluation.merging import has_links, merge_score
from service.evaluation.places import place_counts, place_results
from service.evaluation.score import ArticleScore, overall, score_article
from service.llm.embedded import EmbeddedServer


async def evaluate(
    service: BriefingService,
    cases: list[GoldCase],
    *,
    fresh: bool = False,
    server: EmbeddedServer | None = None,
) -> dict[str, Any]:
    """Every case through `service`; with the embedded `server`, each article's prompt
    tokens evaluated are read from its log (what prefix reuse left to compute)."""
    started = datetime.now(UTC).isoformat(timespec="seconds")
    scores: list[ArticleScore] = []
    results: list[BriefingResponse | None] = []
    for case in cases:
        began = time.perf_counter()
        position = server.log_position() if server is not None else 0
        try:
            outcome = await service.brief(
                BriefingRequest(article=case.article), use_cache=not fresh
            )
            parsed = BriefingResponse.model_validate_json(outcome.payload)
            result: BriefingResponse | None = parsed
            error = None
            # a cached result reports the time it took when it was computed
            seconds = (
                parsed.meta.latency_ms / 1000 if outcome.cached else time.perf_counter() - began
            )
        except BriefingError as exc:
            result, error, seconds = (
                None,
                f"{exc.status_code}: {exc.detail}",
                time.perf_counter() - began,
            )
        results.append(result)
        score = score_article(case, result, round(seconds, 1), error)
        if server is not None and result is not None and not result.meta.cached:
            evaluated = server.prompt_evaluations(position)
            score.prompt_tokens_evaluated = None if evaluated is None else sum(evaluated)
        scores.append(score)
    total = overall(scores)
    merged = {"merge": merge_score(cases, results)} if has_links(cases) else {}
    return {
        "meta": {
            "model": service.model,
            "prompt_version": service.prompt_version,
            "strategy": service.extractor.strategy,
            "started_at": started,
            "schema_valid_rate": round(
                sum(s.schema_valid for s in scores) / max(1, len(scores)), 3
            ),
        },
        "articles": [s.as_dict() for s in scores],
        "overall": total.as_dict(),
        "places": place_counts(place_results(cases)),
        **merged,
    }
