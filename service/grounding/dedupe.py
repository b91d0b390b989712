"""Merge events that describe the same happening.

Small models repeat an event (one was seen listed eight times), and long articles
extracted in chunks report the same event from overlapping text. Two events are the same
when they have the same type, place and resolved date, and either share evidence or say
nearly the same thing; the first is kept and gains the other's evidence.
"""

from __future__ import annotations

import re

from schemas import Event, Span
from service.grounding.text import normalise

_WORD = re.compile(r"\w+")
SIMILAR_SUMMARY = 0.6


def _tokens(text: str) -> set[str]:
    return {w for w in _WORD.findall(normalise(text)) if len(w) > 2}


def _similarity(a: str, b: str) -> float:
    ta, tb = _tokens(a), _tokens(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def _place(event: Event) -> str | None:
    return normalise(event.location.name) if event.location else None


def same_event(a: Event, b: Event) -> bool:
    if a.type != b.type or a.date.start != b.date.start:
        return False
    if _place(a) and _place(b) and _place(a) != _place(b):
        return False
    shared = {(s.start, s.end) for s in a.evidence} & {(s.start, s.end) for s in b.evidence}
    similar = _similarity(a.summary, b.summary)
    return similar >= SIMILAR_SUMMARY or (bool(shared) and similar >= SIMILAR_SUMMARY / 2)


def _merge(kept: Event, other: Event) -> Event:
    spans: dict[tuple[int, int], Span] = {(s.start, s.end): s for s in kept.evidence}
    for span in other.evidence:
        spans.setdefault((span.start, span.end), span)
    update: dict[str, object] = {"evidence": [spans[k] for k in sorted(spans)]}
    for name in ("location", "casualties", "attributed_to"):
        if getattr(kept, name) is None and getattr(other, name) is not None:
            update[name] = getattr(other, name)
    for name in ("actors", "quantities"):
        if not getattr(kept, name):
            update[name] = getattr(other, name)
    return kept.model_copy(update=update)


def merge_duplicates(events: list[Event]) -> tuple[list[Event], list[tuple[Event, Event]]]:
    """The distinct events in first-seen order, and (duplicate, kept) pairs that were merged."""
    kept: list[Event] = []
    merged: list[tuple[Event, Event]] = []
    for event in events:
        for i, existing in enumerate(kept):
            if same_event(existing, event):
                kept[i] = _merge(existing, event)
                merged.append((event, existing))
                break
        else:
            kept.append(event)
    return kept, merged
