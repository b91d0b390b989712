"""A stored briefing and its article as the merge's input: one `Report` per event."""

from __future__ import annotations

from schemas import Article, BriefingResponse
from service.merge.cluster import Report
from service.merge.facts import context_place


def article_of(payload: bytes | None) -> Article | None:
    """The stored article (`BriefingCache.put_article`), or None when it is gone or unreadable:
    its briefing's events still merge, without the outlet, date and URL."""
    if payload is None:
        return None
    try:
        return Article.model_validate_json(payload)
    except ValueError:
        return None


def reports_of(index: int, briefing: BriefingResponse, article: Article | None) -> list[Report]:
    """The events of the job's article `index`, each with its article's outlet, date and URL."""
    context = context_place(briefing.events)
    return [
        Report(
            article=index,
            briefing_id=briefing.id,
            event=event,
            source=article.source if article else None,
            title=article.title if article else None,
            published_at=article.published_at if article else None,
            url=article.url if article else None,
            context=context,
        )
        for event in briefing.events
    ]
