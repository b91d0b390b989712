"""Per-article and overall numbers for one evaluation run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from schemas import BriefingResponse
from service.evaluation.gold import GoldCase, GoldEvent
from service.evaluation.match import (
    Pair,
    date_ok,
    initiator_ok,
    match,
    names_match,
    overlapping,
    place_ok,
    relaxed,
    strict,
)


def _ratio(num: int, den: int) -> float | None:
    return None if den == 0 else round(num / den, 3)


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 0.0 if p + r == 0 else round(2 * p * r / (p + r), 3)


@dataclass(slots=True)
class ArticleScore:
    name: str
    ok: bool
    error: str | None = None
    schema_valid: bool = False
    spans: int = 0
    spans_valid: int = 0
    items_kept: int = 0
    items_dropped: int = 0
    dropped_reasons: dict[str, int] = field(default_factory=dict)
    gold_events: int = 0
    predicted_events: int = 0
    strict_matches: int = 0
    relaxed_matches: int = 0
    dates_checked: int = 0
    dates_right: int = 0
    quantities_checked: int = 0
    quantities_right: int = 0
    attributions_checked: int = 0
    attributions_right: int = 0
    found: int = 0  # gold events whose evidence a predicted event overlaps
    types_right: int = 0
    initiators_checked: int = 0
    initiators_right: int = 0
    locations_checked: int = 0
    locations_right: int = 0
    slot_dates_checked: int = 0
    slot_dates_right: int = 0
    attempts: int = 0  # LLM calls, re-asks included
    prompt_tokens: int = 0  # sent, as the backend counts them
    prompt_tokens_evaluated: int | None = None  # what the server computed (prefix reuse)
    completion_tokens: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | self.rates()

    def rates(self) -> dict[str, float | None]:
        precision = _ratio(self.strict_matches, self.predicted_events)
        recall = _ratio(self.strict_matches, self.gold_events)
        r_precision = _ratio(self.relaxed_matches, self.predicted_events)
        r_recall = _ratio(self.relaxed_matches, self.gold_events)
        return {
            "span_valid_rate": _ratio(self.spans_valid, self.spans),
            "verified_item_rate": _ratio(self.items_kept, self.items_kept + self.items_dropped),
            "precision": precision,
            "recall": recall,
            "f1": _f1(precision, recall),
            "relaxed_f1": _f1(r_precision, r_recall),
            "date_accuracy": _ratio(self.dates_right, self.dates_checked),
            "quantity_accuracy": _ratio(self.quantities_right, self.quantities_checked),
            "attribution_accuracy": _ratio(self.attributions_right, self.attributions_checked),
            "type_accuracy": _ratio(self.types_right, self.found),
            "initiator_accuracy": _ratio(self.initiators_right, self.initiators_checked),
            "location_accuracy": _ratio(self.locations_right, self.locations_checked),
            "slot_date_accuracy": _ratio(self.slot_dates_right, self.slot_dates_checked),
        }


def _quantity_found(value: float, unit: str, pair: Pair) -> bool:
    stem = unit.lower()[: max(4, len(unit) - 2)]
    return any(
        q.value == value and (stem in q.unit.lower() or q.unit.lower() in unit.lower())
        for q in pair.event.quantities
    )


def _details(score: ArticleScore, pairs: list[Pair]) -> None:
    for pair in pairs:
        g: GoldEvent = pair.gold
        if g.date is not None:
            score.dates_checked += 1
            score.dates_right += pair.event.date.start == g.date
        for q in g.quantities:
            score.quantities_checked += 1
            score.quantities_right += _quantity_found(q.value, q.unit, pair)
        if g.attributed_to is not None:
            score.attributions_checked += 1
            source = pair.event.attributed_to.source if pair.event.attributed_to else None
            score.attributions_right += names_match(g.attributed_to, source)


def _slots(score: ArticleScore, pairs: list[Pair]) -> None:
    """Slot accuracy where the event was found (evidence overlaps), whatever its type."""
    for pair in pairs:
        g, event = pair.gold, pair.event
        score.found += 1
        score.types_right += g.accepts(event.type)
        if g.initiator is not None:
            score.initiators_checked += 1
            score.initiators_right += initiator_ok(g, event)
        if g.location is not None:
            score.locations_checked += 1
            score.locations_right += place_ok(g, event)
        if g.date is not None:
            score.slot_dates_checked += 1
            score.slot_dates_right += date_ok(g, event)


def score_article(
    case: GoldCase, result: BriefingResponse | None, seconds: float, error: str | None = None
) -> ArticleScore:
    score = ArticleScore(name=case.name, ok=result is not None, error=error, seconds=seconds)
    score.gold_events = len(case.gold.events)
    if result is None:
        return score
    text = case.article.text
    score.schema_valid = True  # it was parsed into BriefingResponse
    spans = [s for kp in result.briefing.key_points for s in kp.evidence]
    spans += [s for event in result.events for s in event.evidence]
    score.spans = len(spans)
    score.spans_valid = sum(text[s.start : s.end] == s.quote for s in spans)
    whole_items = [d for d in result.meta.dropped if d.what.count(".") == 0]
    score.items_kept = len(result.briefing.key_points) + len(result.events)
    score.items_dropped = len(whole_items)
    for d in result.meta.dropped:
        score.dropped_reasons[d.reason] = score.dropped_reasons.get(d.reason, 0) + 1
    score.predicted_events = len(result.events)
    score.strict_matches = len(match(case.gold.events, result.events, text, strict))
    relaxed_pairs = match(case.gold.events, result.events, text, relaxed)
    score.relaxed_matches = len(relaxed_pairs)
    _details(score, relaxed_pairs)
    _slots(score, match(case.gold.events, result.events, text, overlapping))
    score.attempts = result.meta.attempts
    score.prompt_tokens = result.meta.usage.prompt_tokens
    score.completion_tokens = result.meta.usage.completion_tokens
    return score


def overall(scores: list[ArticleScore]) -> ArticleScore:
    """Micro-averaged: counts summed over articles, rates computed from the sums."""
    total = ArticleScore(name="overall", ok=all(s.ok for s in scores))
    for s in scores:
        for name in (
            "spans",
            "spans_valid",
            "items_kept",
            "items_dropped",
            "gold_events",
            "predicted_events",
            "strict_matches",
            "relaxed_matches",
            "dates_checked",
            "dates_right",
            "quantities_checked",
            "quantities_right",
            "attributions_checked",
            "attributions_right",
            "found",
            "types_right",
            "initiators_checked",
            "initiators_right",
            "locations_checked",
            "locations_right",
            "slot_dates_checked",
            "slot_dates_right",
            "attempts",
            "prompt_tokens",
            "completion_tokens",
        ):
            setattr(total, name, getattr(total, name) + getattr(s, name))
        total.seconds += s.seconds
        if s.prompt_tokens_evaluated is not None:
            total.prompt_tokens_evaluated = (
                total.prompt_tokens_evaluated or 0
            ) + s.prompt_tokens_evaluated
        for reason, n in s.dropped_reasons.items():
            total.dropped_reasons[reason] = total.dropped_reasons.get(reason, 0) + n
    total.schema_valid = all(s.schema_valid for s in scores)
    total.seconds = round(total.seconds, 1)
    return total
