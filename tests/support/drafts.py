"""Draft payloads for the seed article, as a model would send them (tool-call arguments).

Sentence ids are looked up by content, so the drafts stay right if the splitter changes.
"""

from __future__ import annotations

from typing import Any

from service.grounding.text import split_sentences
from tests.support.articles import seed_request

SEED_TEXT: str = seed_request()["article"]["text"]
_SENTENCES = split_sentences(SEED_TEXT)

EMPTY_DRAFT: dict[str, Any] = {"headline": "", "summary": "", "key_points": [], "events": []}
"""Valid for any article: no item cites evidence; the empty headline and summary are
replaced from the article (title or first sentence) by verification."""


def sid(fragment: str) -> int:
    """The id of the one sentence of the seed article that contains `fragment`."""
    ids = [s.id for s in _SENTENCES if fragment in s.text]
    assert len(ids) == 1, f"{fragment!r} is in sentences {ids}"
    return ids[0]


def event(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "evidence": [sid("Some 20,000 households")],
        "type": "infrastructure_damage",
        "summary": "A missile strike damaged power and heating systems in Belgorod.",
        "actors": [],
        "location": "Belgorod",
        "when": "late on Saturday",
    }
    return base | fields


def good_draft() -> dict[str, Any]:
    """A faithful draft: every item is in the article."""
    belgorod = [sid("A missile strike late on Saturday"), sid("Some 20,000 households")]
    return {
        "headline": "Ukrainian strikes cut power and heating in two Russian cities",
        "summary": "Ukrainian drone and missile strikes disrupted power in Voronezh and "
        "Belgorod, while Kyiv accused Moscow of endangering nuclear safety.",
        "key_points": [
            {
                "evidence": [sid("Ukrainian strikes disrupted power")],
                "text": "Ukrainian strikes disrupted power and heating to two Russian cities.",
            },
            {"evidence": belgorod[1:], "text": "Some 20,000 households in Belgorod were affected."},
        ],
        "events": [
            event(
                evidence=belgorod,
                type="attack",
                summary="A missile strike damaged power and heating systems in Belgorod.",
                actors=[
                    {
                        "name": "Vyacheslav Gladkov",
                        "role": "claimant",
                        "kind": "government_official",
                        "country": "Russia",
                    }
                ],
                quantities=[{"value": 20000, "unit": "households", "what": "affected"}],
                source="Gov. Vyacheslav Gladkov",
            ),
            event(
                evidence=[sid("destroyed or intercepted 44 Ukrainian drones")],
                type="interception",
                summary="Russia's defense ministry said its forces downed 44 Ukrainian drones.",
                actors=[
                    {
                        "name": "Russia's defense ministry",
                        "role": "claimant",
                        "kind": "military",
                        "country": "Russia",
                    }
                ],
                location="Bryansk",
                when="during the night",
                quantities=[{"value": 44, "unit": "drones", "what": "destroyed or intercepted"}],
                source="Russia's defense ministry",
            ),
            event(
                evidence=[sid("ready to meet U.S. Secretary of State")],
                type="diplomacy",
                summary="Sergey Lavrov said he was ready to meet Marco Rubio.",
                actors=[
                    {
                        "name": "Sergey Lavrov",
                        "role": "initiator",
                        "kind": "government_official",
                        "country": "Russia",
                    },
                    {
                        "name": "Marco Rubio",
                        "role": "target",
                        "kind": "government_official",
                        "country": None,
                    },
                ],
                location=None,
                when="Sunday",
            ),
        ],
    }


def voronezh_event() -> dict[str, Any]:
    """The seed's Voronezh drone strike (its governor the claimant), as a model drafts it."""
    return event(
        evidence=[sid("A drone strike temporarily caused blackouts")],
        type="attack",
        summary="A drone strike caused blackouts and cut heating in parts of Voronezh.",
        actors=[
            {
                "name": "Alexander Gusev",
                "role": "claimant",
                "kind": "government_official",
                "country": "Russia",
            }
        ],
        location="Voronezh",
        when="during the night",
        source="Gov. Alexander Gusev",
    )


def located_draft() -> dict[str, Any]:
    """`good_draft` plus the Voronezh drone strike first: events in Voronezh, Belgorod and
    Bryansk (each geocoded by verification) and one without a place (Lavrov)."""
    draft = good_draft()
    draft["events"].insert(0, voronezh_event())
    return draft


SCRIPT_TAG = "<script>alert(1)</script>"
IMG_TAG = '"><img src=x onerror=alert(2)>'
HOSTILE_TEXT = (
    "KHARKIV, Ukraine (AP) — A drone strike damaged a power station in Kharkiv on Saturday, "
    "regional officials said.\n\n"
    f"A post reading {SCRIPT_TAG} appeared on the regional Telegram channel after the strike.\n\n"
    f"Another post claimed {IMG_TAG} before it was deleted, the officials said."
)
"""An article carrying markup: the pages must show it as text, never run it."""


def hostile_draft() -> dict[str, Any]:
    """A draft for HOSTILE_TEXT whose items quote (and repeat) the markup."""
    strike, script, img = (s.id for s in split_sentences(HOSTILE_TEXT))
    return {
        "headline": f"Drone strike hits Kharkiv power station {SCRIPT_TAG}",
        "summary": f"A post said {IMG_TAG} after a drone strike in Kharkiv.",
        "key_points": [
            {"evidence": [script], "text": f"A post read {SCRIPT_TAG}."},
            {"evidence": [img], "text": f"Another post claimed {IMG_TAG}."},
        ],
        "events": [
            {
                "evidence": [strike, img],
                "type": "attack",
                "summary": f"A drone strike damaged a power station {IMG_TAG}.",
                "actors": [],
                "location": "Kharkiv",
                "when": "on Saturday",
            }
        ],
    }
