"""The verification layer on fixed drafts: what a weak or lying model sends, and what survives."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from schemas import BriefingOptions
from service.grounding.dates import find_date_phrase
from service.grounding.draft import Draft
from service.grounding.evidence import ArticleText
from service.grounding.text import split_sentences
from service.grounding.verify import Verified, verify
from tests.support.drafts import SEED_TEXT, event, good_draft, sid

ARTICLE = ArticleText(SEED_TEXT, split_sentences(SEED_TEXT))
PUBLISHED = date(2025, 11, 9)


def run(draft: dict[str, Any], published: date | None = PUBLISHED, **options: int) -> Verified:
    return verify(
        Draft.model_validate(draft),
        ARTICLE,
        published=published,
        options=BriefingOptions(**options),
        title="Seed title",
    )


def only_events(*events: dict[str, Any]) -> dict[str, Any]:
    return good_draft() | {"events": list(events)}


def test_faithful_draft_survives_whole_with_exact_offsets() -> None:
    result = run(good_draft())
    assert result.dropped == []
    assert [e.type for e in result.events] == ["attack", "interception", "diplomacy"]
    assert [e.id for e in result.events] == ["e1", "e2", "e3"]
    for item in [*result.briefing.key_points, *result.events]:
        for span in item.evidence:
            assert SEED_TEXT[span.start : span.end] == span.quote
    belgorod = result.events[0]
    assert belgorod.date.start == date(2025, 11, 8)
    assert belgorod.date.precision == "day"
    assert belgorod.quantities[0].value == 20000
    assert belgorod.taxonomy.acled_sub_event_type == "Shelling/artillery/missile attack"
    assert result.events[1].taxonomy.acled_sub_event_type == "Disrupted weapons use"
    assert (result.events[1].date.start, result.events[1].date.end) == (
        date(2025, 11, 8),
        date(2025, 11, 9),
    )
    assert result.events[2].date.start == date(2025, 11, 9)
    assert result.events[2].taxonomy.cameo_root == "04"


def test_invented_quote_never_reaches_the_response() -> None:
    invented = "Ukraine said 500 soldiers were killed in Voronezh."
    draft = good_draft()
    draft["key_points"].append({"evidence": [invented], "text": "Soldiers died."})
    result = run(draft)
    assert invented not in result.briefing.model_dump_json()
    assert [kp.text for kp in result.briefing.key_points] == [
        kp["text"] for kp in good_draft()["key_points"]
    ]
    reasons = [d.reason for d in result.dropped]
    assert any("quote not found" in r for r in reasons)
    assert ("key_points[2]", "no verifiable evidence") in [
        (d.what, d.reason) for d in result.dropped
    ]
    assert all("Soldiers" not in r and "500" not in r for r in reasons)


def test_wrong_offsets_are_recomputed_from_the_article() -> None:
    quote = "Some 20,000 households were affected, he said."
    true_start = SEED_TEXT.index(quote)
    draft = only_events(event(evidence=[{"quote": quote, "start": 3, "end": 7}]))
    span = run(draft).events[0].evidence[0]
    assert (span.start, span.end) == (true_start, true_start + len(quote))
    assert span.quote == quote


def test_quote_with_straight_quotes_maps_to_curly_original() -> None:
    quote = 'caused "serious damage" to power and heating systems'
    span = run(only_events(event(evidence=[quote]))).events[0].evidence[0]
    assert span.quote == "caused “serious damage” to power and heating systems"
    assert SEED_TEXT[span.start : span.end] == span.quote


def test_invented_actor_is_dropped_and_real_one_kept() -> None:
    actors = [
        {"name": "Eliajad", "role": "initiator"},
        {"name": "Alexander Gusev", "role": "claimant", "kind": "government_official"},
    ]
    result = run(only_events(event(actors=actors)))
    assert [a.name for a in result.events[0].actors] == ["Alexander Gusev"]
    assert [(d.what, d.reason) for d in result.dropped] == [
        ("events[0].actors[0]", "actor not found in the article"),
    ]


def test_households_are_not_casualties() -> None:
    draft = only_events(
        event(killed=20000, quantities=[{"value": 20000, "unit": "households", "what": "hit"}])
    )
    result = run(draft)
    ev = result.events[0]
    assert ev.casualties is None
    assert [(q.value, q.unit) for q in ev.quantities] == [(20000, "households")]
    assert [d.what for d in result.dropped] == ["events[0].casualties.killed"]


@pytest.mark.parametrize(
    ("quantity", "kept"),
    [
        ({"value": 20000, "unit": "households", "what": "affected"}, True),
        ({"value": 20000, "unit": "people", "what": "killed"}, False),
        ({"value": 30000, "unit": "households", "what": "affected"}, False),
        ({"value": 340000, "unit": "people", "what": "population"}, False),  # not in evidence
    ],
)
def test_quantities_must_be_stated_in_their_evidence(quantity: dict[str, Any], kept: bool) -> None:
    result = run(only_events(event(quantities=[quantity])))
    assert (len(result.events[0].quantities) == 1) is kept


def test_event_repeated_eight_times_becomes_one() -> None:
    repeated = event(summary="A missile strike damaged power systems in Belgorod.")
    result = run(only_events(*[repeated] * 8))
    assert len(result.events) == 1
    assert [(d.what, d.reason) for d in result.dropped] == [
        (f"events[{i}]", "duplicate of events[0]; evidence merged") for i in range(1, 8)
    ]


def test_distinct_events_of_same_type_are_kept() -> None:
    voronezh = event(
        evidence=[sid("A drone strike temporarily caused blackouts")],
        summary="A drone strike cut power and heating in Voronezh.",
        location="Voronezh",
        when="during the night",
    )
    assert len(run(only_events(event(), voronezh)).events) == 2


def test_invented_date_phrase_is_not_resolved() -> None:
    result = run(only_events(event(when="2025-11-09T03:00:00Z")))
    date_ = result.events[0].date
    assert (date_.phrase, date_.start, date_.precision) == (None, None, "unknown")
    assert any(d.what == "events[0].date" for d in result.dropped)


def test_relative_date_without_publication_date_is_unknown() -> None:
    date_ = run(only_events(event()), published=None).events[0].date
    assert (date_.phrase, date_.start, date_.precision) == ("late on Saturday", None, "unknown")


def test_summary_with_invented_number_drops_the_event() -> None:
    result = run(only_events(event(summary="A missile strike killed 12 people in Belgorod.")))
    assert result.events == []
    assert [(d.what, d.reason) for d in result.dropped] == [
        ("events[0]", "the summary states a number its evidence does not"),
    ]


def test_invented_location_and_source_are_removed_not_guessed() -> None:
    ev = run(only_events(event(location="Kharkiv", source="Reuters"))).events[0]
    assert ev.location is None
    assert ev.attributed_to is None


def test_sentence_id_out_of_range_and_bool_are_rejected() -> None:
    result = run(only_events(event(evidence=[999, sid("Some 20,000 households")])))
    assert len(result.events[0].evidence) == 1
    assert [(d.what, d.reason) for d in result.dropped] == [
        ("events[0].evidence", "evidence sentence id does not exist"),
    ]


def test_headline_with_unstated_number_falls_back_to_title() -> None:
    draft = good_draft() | {"headline": "Strikes kill 300 in Russia"}
    assert run(draft).briefing.headline == "Seed title"


def test_options_limit_key_points_and_events() -> None:
    result = run(good_draft(), max_key_points=1, max_events=2)
    assert len(result.briefing.key_points) == 1
    assert [e.id for e in result.events] == ["e1", "e2"]


def test_date_read_from_evidence_when_the_model_gives_none_or_invents_one() -> None:
    evidence = [sid("A missile strike late on Saturday")]
    for when in (None, "2025-11-08T22:00:00Z"):
        date_ = run(only_events(event(evidence=evidence, when=when))).events[0].date
        assert (date_.phrase, date_.start, date_.precision) == (
            "saturday".title(),
            date(2025, 11, 8),
            "day",
        )


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("He said several drones were jammed during the night over the city.", "during the night"),
        ("A missile strike late on Saturday also caused damage.", "Saturday"),
        ("Talks were held last week in Rabat.", "last week"),
        ("Officials met on Nov. 3, 2025 in Kyiv.", "Nov. 3, 2025"),
        ("The war began with the invasion in February 2022.", None),
        ("Belgorod had some 340,000 people at the last census in 2021.", None),
    ],
)
def test_find_date_phrase_in_evidence(text: str, phrase: str | None) -> None:
    assert find_date_phrase(text) == phrase


def test_the_outlets_country_reaches_the_places() -> None:
    text = "Fire crews defended homes in Blackheath on Sunday, the fire service said."
    draft = Draft.model_validate(
        {
            "headline": "Fire crews defended homes",
            "summary": "Fire crews defended homes.",
            "key_points": [],
            "events": [
                {
                    "evidence": [1],
                    "type": "disaster",
                    "summary": "Fire crews defended homes in Blackheath.",
                    "actors": [],
                    "location": "Blackheath",
                    "when": "on Sunday",
                }
            ],
        }
    )

    def country(url: str | None) -> str | None:
        article = ArticleText(text, split_sentences(text), "en", url=url)
        verified = verify(draft, article, published=PUBLISHED, options=BriefingOptions())
        (placed,) = verified.events
        assert placed.location is not None
        return placed.location.country_code

    assert country(None) is None  # which Blackheath is not said
    assert country("https://www.smh.com.au/national/nsw/fire") == "AU"
