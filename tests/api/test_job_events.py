"""A job's events merged across its articles (`GET /v1/jobs/{id}/events` and `.csv`): three
outlets report one drone strike on Odesa with different death tolls, two report the drones
downed with different counts, one reports a strike no one else does (tests/support/odesa.py).
Real Redis, a SAQ worker in the test's loop, the scripted LLM answering each article with its
oracle draft (the draft its annotation implies), the real verifier and gazetteer.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from schemas.merged import JobEvents
from service.settings import Settings
from tests.support.odesa import COURIER, merged_job
from tests.support.scripted_llm import ScriptedLLM


async def test_a_job_of_related_articles_returns_each_event_once(
    client: Any, settings: Settings, llm: ScriptedLLM
) -> None:
    job_id, merged = await merged_job(client, settings, llm)
    assert (merged.status, merged.articles, merged.briefed, merged.expired) == ("done", 3, 3, 0)
    assert merged.reports == 6
    by_type = {(m.type, m.num_articles): m for m in merged.events}
    assert sorted(by_type) == [("attack", 1), ("attack", 3), ("interception", 2)]

    strike = by_type[("attack", 3)]
    assert strike.num_sources == 3
    assert [m.source for m in strike.members] == [
        "Northern Wire",
        "Black Sea Courier",
        "Continental Daily",
    ]
    assert str(strike.first_reported) == "2025-11-09" and str(strike.last_reported) == "2025-11-10"
    assert strike.location is not None and strike.location.precision == "city"
    assert strike.location.country_code == "UA"
    assert strike.casualties is not None and strike.casualties.killed is not None
    killed = strike.casualties.killed
    assert (killed.min, killed.max, killed.conflicting) == (3, 5, True)
    assert {f.source: f.value for f in killed.reports} == {
        "Northern Wire": 3,
        "Black Sea Courier": 5,
        "Continental Daily": 3,
    }
    (claim,) = strike.attributions
    courier_id = strike.members[1].briefing_id
    assert claim.disputed_in == [courier_id] and claim.conflicting
    assert claim.disputed_in_outlets == ["Black Sea Courier"]
    assert set(strike.conflicting) == {"killed", "attribution"}
    assert len(strike.joins) == 2
    assert any("is in Odesa" in j.place for j in strike.joins), strike.joins
    courier = [e for e in strike.evidence if e.briefing_id == courier_id]
    assert courier and all(COURIER[e.start : e.end] == e.quote for e in courier)  # its offsets
    assert {e.briefing_id for e in strike.evidence} == {m.briefing_id for m in strike.members}

    downed = by_type[("interception", 2)]
    (drones,) = downed.quantities
    assert (drones.min, drones.max, drones.conflicting) == (44, 45, True)
    assert downed.conflicting == ["quantity:drones"]
    assert downed.location is None

    alone = by_type[("attack", 1)]
    assert alone.location is not None and alone.location.name == "Kharkiv" and not alone.joins

    again = JobEvents.model_validate((await client.get(f"/v1/jobs/{job_id}/events")).json())
    assert again == merged  # deterministic, ids included


async def test_the_merged_events_as_csv(client: Any, settings: Settings, llm: ScriptedLLM) -> None:
    job_id, merged = await merged_job(client, settings, llm)
    answer = await client.get(f"/v1/jobs/{job_id}/events.csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert f'filename="{job_id[:12]}-merged-events.csv"' in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [r["event_id"] for r in rows] == [m.id for m in merged.events]
    strike = next(r for r in rows if r["num_articles"] == "3")
    assert strike["num_sources"] == "3"
    assert strike["source"] == "Northern Wire; Black Sea Courier; Continental Daily"
    assert (strike["fatalities"], strike["fatalities_max"]) == ("3", "5")  # ACLED: the lowest
    assert strike["conflicting"] == "killed; attribution"
    assert strike["attributed_to"] == "Oleh Kiper" and strike["disputed"] == "true"
    assert strike["iso"] == "804" and strike["country"] == "Ukraine"
    assert len(strike["members"].split("; ")) == 3


async def test_an_unknown_job_is_a_404(client: Any) -> None:
    for path in ("events", "events.csv"):
        answer = await client.get(f"/v1/jobs/{'0' * 32}/{path}")
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
    assert (await client.get("/v1/jobs/nothex/events")).status_code == 400
