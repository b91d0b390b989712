"""Our event types and their fixed mapping to ACLED and CAMEO.

The mapping is code, not model output: analysts load these columns into tools that
expect ACLED's vocabulary, so the same type must always map to the same codes.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class EventType(StrEnum):
    ATTACK = "attack"
    INTERCEPTION = "interception"
    INFRASTRUCTURE_DAMAGE = "infrastructure_damage"
    STATEMENT = "statement"
    ACCUSATION = "accusation"
    DIPLOMACY = "diplomacy"
    AGREEMENT = "agreement"
    PROTEST = "protest"
    POLICY = "policy"
    LEGAL = "legal"
    DISASTER = "disaster"
    ECONOMIC = "economic"
    OTHER = "other"


class Taxonomy(BaseModel):
    """External codes for one of our event types (None where no code applies)."""

    model_config = ConfigDict(frozen=True)

    acled_event_type: str | None
    acled_sub_event_type: str | None
    cameo_root: str | None
    cameo_label: str | None


def _t(acled: str | None, sub: str | None, cameo: str | None, label: str | None) -> Taxonomy:
    return Taxonomy(
        acled_event_type=acled,
        acled_sub_event_type=sub,
        cameo_root=cameo,
        cameo_label=label,
    )


TAXONOMY: dict[EventType, Taxonomy] = {
    # ACLED type and sub-type only when the evidence names the means (grounding/taxonomy.py)
    EventType.ATTACK: _t(None, None, "19", "Fight"),
    EventType.INTERCEPTION: _t("Strategic developments", "Disrupted weapons use", "19", "Fight"),
    EventType.INFRASTRUCTURE_DAMAGE: _t(
        "Explosions/Remote violence",
        "Air/drone strike",
        "19",
        "Fight",
    ),
    EventType.STATEMENT: _t(None, None, "01", "Make public statement"),
    EventType.ACCUSATION: _t(None, None, "11", "Disapprove"),
    EventType.DIPLOMACY: _t(None, None, "04", "Consult"),
    EventType.AGREEMENT: _t(
        "Strategic developments", "Agreement", "05", "Engage in diplomatic cooperation"
    ),
    EventType.PROTEST: _t("Protests", "Peaceful protest", "14", "Protest"),
    EventType.POLICY: _t(None, None, None, None),
    EventType.LEGAL: _t(None, None, None, None),
    EventType.DISASTER: _t(None, None, None, None),
    EventType.ECONOMIC: _t(None, None, None, None),
    EventType.OTHER: _t(None, None, None, None),
}
