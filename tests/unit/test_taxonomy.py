"""ACLED sub-types come from the evidence words, never from a default guess."""

from __future__ import annotations

import pytest

from schemas import TAXONOMY, EventType
from service.grounding.taxonomy import refine_taxonomy


@pytest.mark.parametrize(
    ("event_type", "evidence", "acled"),
    [
        (
            EventType.ATTACK,
            "A drone hit a fuel depot.",
            ("Explosions/Remote violence", "Air/drone strike"),
        ),
        (
            EventType.ATTACK,
            "Missiles struck the port overnight.",
            ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
        ),
        (EventType.ATTACK, "Heavy fighting continued near the town.", ("Battles", "Armed clash")),
        # the evidence does not say how: no ACLED code rather than an invented one
        (EventType.ATTACK, "Gunmen attacked the village, officials said.", (None, None)),
        (EventType.ATTACK, "The convoy was hit.", (None, None)),
        # other types keep their table entry whatever the words
        (
            EventType.INTERCEPTION,
            "Air defences downed 12 drones.",
            (
                TAXONOMY[EventType.INTERCEPTION].acled_event_type,
                TAXONOMY[EventType.INTERCEPTION].acled_sub_event_type,
            ),
        ),
    ],
)
def test_acled_codes_follow_the_evidence(
    event_type: EventType, evidence: str, acled: tuple[str | None, str | None]
) -> None:
    taxonomy = refine_taxonomy(TAXONOMY[event_type], event_type, evidence)
    assert (taxonomy.acled_event_type, taxonomy.acled_sub_event_type) == acled
    assert taxonomy.cameo_root == TAXONOMY[event_type].cameo_root
