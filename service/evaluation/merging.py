"""Score the cross-article merge against the gold links (seeds/merge/, `happening`).

The briefings of a set of articles are merged exactly as a job's are (service/merge/).
Each predicted event is tied to the gold event of its article it matches (the strict rule
of match.py, then the relaxed one for what is left); its gold cluster is that event's
`happening`, or the event alone when it has none. A predicted event that matches no gold
event is a cluster of its own in the gold: merging it with anything is a wrong merge.

- **pairwise**: over pairs of predicted events, precision = pairs merged that the gold
  links / pairs merged; recall = pairs the gold links that were merged / pairs the gold
  links among the events found. `linked` is recall over *every* gold pair, found or not:
  what an analyst gets end to end (a pair whose event the model missed counts as lost).
- **B-cubed**: per predicted event, the share of its merged event that is its gold cluster
  (precision) and the share of its gold cluster (among events found) that its merged event
  holds (recall), averaged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import combinations
from typing import Any

from schemas import BriefingResponse
from service.evaluation.gold import GoldCase
from service.evaluation.match import match, relaxed, strict
from service.merge import Report, merge_events
from service.merge.reports import reports_of


def has_links(cases: Sequence[GoldCase]) -> bool:
    return any(g.happening for case in cases for g in case.gold.events)


def _f1(p: float | None, r: float | None) -> float | None:
    return None if not p or not r else round(2 * p * r / (p + r), 3)


def _ratio(a: int, b: int) -> float | None:
    return None if b == 0 else round(a / b, 3)


def _gold_labels(case: GoldCase, response: BriefingResponse) -> dict[str, str]:
    """Predicted event id -> its gold cluster label, for the events that match gold."""
    text = case.article.text
    pairs = match(case.gold.events, response.events, text, strict)
    taken = {p.event.id for p in pairs}
    found = {p.gold.id for p in pairs}
    rest_gold = [g for g in case.gold.events if g.id not in found]
    rest = [e for e in response.events if e.id not in taken]
    pairs += match(rest_gold, rest, text, relaxed)
    return {p.event.id: p.gold.happening or f"{case.name}#{p.gold.id}" for p in pairs}


def merge_score(
    cases: Sequence[GoldCase], responses: Sequence[BriefingResponse | None]
) -> dict[str, Any]:
    """The merge's pairwise and B-cubed scores for the briefings of `cases` (None: failed)."""
    reports: list[Report] = []
    labels: dict[tuple[int, str], str] = {}
    unmatched = 0
    for index, (case, response) in enumerate(zip(cases, responses, strict=True)):
        if response is None:
            continue
        reports.extend(reports_of(index, response, case.article))
        gold = _gold_labels(case, response)
        for event in response.events:
            unmatched += event.id not in gold
            labels[(index, event.id)] = gold.get(event.id, f"{case.name}#unmatched:{event.id}")
    merged = merge_events(reports)
    cluster = {
        (m.article_index, m.event_id): merged_event.id
        for merged_event in merged
        for m in merged_event.members
    }
    items = sorted(labels)
    predicted = {frozenset(p) for p in combinations(items, 2) if cluster[p[0]] == cluster[p[1]]}
    linked = {frozenset(p) for p in combinations(items, 2) if labels[p[0]] == labels[p[1]]}
    right = len(predicted & linked)
    sizes = Counter(g.happening for c in cases for g in c.gold.events if g.happening)
    all_gold_pairs = sum(n * (n - 1) // 2 for n in sizes.values())
    b_p, b_r = _bcubed(items, cluster, labels)
    precision, recall = _ratio(right, len(predicted)), _ratio(right, len(linked))
    return {
        "articles": len(cases),
        "gold_happenings": len(sizes),
        "gold_pairs": all_gold_pairs,
        "events": len(reports),
        "matched_events": len(reports) - unmatched,
        "merged_events": len(merged),
        "merged_pairs": len(predicted),
        "right_pairs": right,
        "found_gold_pairs": len(linked),
        "pairwise": {"precision": precision, "recall": recall, "f1": _f1(precision, recall)},
        "linked": _ratio(right, all_gold_pairs),
        "bcubed": {"precision": b_p, "recall": b_r, "f1": _f1(b_p, b_r)},
        "wrong_merges": _wrong(merged, labels),
    }


def _bcubed(
    items: list[tuple[int, str]], cluster: dict[tuple[int, str], str], labels: dict[Any, str]
) -> tuple[float | None, float | None]:
    if not items:
        return None, None
    precision = recall = 0.0
    for item in items:
        mine = [i for i in items if cluster[i] == cluster[item]]
        gold = [i for i in items if labels[i] == labels[item]]
        both = sum(1 for i in mine if labels[i] == labels[item])
        precision += both / len(mine)
        recall += both / len(gold)
    return round(precision / len(items), 3), round(recall / len(items), 3)


def _wrong(merged: list[Any], labels: dict[tuple[int, str], str]) -> list[dict[str, Any]]:
    """Merged events whose reports belong to more than one gold cluster: what went wrong."""
    out = []
    for event in merged:
        seen = {labels.get((m.article_index, m.event_id)) for m in event.members}
        if len(seen) > 1:
            out.append({"merged": event.id, "gold": sorted(s for s in seen if s)})
    return out


def merge_summary(score: dict[str, Any]) -> str:
    pw, b3 = score["pairwise"], score["bcubed"]

    def fmt(value: float | None) -> str:
        return "–" if value is None else f"{value:.2f}"

    return (
        f"merge: {score['events']} events of {score['articles']} articles -> "
        f"{score['merged_events']} merged; pairwise P {fmt(pw['precision'])} "
        f"R {fmt(pw['recall'])} F1 {fmt(pw['f1'])}; B-cubed P {fmt(b3['precision'])} "
        f"R {fmt(b3['recall'])} F1 {fmt(b3['f1'])}; gold links recovered end to end "
        f"{score['right_pairs']}/{score['gold_pairs']} ({fmt(score['linked'])}); "
        f"wrong merges {len(score['wrong_merges'])}"
    )
