"""The cross-article merge (service/merge/): which reports join, why, and what they say."""

from __future__ import annotations

from datetime import date
from typing import Any

from schemas import TAXONOMY, Event, EventType, Location
from service.merge import Report, merge_events
from service.merge.facts import Level, context_place, facts
from service.merge.rules import FAMILY, compare, explain, family, judge

ODESA = {
    "name": "Odesa",
    "admin1": "Odesa",
    "country": "Ukraine",
    "country_code": "UA",
    "latitude": 46.48,
    "longitude": 30.73,
    "precision": "city",
}
ODESA_REGION = {
    "name": "the Odesa region",
    "admin1": "Odesa",
    "country": "Ukraine",
    "country_code": "UA",
    "latitude": 46.6,
    "longitude": 30.4,
    "precision": "region",
}
KHARKIV = ODESA | {"name": "Kharkiv", "admin1": "Kharkiv", "latitude": 49.98, "longitude": 36.25}
UKRAINE = {"name": "Ukraine", "country": "Ukraine", "country_code": "UA", "precision": "country"}


def event(
    eid: str = "e1",
    type: str = "attack",
    day: str | None = "2025-11-08",
    end: str | None = None,
    place: dict[str, Any] | None = ODESA,
    initiator: str | None = "Russia",
    killed: int | None = None,
    quantities: list[tuple[float, str]] = (),  # type: ignore[assignment]
    source: str | None = None,
    disputed: bool = False,
    precision: str = "day",
    summary: str | None = None,
) -> Event:
    return Event.model_validate(
        {
            "id": eid,
            "type": type,
            "taxonomy": TAXONOMY[EventType(type)].model_dump(),
            "summary": summary or f"{type} {eid}",
            "actors": [{"name": initiator, "role": "initiator"}] if initiator else [],
            "location": place,
            "date": {
                "phrase": "on Saturday",
                "start": day,
                "end": end,
                "precision": precision if day else "unknown",
            },
            "quantities": [{"value": v, "unit": u, "what": ""} for v, u in quantities],
            "casualties": {"killed": killed, "injured": None} if killed is not None else None,
            "attributed_to": {"source": source, "disputed": disputed} if source else None,
            "evidence": [{"quote": f"text of {eid}", "start": 0, "end": len(f"text of {eid}")}],
        }
    )


def report(
    article: int,
    ev: Event,
    outlet: str | None = None,
    day: str | None = None,
    context: Location | None = None,
) -> Report:
    return Report(
        article=article,
        briefing_id=f"b{article}",
        event=ev,
        source=outlet or f"Outlet {article}",
        published_at=date.fromisoformat(day) if day else None,
        url=f"https://outlet{article}.test/story",
        context=context,
    )


def test_three_outlets_report_one_strike_with_numbers_that_disagree() -> None:
    reports = [
        report(0, event(killed=3, quantities=[(44, "drones")], source="Ukraine's air force")),
        report(
            1,
            event(
                place=ODESA_REGION, killed=5, quantities=[(45, "drone")], initiator="Russian forces"
            ),
            day="2025-11-09",
        ),
        report(2, event(type="infrastructure_damage", killed=3, initiator=None), day="2025-11-10"),
    ]
    (merged,) = merge_events(reports)
    assert merged.num_articles == 3 and merged.num_sources == 3
    assert [m.briefing_id for m in merged.members] == ["b1", "b2", "b0"]  # dated first
    assert merged.first_reported == date(2025, 11, 9)
    assert merged.last_reported == date(2025, 11, 10)
    assert merged.location is not None and merged.location.precision == "city"
    assert merged.type is EventType.ATTACK and merged.types == ["attack", "infrastructure_damage"]
    killed = merged.casualties.killed  # type: ignore[union-attr]
    assert (killed.min, killed.max, killed.conflicting) == (3, 5, True)  # type: ignore[union-attr]
    (drones,) = merged.quantities
    assert (drones.min, drones.max, drones.conflicting) == (44, 45, True)
    assert {f.source: f.value for f in drones.reports} == {"Outlet 0": 44, "Outlet 1": 45}
    assert set(merged.conflicting) == {
        "type",
        "killed",
        "quantity:drone",
    }  # as the first report writes it
    assert len(merged.joins) == 2
    places = {j.place for j in merged.joins}
    assert "Odesa is in Odesa" in places
    # every report's evidence, tied to its briefing and event
    assert [(e.briefing_id, e.event_id, e.quote) for e in merged.evidence] == [
        (m.briefing_id, m.event_id, f"text of {m.event_id}") for m in merged.members
    ]


def test_agreeing_figures_are_not_conflicting_and_outlets_count_once() -> None:
    reports = [
        report(0, event(killed=2), outlet="Wire"),
        report(1, event(killed=2), outlet="wire "),  # the same outlet, twice
    ]
    (merged,) = merge_events(reports)
    assert merged.num_articles == 2 and merged.num_sources == 1
    assert merged.conflicting == []


def test_a_disputed_attribution_is_flagged_with_the_reports_that_dispute_it() -> None:
    reports = [
        report(0, event(source="the army")),
        report(1, event(source="The Army", disputed=True)),
        report(2, event(source="the army")),
    ]
    (merged,) = merge_events(reports)
    (claim,) = merged.attributions
    assert claim.reported_by == ["b0", "b1", "b2"] and claim.disputed_in == ["b1"]
    assert claim.conflicting and "attribution" in merged.conflicting


def test_different_cities_days_countries_types_or_initiators_stay_apart() -> None:
    base = report(0, event())
    others = [
        event(place=KHARKIV),
        event(day="2025-11-09"),
        event(place=ODESA | {"country_code": "MD", "latitude": 47.0}),
        event(type="protest"),
        event(type="interception"),
        event(initiator="Ukraine"),
        event(day=None),
    ]
    for i, other in enumerate(others, 1):
        merged = merge_events([base, report(i, other)])
        assert len(merged) == 2, other


def test_a_week_long_range_overlaps_a_day_inside_it() -> None:
    week = event(day="2025-11-03", end="2025-11-09", precision="week")
    (merged,) = merge_events([report(0, week), report(1, event())])
    assert merged.date.precision == "day"  # the most precise report's date
    assert merged.joins[0].date == "overlap 2025-11-08"


def test_two_events_of_one_article_never_merge_even_through_a_third() -> None:
    a1, a2 = event("e1"), event("e2", place=ODESA_REGION)
    merged = merge_events([report(0, a1), report(0, a2), report(1, event())])
    assert sorted(m.num_articles for m in merged) == [1, 2]


def test_no_chain_from_one_city_to_another_through_a_country_level_report() -> None:
    reports = [report(0, event()), report(1, event(place=UKRAINE)), report(2, event(place=KHARKIV))]
    merged = merge_events(reports)
    assert sorted(m.num_articles for m in merged) == [1, 2]


def test_placeless_reports_need_matching_initiators() -> None:
    said = event(type="statement", place=None, initiator="Sergey Lavrov")
    same = merge_events(
        [report(0, said), report(1, event(type="accusation", place=None, initiator="Lavrov"))]
    )
    assert len(same) == 1 and same[0].joins[0].actors == "same initiator (Sergey Lavrov ~ Lavrov)"
    anon = merge_events(
        [report(0, said), report(1, event(type="statement", place=None, initiator=None))]
    )
    assert len(anon) == 2


def test_the_same_input_gives_the_same_output() -> None:
    reports = [report(i % 4, event(f"e{i}", killed=i)) for i in range(8)]
    assert merge_events(reports) == merge_events(reports)


def test_compare_explains_each_test() -> None:
    test = compare(event(), event(place=ODESA_REGION, initiator="Russian forces"))
    assert test is not None
    assert (test.type, test.date, test.place, test.actors) == (
        "same type",
        "overlap 2025-11-08",
        "Odesa is in Odesa",
        "same initiator (Russia ~ Russian forces)",
    )


def test_one_family_table_decides_both_the_blocking_and_the_type_test() -> None:
    """Types of one family are compared (cluster.py blocks by family) and pass the type
    test; a type outside it is a family of its own, and meets no other type."""
    for member, head in FAMILY.items():
        assert family(member) is head and family(head) is head
        joined = compare(event(type=member.value), event(type=head.value))
        assert joined is not None and joined.type == f"compatible types ({member} ~ {head})"
        reports = [report(0, event(type=member.value)), report(1, event(type=head.value))]
        assert len(merge_events(reports)) == 1
    assert family(EventType.INTERCEPTION) is EventType.INTERCEPTION
    assert compare(event(type="interception"), event(type="attack")) is None


def test_a_join_is_worded_from_the_verdict_that_made_it() -> None:
    """explain() reads what judge() found: the place rule, the overlap, the initiators."""
    a = facts(event(day="2025-11-07", end="2025-11-09"))
    b = facts(event(place=ODESA_REGION, initiator="Russian forces"))
    assert (a.level, b.level) == (Level.CITY, Level.REGION)
    verdict = judge(a, b)
    assert verdict is not None
    assert (verdict.place, verdict.overlap, verdict.actors) == (
        "within",
        (date(2025, 11, 8), date(2025, 11, 8)),
        (0, 0),
    )
    assert verdict.strength == 2 * 4 + 1 * 2 + 1  # containment, same initiator, same type
    join = explain(a, b, verdict, (3, 5))
    assert (join.a, join.b, join.place, join.date) == (
        3,
        5,
        "Odesa is in Odesa",
        "overlap 2025-11-08",
    )
    assert judge(a, facts(event(place=KHARKIV))) is None  # another city: no verdict at all


def test_a_description_never_conflicts_with_a_name_but_sides_do() -> None:
    def apart(a: str | None, b: str | None) -> bool:
        return (
            len(merge_events([report(0, event(initiator=a)), report(1, event(initiator=b))])) == 2
        )

    assert not apart("JNIM", "jihadist fighters")  # a name and a description of it
    assert not apart("the army", "soldiers")
    assert apart("the army", "gunmen")  # state forces and an armed group
    assert apart("Russian air defence units", "Ukraine's air force")  # the names differ
    assert not apart("Russia", "Russian forces")


def test_an_undated_report_stands_for_the_week_before_its_publication() -> None:
    dated = report(0, event(day="2025-11-08"), day="2025-11-08")
    for published, merged in (("2025-11-10", 1), ("2025-11-14", 1), ("2025-11-15", 2), (None, 2)):
        undated = report(1, event(day=None), day=published)
        assert len(merge_events([dated, undated])) == merged, published
    (joined,) = merge_events([dated, report(1, event(day=None), day="2025-11-10")])
    assert "undated report stands for the week before its publication" in joined.joins[0].date


def test_a_placeless_strike_takes_its_articles_place_and_a_statement_does_not() -> None:
    odesa = context_place([event(place=ODESA), event("e2", place=ODESA_REGION)])
    assert odesa is not None and (odesa.admin1, odesa.precision) == ("Odesa", "region")
    assert context_place([event(place=ODESA), event(place=KHARKIV)]).precision == "country"  # type: ignore[union-attr]
    placeless = event(place=None, initiator=None)
    same = merge_events([report(0, event()), report(1, placeless, context=odesa)])
    assert len(same) == 1
    assert "its article's other events are in Odesa" in same[0].joins[0].place
    other = merge_events([report(0, event(place=KHARKIV)), report(1, placeless, context=odesa)])
    assert len(other) == 2
    said = event(type="statement", place=None, initiator=None)
    assert (
        len(merge_events([report(0, event(type="statement")), report(1, said, context=odesa)])) == 2
    )


def test_placeless_unnamed_reports_join_only_on_similar_wording() -> None:
    def statement(summary: str) -> Event:
        return event(type="agreement", place=None, initiator=None, summary=summary)

    a = statement("Bangladesh and India agreed to start formal negotiations on the Ganges treaty")
    b = statement("the two countries agreed to start formal talks on renewing the Ganges treaty")
    c = statement("The central bank agreed to cut interest rates by half a point")
    (merged,) = merge_events([report(0, a), report(1, b)])
    assert "similar wording (agree, forma, gange, start, treat)" in merged.joins[0].actors
    assert len(merge_events([report(0, a), report(1, c)])) == 2


def test_districts_of_one_admin1_are_different_places() -> None:
    arequipa = {"country": "Peru", "country_code": "PE", "admin1": "Arequipa"}
    region = arequipa | {"name": "the Arequipa region", "precision": "region"}
    camana = arequipa | {"name": "Camaná province", "precision": "region", "latitude": -16.4}
    camana |= {"longitude": -72.7}
    caraveli = arequipa | {"name": "Caravelí province", "precision": "region", "latitude": -15.6}
    caraveli |= {"longitude": -73.6}
    town = arequipa | {"name": "Camaná", "precision": "city", "latitude": -16.62}
    town |= {"longitude": -72.71}

    def joined(a: dict[str, Any], b: dict[str, Any]) -> str | None:
        test = compare(event(type="disaster", place=a), event(type="disaster", place=b))
        return None if test is None else test.place

    assert joined(camana, caraveli) is None  # two districts, one admin1
    assert joined(camana, region) == "Camaná province is in Arequipa"
    assert joined(town, camana) == "Camaná is in Camaná province"
    assert joined(town, caraveli) is None  # 130 km from that district's centre
    assert joined(town, region) == "Camaná is in Arequipa"


def test_among_equally_sure_joins_the_closer_wording_goes_first() -> None:
    """One article reports the quake and a mine collapse the same day in the same place;
    another only the quake: the rules allow either join, the wording picks the quake."""
    quake = "A magnitude 6.1 earthquake struck southern Peru, killing seven people"
    mine = "Four miners died when a tunnel collapsed"
    reports = [
        report(0, event("e1", type="disaster", initiator=None, summary=mine)),
        report(0, event("e2", type="disaster", initiator=None, summary=quake)),
        report(1, event(type="disaster", initiator=None, summary="The earthquake killed nine")),
    ]
    together = next(m for m in merge_events(reports) if m.num_articles == 2)
    assert {(m.article_index, m.event_id) for m in together.members} == {(0, "e2"), (1, "e1")}


def test_a_spokesman_and_his_ministry_are_one_side_for_what_they_say() -> None:
    """Session 8's known miss: "Taras Hlushko" ~ "Ukraine's foreign ministry", once each
    initiator carries its country (service/grounding/actors.py); violence keeps to names."""

    def merged(kind: str, a: tuple[str, str | None], b: tuple[str, str | None]) -> bool:
        first, second = event(type=kind, initiator=a[0]), event(type=kind, initiator=b[0])
        first.actors[0].country_code, second.actors[0].country_code = a[1], b[1]
        return len(merge_events([report(0, first), report(1, second)])) == 1

    hlushko, ministry = ("Taras Hlushko", "UA"), ("Ukraine's foreign ministry", "UA")
    assert merged("statement", hlushko, ministry)
    assert not merged("statement", hlushko, ("Russia's foreign ministry", "RU"))
    assert not merged("statement", hlushko, (ministry[0], None))  # no code, no link
    # one country's two armies are two sides of its war
    assert not merged("attack", ("Sudanese army", "SD"), ("RSF", "SD"))
