"""Analyst exports of a stored briefing: CSV (ACLED-like columns) and JSONL, end to end."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from schemas import Actor, BriefingResponse, DatePrecision, EventDate, Location
from service.exports import (
    CSV_COLUMNS,
    csv_cell,
    csv_row,
    events_jsonl,
    inter_code,
    same_country,
    time_precision,
)
from tests.support.articles import seed_request
from tests.support.drafts import good_draft
from tests.support.scripted_llm import Reply, ScriptedLLM

ACLED_HEADER = [
    "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
    "country", "admin1", "location", "fatalities", "notes", "source",
    "iso", "latitude", "longitude", "geo_precision", "event_id", "our_type", "evidence_quote",
]  # fmt: skip
NEWLINE_NOTES = 'UDD mortar rounds hit Fataki’s market, "killing five people"\nand wounding 14.'
FORMULA_NOTES = '=HYPERLINK("https://evil.example","UDD says nobody died")'
AT_NOTES = "@Congo’s army says it shot down 12 drones over Bunia."
MORTAR = (
    "mortar rounds fired by UDD fighters landed among traders’ stalls in the middle of the "
    "morning, killing five people and wounding 14"
)
CONTESTED = seed_request("contested-claims")


def contested_draft() -> dict[str, Any]:
    """Three events of the contested-claims seed: 5 killed, a stated zero, and no count."""
    return {
        "headline": "Congo army and militia dispute drone claim and market toll",
        "summary": "Congo's army and the UDD militia gave rival accounts.",
        "key_points": [],
        "events": [
            {
                "evidence": [
                    "The strike on Fataki’s market on Tuesday",
                    MORTAR,
                ],
                "type": "attack",
                "summary": NEWLINE_NOTES,
                "actors": [
                    {"name": "UDD", "role": "initiator", "kind": "armed_group"},
                    {"name": "traders", "role": "affected", "kind": "civilians"},
                ],
                "location": "Fataki",
                "country": "Congo",
                "when": "on Tuesday",
                "killed": 5,
                "injured": 14,
                "source": "Marie-Claire Lokana",
                "disputed": True,
            },
            {
                "evidence": ["“There were zero deaths in Fataki,” the militia’s statement said."],
                "type": "statement",
                "summary": FORMULA_NOTES,
                "actors": [{"name": "UDD", "role": "claimant", "kind": "armed_group"}],
                "location": None,
                "when": None,
                "killed": 0,
                "source": "UDD",
            },
            {
                "evidence": ["its air defences shot down 12 drones over the eastern city of Bunia"],
                "type": "interception",
                "summary": AT_NOTES,
                "actors": [
                    {
                        "name": "Congo’s army",
                        "role": "initiator",
                        "kind": "military",
                        "country": "Congo",
                    }
                ],
                "location": "Bunia",
                "country": "Congo",
                "when": "overnight",
                "source": "Jules Ngongo",
                "disputed": True,
            },
        ],
    }


async def _brief(
    client: Any, llm: ScriptedLLM, request: dict[str, Any], draft: dict[str, Any]
) -> Any:
    llm.script(Reply(arguments=draft))
    response = await client.post("/v1/briefings", json=request)
    assert response.status_code == 200, response.text
    assert response.json()["meta"]["dropped"] == []  # every scripted item verified
    return response.json()


async def _csv(client: Any, briefing_id: str) -> list[dict[str, str]]:
    response = await client.get(f"/v1/briefings/{briefing_id}/events.csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{briefing_id[:12]}-events.csv"'
    )
    text = response.content.decode("utf-8")
    assert text.endswith("\r\n")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert reader.fieldnames is not None
    assert reader.fieldnames[: len(ACLED_HEADER)] == ACLED_HEADER
    assert tuple(reader.fieldnames) == CSV_COLUMNS
    return list(reader)


async def test_csv_maps_seed_events_to_acled_columns(client: Any, llm: ScriptedLLM) -> None:
    body = await _brief(client, llm, seed_request(), good_draft())
    belgorod, bryansk, lavrov = await _csv(client, body["id"])

    assert belgorod["event_date"] == "2025-11-08"  # "late on Saturday", published Sunday
    assert belgorod["time_precision"] == "1"
    assert belgorod["event_type"] == "Explosions/Remote violence"
    assert belgorod["sub_event_type"] == "Shelling/artillery/missile attack"  # "missile"
    assert belgorod["disorder_type"] == "Political violence"
    assert (belgorod["actor1"], belgorod["actor2"]) == ("", "")  # only a claimant is named
    assert belgorod["other_actors"] == "Vyacheslav Gladkov (claimant)"
    # the place as the article names it, resolved offline in the article's context
    assert (belgorod["location"], belgorod["country"], belgorod["admin1"]) == (
        "Belgorod",
        "Russia",
        "Belgorod Oblast",
    )
    assert (belgorod["iso"], belgorod["country_code"], belgorod["geo_precision"]) == (
        "643",
        "RU",
        "1",  # the town itself
    )
    assert abs(float(belgorod["latitude"]) - 50.595) < 0.1
    assert abs(float(belgorod["longitude"]) - 36.587) < 0.1
    assert (belgorod["location_precision"], belgorod["facility"]) == ("city", "false")
    assert belgorod["fatalities"] == ""  # nobody reported a count: unknown, not zero
    assert belgorod["source"] == "Gov. Vyacheslav Gladkov"
    assert belgorod["notes"] == "A missile strike damaged power and heating systems in Belgorod."
    assert belgorod["evidence_quote"] == (
        "A missile strike late on Saturday also caused “serious damage” to power and heating "
        "systems supplying the city of Belgorod, local Gov. Vyacheslav Gladkov reported the "
        "following morning. … Some 20,000 households were affected, he said."
    )
    assert (belgorod["event_id"], belgorod["our_type"], belgorod["year"]) == (
        "e1",
        "attack",
        "2025",
    )
    assert belgorod["briefing_id"] == body["id"]

    # "during the night" before a Sunday report spans Saturday-Sunday: approximate, code 2
    assert (bryansk["event_date"], bryansk["time_precision"]) == ("2025-11-08", "2")
    assert (bryansk["date_start"], bryansk["date_end"]) == ("2025-11-08", "2025-11-09")
    assert bryansk["date_phrase"] == "during the night"
    # "two southwestern regions, Bryansk and Rostov": the oblast, ACLED's code 3
    assert (bryansk["admin1"], bryansk["geo_precision"]) == ("Bryansk Oblast", "3")
    assert bryansk["location_precision"] == "region"
    assert bryansk["event_type"] == "Strategic developments"
    assert bryansk["sub_event_type"] == "Disrupted weapons use"

    assert (lavrov["actor1"], lavrov["actor2"]) == ("Sergey Lavrov", "Marco Rubio")
    assert (lavrov["event_date"], lavrov["time_precision"]) == ("2025-11-09", "1")
    assert (lavrov["event_type"], lavrov["disorder_type"]) == ("", "")  # ACLED codes no talks
    assert (lavrov["our_type"], lavrov["cameo_root"], lavrov["cameo_label"]) == (
        "diplomacy",
        "04",
        "Consult",
    )


async def test_csv_fatalities_quoting_and_formula_guard(client: Any, llm: ScriptedLLM) -> None:
    body = await _brief(client, llm, CONTESTED, contested_draft())
    raw = (await client.get(f"/v1/briefings/{body['id']}/events.csv")).text
    assert (
        '"UDD mortar rounds hit Fataki’s market, ""killing five people""\nand wounding 14."' in raw
    )
    fataki, denial, bunia = await _csv(client, body["id"])

    assert fataki["fatalities"] == "5"
    assert fataki["injured"] == "14"
    assert fataki["notes"] == NEWLINE_NOTES  # comma, quotes and newline survive a round trip
    assert (fataki["actor1"], fataki["inter1"]) == ("UDD", "")  # rebel or militia: not ours
    assert (fataki["actor2"], fataki["inter2"]) == ("traders", "7")
    # Fataki is not in the gazetteer: the unit its article puts it in stands in (a region,
    # ACLED's geo_precision 3), never a guessed town
    assert (fataki["location"], fataki["country"], fataki["admin1_code"]) == (
        "Fataki",
        "Democratic Republic of the Congo",
        "CD-IT",
    )
    assert (fataki["iso"], fataki["geo_precision"]) == ("180", "3")
    assert fataki["location_precision"] == "region"
    assert (fataki["source"], fataki["disputed"]) == ("Marie-Claire Lokana", "true")
    assert fataki["sub_event_type"] == "Shelling/artillery/missile attack"
    assert fataki["evidence_quote"] == f"The strike on Fataki’s market on Tuesday … {MORTAR}"
    assert (fataki["event_date"], fataki["time_precision"]) == ("2025-08-12", "1")

    assert denial["fatalities"] == "0"  # the article states zero deaths: a known zero
    assert denial["notes"] == "'" + FORMULA_NOTES
    assert (denial["event_date"], denial["time_precision"], denial["year"]) == ("", "", "")
    assert denial["date_precision"] == "unknown"
    assert denial["event_type"] == ""

    assert bunia["fatalities"] == ""
    assert (bunia["admin1"], bunia["iso"], bunia["country_code"]) == ("Ituri", "180", "CD")
    assert bunia["notes"] == "'" + AT_NOTES
    assert (bunia["actor1"], bunia["inter1"]) == ("Congo’s army", "1")  # own state's forces
    assert (bunia["event_date"], bunia["time_precision"]) == ("2025-08-13", "2")  # overnight


async def test_jsonl_is_the_briefing_events_one_per_line(client: Any, llm: ScriptedLLM) -> None:
    body = await _brief(client, llm, CONTESTED, contested_draft())
    response = await client.get(f"/v1/briefings/{body['id']}/events.jsonl")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{body["id"][:12]}-events.jsonl"'
    )
    text = response.content.decode("utf-8")
    lines = text.split("\n")
    assert lines[-1] == ""  # newline-terminated, and the summary's newline stayed escaped
    records = [json.loads(line) for line in lines[:-1]]
    assert [r.pop("briefing_id") for r in records] == [body["id"]] * 3
    assert records == body["events"]


async def test_empty_briefing_exports_header_only(client: Any, llm: ScriptedLLM) -> None:
    body = await _brief(client, llm, CONTESTED, contested_draft() | {"events": []})
    assert await _csv(client, body["id"]) == []
    jsonl = await client.get(f"/v1/briefings/{body['id']}/events.jsonl")
    assert (jsonl.status_code, jsonl.content) == (200, b"")


@pytest.mark.parametrize("suffix", ["events.csv", "events.jsonl"])
async def test_unknown_and_malformed_ids_are_problems(client: Any, suffix: str) -> None:
    missing = await client.get(f"/v1/briefings/{'0' * 64}/{suffix}")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert missing.json()["status"] == 404
    assert "0" * 64 in missing.json()["detail"]
    for bad in ("abc", "A" * 64, "0" * 63 + "g"):
        malformed = await client.get(f"/v1/briefings/{bad}/{suffix}")
        assert malformed.status_code == 400, bad
        assert malformed.headers["content-type"].startswith("application/problem+json")
        assert malformed.json()["status"] == 400


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_guard_prefixes_text_cells_only(trigger: str) -> None:
    assert csv_cell(trigger + "SUM(A1:A9)") == "'" + trigger + "SUM(A1:A9)"
    assert csv_cell("a " + trigger + " b") == "a " + trigger + " b"


def test_numbers_and_unknowns_are_not_text() -> None:
    assert csv_cell(-5) == "-5"  # a negative number in a numeric column stays a number
    assert csv_cell(0) == "0"
    assert csv_cell(None) == ""
    assert csv_cell(True) == "true"


@pytest.mark.parametrize(
    ("precision", "end", "code"),
    [
        (DatePrecision.DAY, None, 1),
        (DatePrecision.DAY, "2025-06-02", 2),
        (DatePrecision.WEEK, "2025-06-07", 2),
        (DatePrecision.MONTH, "2025-06-30", 3),
        (DatePrecision.YEAR, "2025-12-31", 3),
        (DatePrecision.UNKNOWN, None, None),
    ],
)
def test_time_precision_codes(precision: DatePrecision, end: str | None, code: int | None) -> None:
    when = EventDate.model_validate(
        {"phrase": "x", "start": "2025-06-01", "end": end, "precision": precision}
    )
    assert time_precision(when) == code
    unknown = when.model_copy(update={"start": None, "end": None})
    assert time_precision(unknown) is None


@pytest.mark.parametrize(
    ("kind", "country", "code"),
    [
        ("military", "Congo", 1),
        ("state", " congo ", 1),
        ("military", "Rwanda", None),  # foreign forces are ACLED's 8 only by its own judgement
        ("military", None, None),
        ("civilians", None, 7),
        ("government_official", "Congo", None),
        ("armed_group", "Congo", None),
    ],
)
def test_inter_codes_only_where_the_kind_settles_them(
    kind: str, country: str | None, code: int | None
) -> None:
    actor = Actor.model_validate(
        {"name": "x", "role": "initiator", "kind": kind, "country": country}
    )
    written = Location(name="Bunia", country="Congo")  # the country as the article wrote it
    resolved = written.model_copy(
        update={"country": "Democratic Republic of the Congo", "country_code": "CD"}
    )
    assert inter_code(actor, written) == code
    assert inter_code(actor, resolved) == code  # "Congo" names the DRC the place is in
    assert inter_code(None, resolved) is None


@pytest.mark.parametrize(
    ("written", "code", "same"),
    [
        ("Congo", "CD", True),
        ("DR Congo", "CD", True),
        ("Congolese", "CD", True),
        ("Russian", "RU", True),
        ("the Russian Federation", "RU", False),  # an article's article: not folded away
        ("Russian Federation", "RU", True),
        ("U.S.", "US", True),
        ("Rwanda", "CD", False),
        ("Ukraine", "RU", False),
    ],
)
def test_same_country_reads_names_aliases_and_demonyms(written: str, code: str, same: bool) -> None:
    assert same_country(written, code) is same


async def test_row_keys_match_columns_and_jsonl_escapes_line_separators(
    client: Any, llm: ScriptedLLM
) -> None:
    body = await _brief(client, llm, seed_request(), good_draft())
    response = BriefingResponse.model_validate(body)
    assert tuple(csv_row(response.events[0], response.id)) == CSV_COLUMNS
    event = response.events[0].model_copy(update={"summary": "one\u2028two\u2029three"})
    text = events_jsonl(response.model_copy(update={"events": [event]}))
    assert len(text.splitlines()) == 1
    assert json.loads(text)["summary"] == "one\u2028two\u2029three"
