"""A stored briefing's quotes as CSV and JSON Lines, end to end (real Redis, scripted LLM)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from service.quote_exports import QUOTE_COLUMNS
from tests.support.drafts import good_draft
from tests.support.scripted_llm import Reply, ScriptedLLM

FORMULA = "=SUM(A1:A9) was all the intruders typed before the screens went dark"
FORMULA_ARTICLE = {
    "article": {
        "text": "QUITO, Ecuador — Hackers hit the city's water utility on Monday.\n\n"
        f"“{FORMULA},” said Ana Torres, the utility's director. Service was restored by noon."
    }
}


async def _brief(client: Any, llm: ScriptedLLM, request: dict[str, Any]) -> Any:
    draft = (
        good_draft()
        if "KYIV" in request["article"]["text"]
        else {
            "headline": "Hackers hit Quito's water utility",
            "summary": "Hackers hit the city's water utility on Monday.",
            "key_points": [],
            "events": [],
        }
    )
    llm.script(Reply(arguments=draft))
    response = await client.post("/v1/briefings", json=request)
    assert response.status_code == 200, response.text
    return response.json()


async def test_quotes_csv_has_the_seed_quotes_and_speakers(
    client: Any, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    body = await _brief(client, llm, seed)
    response = await client.get(f"/v1/briefings/{body['id']}/quotes.csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{body["id"][:12]}-quotes.csv"'
    )
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline=""))
    assert tuple(reader.fieldnames or ()) == QUOTE_COLUMNS
    rows = list(reader)
    assert [(r["quote_id"], r["speaker"]) for r in rows] == [
        ("q1", "Vyacheslav Gladkov"),
        ("q2", "Andrii Sybiha"),
        ("q3", "Andrii Sybiha"),
        ("q4", "Andrii Sybiha"),
        ("q5", "Sergey Lavrov"),
        ("q6", "Sergey Lavrov"),
    ]
    text = seed["article"]["text"]
    for row in rows:
        assert text[int(row["start"]) : int(row["end"])] == row["text"]
        assert row["briefing_id"] == body["id"]
    assert rows[0]["text"] == "serious damage"
    assert (rows[0]["speaker_sentence"], rows[0]["speaker_evidence"]) == ("9", "")
    assert rows[3]["speaker_evidence"].startswith("Sybiha called for an urgent meeting")


async def test_quotes_csv_guards_against_formulas(client: Any, llm: ScriptedLLM) -> None:
    body = await _brief(client, llm, FORMULA_ARTICLE)
    assert [(q["text"], q["speaker"]) for q in body["quotes"]] == [(FORMULA, "Ana Torres")]
    raw = (await client.get(f"/v1/briefings/{body['id']}/quotes.csv")).content.decode()
    (row,) = csv.DictReader(io.StringIO(raw, newline=""))
    assert row["text"] == "'" + FORMULA


async def test_quotes_jsonl_is_the_briefing_quotes_one_per_line(
    client: Any, llm: ScriptedLLM, seed: dict[str, Any]
) -> None:
    body = await _brief(client, llm, seed)
    response = await client.get(f"/v1/briefings/{body['id']}/quotes.jsonl")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{body["id"][:12]}-quotes.jsonl"'
    )
    lines = response.content.decode("utf-8").split("\n")
    assert lines[-1] == ""
    records = [json.loads(line) for line in lines[:-1]]
    assert [r.pop("briefing_id") for r in records] == [body["id"]] * 6
    assert records == body["quotes"]
    assert records[5]["text"] == "taking Russian interests into account"


@pytest.mark.parametrize("suffix", ["quotes.csv", "quotes.jsonl"])
async def test_unknown_and_malformed_ids_are_problems(client: Any, suffix: str) -> None:
    missing = await client.get(f"/v1/briefings/{'0' * 64}/{suffix}")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    malformed = await client.get(f"/v1/briefings/abc/{suffix}")
    assert malformed.status_code == 400
    assert malformed.headers["content-type"].startswith("application/problem+json")
