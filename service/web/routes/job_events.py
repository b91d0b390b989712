"""A job's events merged across its articles, as JSON or CSV; the merge is service/merge/."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.openapi.spec import OpenAPIHeader, OpenAPIType, Schema

from schemas import Article, BriefingResponse
from schemas.merged import JobEvents
from service.exports import CSV_MEDIA_TYPE
from service.jobs import JobService
from service.jobs.service import events_links
from service.merge import merge_events
from service.merge.exports import merged_csv
from service.merge.reports import reports_of
from service.store.access import Caller
from service.web.openapi import ACCESS_ERRORS, API_KEY_SECURITY, ok_extras, ok_response
from service.web.routes._examples import JOB_EXAMPLE, SEED_REQUEST, SEED_RESPONSE
from service.web.routes.jobs import UNKNOWN_JOB, JobId


def _example() -> JobEvents | None:
    """The seed briefing as two outlets' reports, merged by the real code: each event twice."""
    if SEED_RESPONSE is None:
        return None
    seed = BriefingResponse.model_validate(SEED_RESPONSE)
    reports = [
        report
        for index, outlet in enumerate((SEED_REQUEST["article"].get("source"), "Kyiv Evening Post"))
        for report in reports_of(
            index, seed, Article.model_validate(SEED_REQUEST["article"] | {"source": outlet})
        )
    ]
    return JobEvents(
        job_id=JOB_EXAMPLE["id"],
        status="done",
        articles=2,
        briefed=2,
        expired=0,
        reports=len(reports),
        events=merge_events(reports),
        links=events_links(JOB_EXAMPLE["id"]),
    )


_EXAMPLE = _example()


async def _merged(jobs: JobService, job_id: str, caller: Caller) -> JobEvents:
    merged = await jobs.events(job_id, caller)
    if merged is None:
        raise NotFoundException(detail=f"no job {job_id}")
    return merged


class JobEventsController(Controller):
    path = "/v1/jobs/{job_id:str}"
    tags = ["jobs"]
    security = API_KEY_SECURITY

    @get(
        "/events",
        operation_id="getJobEvents",
        summary="A job's events, merged across its articles",
        description="Each real-world event once: the events of the job's finished briefings "
        "merged where their types are compatible, their resolved dates overlap, their places "
        "match (the same place, or a city within the region another report names) and their "
        "initiators do not conflict; two events of one article never merge. Each merged "
        "event lists its reports (`members`) with outlet, date and URL, `num_articles` and "
        "`num_sources`, the evidence of every report, each report's figures with min/max and "
        "`conflicting`, the attributions and which reports dispute them, and `joins`: the "
        "rule behind every merge. Computed from what has finished: a running job's answer "
        "grows. Deterministic: the same briefings give the same events and ids.",
        responses=ok_response(
            JobEvents,
            "The merged events.",
            _EXAMPLE.model_dump(mode="json") if _EXAMPLE else None,
            summary="the seed reported by two outlets",
        )
        | UNKNOWN_JOB
        | ACCESS_ERRORS,
    )
    async def events(
        self, job_id: JobId, jobs: NamedDependency[JobService], caller: NamedDependency[Caller]
    ) -> JobEvents:
        return await _merged(jobs, job_id, caller)

    @get(
        "/events.csv",
        operation_id="getJobEventsCsv",
        summary="A job's merged events as ACLED-like CSV",
        description="One row per merged event, the columns of `getBriefingEventsCsv` plus "
        "`num_articles` and `num_sources` after ACLED's, and `attributed_to`, "
        "`fatalities_max`, `injured_max`, `conflicting`, `first_reported`, `last_reported` "
        "and `members` (`briefing_id:event_id`, '; '-joined) at the end. `source` is ACLED's: "
        "the outlets; `fatalities` the lowest figure reported (ACLED's conservative count).",
        media_type=CSV_MEDIA_TYPE,
        responses=ok_response(
            str,
            "The merged events, one row each, after a header row.",
            merged_csv(_EXAMPLE.events) if _EXAMPLE else None,
            CSV_MEDIA_TYPE,
        )
        | UNKNOWN_JOB
        | ACCESS_ERRORS,
        operation_class=ok_extras(
            headers={
                "Content-Disposition": OpenAPIHeader(
                    schema=Schema(type=OpenAPIType.STRING),
                    description='`attachment; filename="<first 12 of id>-merged-events.csv"`.',
                )
            }
        ),
    )
    async def events_csv(
        self, job_id: JobId, jobs: NamedDependency[JobService], caller: NamedDependency[Caller]
    ) -> Response[str]:
        merged = await _merged(jobs, job_id, caller)
        name = f"{job_id[:12]}-merged-events.csv"
        return Response(
            content=merged_csv(merged.events),
            media_type=CSV_MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
