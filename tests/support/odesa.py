"""A job of related articles for the merge's tests: three outlets report one drone strike on
Odesa with different death tolls (one calls the governor's account disputed), two report the
drones downed with different counts, one reports a strike in Kharkiv no one else does.

The scripted LLM answers each article with its oracle draft (the draft its gold annotation
implies), so the real verifier, date resolution and gazetteer make the briefings; shared by
tests/api/test_job_events.py (the JSON and CSV) and tests/api/test_job_page_merged.py (the page).
"""

from __future__ import annotations

from typing import Any

from schemas import Article
from schemas.merged import JobEvents
from service.evaluation.gold import GoldCase, GoldEvent, GoldFile
from service.settings import Settings
from tests.support.jobs import finished, in_process_worker
from tests.support.oracle import oracle_reply
from tests.support.scripted_llm import ScriptedLLM

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


def with_source(case: GoldCase, source: str | None, url: str | None) -> GoldCase:
    """The same article and gold under another outlet and URL (a new briefing key)."""
    article = case.article.model_copy(update={"source": source, "url": url})
    return GoldCase(name=case.name, article=article, gold=case.gold)


async def submit(client: Any, llm: ScriptedLLM, cases: list[GoldCase], **delays: float) -> str:
    """Submits the job of `cases`, the scripted LLM answering each article with its oracle
    draft (after `delays[name]` seconds, to hold that article back); the job's id."""
    llm.reset(default=oracle_reply(cases, delays))
    body = {"articles": [{"article": c.article.model_dump(mode="json")} for c in cases]}
    submitted = await client.post("/v1/jobs", json=body)
    assert submitted.status_code == 202, submitted.text
    job_id: str = submitted.json()["id"]
    return job_id


async def merged_job(
    client: Any, settings: Settings, llm: ScriptedLLM, cases: list[GoldCase] | None = None
) -> tuple[str, JobEvents]:
    """The job of `cases` (default: CASES) run to the end by an in-process worker, and its
    merged events as `getJobEvents` answers."""
    cases = CASES if cases is None else cases
    job_id = await submit(client, llm, cases)
    async with in_process_worker(settings):
        job = await finished(client, job_id)
    assert job["counts"]["done"] == len(cases), job
    answer = await client.get(f"/v1/jobs/{job_id}/events")
    assert answer.status_code == 200, answer.text
    return job_id, JobEvents.model_validate(answer.json())
