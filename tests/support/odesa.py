"""One drone strike on Odesa as three outlets report it: the merge's worked example.

Three articles (a wire story, a regional paper, a next-day follow-up) with their gold
annotations, so the scripted LLM can answer each with its oracle draft: the strike with
death tolls of 3, 5 and 3 (one report disputed by Russia's defence ministry), the drones
downed (44 and 45) in two of them, and a Kharkiv strike only the wire reports.
"""

from __future__ import annotations

from typing import Any

from schemas import Article
from service.evaluation.gold import GoldCase, GoldEvent, GoldFile

WIRE = (
    "Russian drones struck the port city of Odesa late on Saturday, killing three people "
    "and wounding eight, regional governor Oleh Kiper said on Sunday. "
    "Ukraine's air force said it shot down 44 drones overnight. "
    "In Kharkiv, police said a missile hit a warehouse on Sunday."
)
COURIER = (
    "Five people were killed when Russian drones hit apartment blocks in the Odesa region on "
    "Saturday, governor Oleh Kiper said. Russia's defence ministry denied the account and "
    "said it struck only military targets."
)
DAILY = (
    "Odesa was still clearing rubble on Monday after a Russian drone attack on Saturday "
    "killed three people, governor Oleh Kiper said. "
    "Ukraine's air force said on Sunday that it had shot down 45 drones."
)


def _gold(*events: dict[str, Any]) -> GoldFile:
    return GoldFile(
        annotator="test",
        events=[GoldEvent.model_validate({"id": f"g{i}", **e}) for i, e in enumerate(events, 1)],
    )


def _case(name: str, text: str, source: str, day: str, gold: GoldFile) -> GoldCase:
    article = Article(text=text, source=source, published_at=day, url=f"https://{name}.test/a")  # type: ignore[arg-type]
    return GoldCase(name=name, article=article, gold=gold)


STRIKE = {
    "type": "attack",
    "initiator": "Russian drones",
    "attributed_to": "Oleh Kiper",
    "happening": "odesa-strike",
}
DOWNED = {"type": "interception", "initiator": "Ukraine's air force", "happening": "downed"}
CASES = [
    _case(
        "wire",
        WIRE,
        "Northern Wire",
        "2025-11-09",
        _gold(
            STRIKE
            | {
                "location": "Odesa",
                "date_phrase": "late on Saturday",
                "killed": 3,
                "injured": 8,
                "evidence": [WIRE.split(" Ukraine's")[0]],
            },
            DOWNED
            | {
                "date_phrase": "overnight",
                "quantities": [{"value": 44, "unit": "drones"}],
                "evidence": ["Ukraine's air force said it shot down 44 drones overnight."],
            },
            {
                "type": "attack",
                "location": "Kharkiv",
                "date_phrase": "on Sunday",
                "evidence": ["In Kharkiv, police said a missile hit a warehouse on Sunday."],
            },
        ),
    ),
    _case(
        "courier",
        COURIER,
        "Black Sea Courier",
        "2025-11-09",
        _gold(
            STRIKE
            | {
                "location": "the Odesa region",
                "date_phrase": "on Saturday",
                "killed": 5,
                "disputed": True,
                "evidence": [COURIER],
            }
        ),
    ),
    _case(
        "daily",
        DAILY,
        "Continental Daily",
        "2025-11-10",
        _gold(
            STRIKE
            | {
                "location": "Odesa",
                "date_phrase": "on Saturday",
                "killed": 3,
                "evidence": [DAILY.split(" Ukraine's")[0]],
            },
            DOWNED
            | {
                "date_phrase": "on Sunday",
                "quantities": [{"value": 45, "unit": "drones"}],
                "evidence": ["Ukraine's air force said on Sunday that it had shot down 45 drones."],
            },
        ),
    ),
]
