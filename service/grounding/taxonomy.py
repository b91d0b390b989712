"""Choose the ACLED sub-event type from the evidence words, deterministically.

Our `attack` type covers drone strikes, missile and artillery fire and ground clashes;
ACLED tells them apart. The evidence says which, so code decides rather than the model.
"""

from __future__ import annotations

import re

from schemas import EventType, Taxonomy
from service.grounding.text import normalise

_ATTACK_KINDS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("drone", "air strike", "airstrike", "bomber", "aircraft"),
        "Explosions/Remote violence",
        "Air/drone strike",
    ),
    (
        ("missile", "shell", "artillery", "rocket", "mortar"),
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
    ),
    (
        ("landmine", "ied", "car bomb", "explosive device"),
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
    ),
    (("clash", "fighting", "battle", "gunfight", "firefight"), "Battles", "Armed clash"),
)


def refine_taxonomy(base: Taxonomy, event_type: EventType, evidence: str) -> Taxonomy:
    if event_type not in (EventType.ATTACK, EventType.INFRASTRUCTURE_DAMAGE):
        return base
    text = normalise(evidence)
    for words, acled_type, sub_type in _ATTACK_KINDS:
        if re.search(r"\b(?:" + "|".join(map(re.escape, words)) + ")", text):
            return base.model_copy(
                update={"acled_event_type": acled_type, "acled_sub_event_type": sub_type},
            )
    return base
