"""The event candidate the staged rules build, and the type families they reason with."""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas import EventType

VIOLENCE = frozenset({EventType.ATTACK, EventType.INTERCEPTION, EventType.INFRASTRUCTURE_DAMAGE})


BLAMEABLE = frozenset({EventType.ATTACK, EventType.INFRASTRUCTURE_DAMAGE})


PHYSICAL = VIOLENCE | {EventType.PROTEST, EventType.DISASTER}


@dataclass(slots=True)
class Candidate:
    type: EventType
    sentence_ids: list[int]
    summary: str
    when: str | None = None
    place: str | None = None
    initiator: str | None = None
    source: str | None = None
    quantities: list[tuple[float, str]] = field(default_factory=list)
    killed: int | None = None
    injured: int | None = None
    anchor: str | None = None  # the date words a "la veille" is told against


def family(event_type: EventType) -> frozenset[EventType] | EventType:
    return VIOLENCE if event_type in VIOLENCE else event_type
