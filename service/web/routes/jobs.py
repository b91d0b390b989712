"""HTTP face of batch jobs: submit, look, read results, cancel, delete.

The logic is in service/jobs/."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, delete, get, post, route
from litestar.di import NamedDependency
from litestar.enums import HttpMethod
from litestar.exceptions import NotFoundException
from litestar.openapi.spec import OpenAPIHeader, OpenAPIType, Schema
from litestar.params import Parameter
from litestar.response import Stream

from schemas import BriefingResponse, Job
from service.exports import JSONL_MEDIA_TYPE
from service.jobs import JobService
from service.jobs.service import PAGE
from service.store.access import Caller
from service.web._input import JSON_ONLY
from service.web.openapi import (
    ACCESS_ERRORS,
    API_KEY_SECURITY,
    id_links,
    job_page_url,
    ok_extras,
    ok_response,
    page_link,
    page_link_value,
    problem_responses,
)
from service.web.routes._examples import JOB_EXAMPLE, SEED_RESPONSE, JobBody

JobId = Annotated[
    str,
    Parameter(
        pattern=r"^[0-9a-f]{32}$",
        description="The job's id: 32 lowercase hex characters, as createJob returns.",
    ),
]
Offset = Annotated[int, Parameter(ge=0, description="Index of the first item to list.")]
Limit = Annotated[int, Parameter(ge=0, le=1000, description="Items to list, 0 to 1,000.")]

_UNAVAILABLE = (
    503,
    "Redis, where jobs are kept, cannot be reached.",
    {
        "type": "/problems/jobs-unavailable",
        "title": "Job store unavailable",
        "status": 503,
        "detail": "cannot reach Redis, where jobs are kept: Connection refused",
    },
)
UNKNOWN_JOB = problem_responses(
    (400, "The id is not 32 lowercase hex characters, or a query parameter is out of range."),
    (
        404,
        "No job with that id (never made, or expired `JOB_TTL_S` after its last change).",
        {
            "type": "about:blank",
            "title": "Not Found",
            "status": 404,
            "detail": f"no job {JOB_EXAMPLE['id']}",
        },
    ),
    _UNAVAILABLE,
)
_QUEUED = {
    "status": "queued",
    "started_at": None,
    "counts": {"queued": 3, "running": 0, "done": 0, "cached": 0, "failed": 0, "cancelled": 0},
    "items": [
        item
        | {
            "status": "queued",
            "attempts": 0,
            "briefing_id": None,
            "briefing_url": None,
            "problem": None,
        }
        for item in JOB_EXAMPLE["items"]
    ],
}
_CANCELLED = {
    "status": "cancelled",
    "finished_at": "2025-11-09T10:31:02.500000Z",
    "counts": {"queued": 0, "running": 0, "done": 1, "cached": 0, "failed": 1, "cancelled": 1},
    "items": [
        *JOB_EXAMPLE["items"][:2],
        JOB_EXAMPLE["items"][2] | {"status": "cancelled", "attempts": 0},
    ],
}
_JOB_OK = ok_response(Job, "The job, with one page of its items.", JOB_EXAMPLE, summary="running")
_SUBMITTED = ok_extras(
    status=202,
    headers={
        "Location": OpenAPIHeader(
            schema=Schema(type=OpenAPIType.STRING), description="`/v1/jobs/{id}`: the new job."
        )
    },
    links=id_links(
        "job_id",
        "The job just submitted.",
        "getJob",
        "getJobResults",
        "getJobEvents",
        "getJobEventsCsv",
        "cancelJob",
        "deleteJob",
    ),
)
_RESULTS_OK = ok_response(
    str,
    "One line per finished article (`done` or `cached`), in article order: the stored "
    "briefing, byte for byte what `createBriefing` answers for that article.",
    BriefingResponse.model_validate(SEED_RESPONSE).model_dump_json() + "\n"
    if SEED_RESPONSE
    else None,
    JSONL_MEDIA_TYPE,
)


class JobController(Controller):
    path = "/v1/jobs"
    tags = ["jobs"]
    security = API_KEY_SECURITY

    @post(
        operation_id="createJob",
        summary="Submit many articles as one job",
        description="Each article is briefed by a worker (`python -m service worker`) exactly "
        "as `createBriefing` would brief it, and stored under the same id: an article already "
        "stored finishes at once as `cached`, identical articles share one LLM call, and a "
        "failure is recorded on its item as the problem `createBriefing` would have answered "
        "with; it does not fail the job. Answers at once with the job, all items `queued`; "
        "poll `getJob` (the `Location`) for progress, then read `getJobResults`. The body "
        "limit here is `MAX_JOB_BODY_BYTES` (64 MiB), not `MAX_BODY_BYTES`.",
        status_code=202,
        responses=ok_response(
            Job, "The job, accepted.", JOB_EXAMPLE | _QUEUED, summary="queued", status=202
        )
        | problem_responses(
            (
                400,
                "The body is invalid; `extra` names each field by its path, starting with "
                "the article's index (`articles.3.article.text`).",
            ),
            (
                413,
                "More articles than `MAX_JOB_ARTICLES` (10,000), or a body over "
                "`MAX_JOB_BODY_BYTES`.",
                {
                    "type": "/problems/too-many-articles",
                    "title": "Too many articles",
                    "status": 413,
                    "detail": "the job has 12,000 articles; the limit is 10,000 (MAX_JOB_ARTICLES)",
                },
            ),
            (
                422,
                "Neither `articles` nor a `feed`, or both, or a feed with neither `url` nor "
                "`xml` (`/problems/job-incomplete`, naming the `field`); or a `feed` could "
                "not be read: its `url` could not be fetched "
                "(`/problems/fetch-failed`), or its document is not RSS or Atom "
                "(`/problems/feed-unreadable`). No job is made, no entry is marked as seen.",
                {
                    "type": "/problems/feed-unreadable",
                    "title": "Feed could not be read",
                    "status": 422,
                    "detail": "the document is not an RSS or Atom feed",
                },
            ),
            _UNAVAILABLE,
        )
        | JSON_ONLY
        | ACCESS_ERRORS,
        operation_class=_SUBMITTED,
    )
    async def create(
        self, data: JobBody, jobs: NamedDependency[JobService], caller: NamedDependency[Caller]
    ) -> Response[Job]:
        job = await jobs.submit(data, caller)
        return Response(job, status_code=202, headers={"Location": job.links.self})

    @get(
        "/{job_id:str}",
        operation_id="getJob",
        summary="A job's progress and its items",
        description="Status, counts per item state (they add up to `total`), timings, and "
        "the items `offset` to `offset + limit`: each with its state, its briefing's id and "
        "URL once finished, or its problem if it failed. `links.next` pages on.",
        responses=_JOB_OK | UNKNOWN_JOB | ACCESS_ERRORS,
        operation_class=ok_extras(headers={"Link": page_link("job", job_page_url("{id}"))}),
    )
    async def fetch(
        self,
        job_id: JobId,
        jobs: NamedDependency[JobService],
        caller: NamedDependency[Caller],
        offset: Offset = 0,
        limit: Limit = PAGE,
    ) -> Response[Job]:
        job = await jobs.get(job_id, offset, limit, caller)
        if job is None:
            raise NotFoundException(detail=f"no job {job_id}")
        return Response(job, headers={"Link": page_link_value(job_page_url(job_id))})

    @get(
        "/{job_id:str}/results",
        operation_id="getJobResults",
        summary="The finished briefings of a job, as JSON Lines",
        description="What has finished so far, in article order, streamed: one line per "
        "`done` or `cached` item, the stored briefing exactly as `createBriefing` answers "
        "it. Failed and cancelled items have no line (their problems are in `getJob`), nor "
        "have items still queued or running, nor a briefing that expired from the cache "
        "(`CACHE_TTL_S`) since. Media type `application/x-ndjson`.",
        media_type=JSONL_MEDIA_TYPE,
        responses=_RESULTS_OK | UNKNOWN_JOB | ACCESS_ERRORS,
    )
    async def results(
        self, job_id: JobId, jobs: NamedDependency[JobService], caller: NamedDependency[Caller]
    ) -> Stream:
        lines = await jobs.results(job_id, caller)
        if lines is None:
            raise NotFoundException(detail=f"no job {job_id}")
        return Stream(lines, media_type=JSONL_MEDIA_TYPE)

    @post(
        "/{job_id:str}/cancel",
        operation_id="cancelJob",
        summary="Cancel the articles of a job still queued",
        description="Queued items become `cancelled` and never reach the LLM; running ones "
        "finish and keep their results. Answers with the job, which stays readable until "
        "`JOB_TTL_S`. Cancelling a finished job, or cancelling twice, changes nothing.",
        status_code=200,
        responses=ok_response(
            Job, "The job after cancelling.", JOB_EXAMPLE | _CANCELLED, summary="cancelled"
        )
        | UNKNOWN_JOB
        | ACCESS_ERRORS,
    )
    async def cancel(
        self, job_id: JobId, jobs: NamedDependency[JobService], caller: NamedDependency[Caller]
    ) -> Job:
        job = await jobs.cancel(job_id, caller)
        if job is None:
            raise NotFoundException(detail=f"no job {job_id}")
        return job

    @delete(
        "/{job_id:str}",
        operation_id="deleteJob",
        summary="Delete a job",
        description="The job's record is removed: its queued items never reach the LLM, and "
        "afterwards `getJob`, `getJobResults` and `deleteJob` answer 404. Articles already "
        "running finish, and their briefings stay readable by id (`getBriefing`) until "
        "`CACHE_TTL_S`. To stop a job but keep its record, use `cancelJob`.",
        status_code=204,
        responses=UNKNOWN_JOB | ACCESS_ERRORS,
    )
    async def delete(
        self, job_id: JobId, jobs: NamedDependency[JobService], caller: NamedDependency[Caller]
    ) -> None:
        if not await jobs.delete(job_id, caller):
            raise NotFoundException(detail=f"no job {job_id}")

    @route("/{job_id:str}", http_method=[HttpMethod.OPTIONS], include_in_schema=False)
    async def allow(self) -> Response[None]:
        """Litestar 2 answers OPTIONS for a path with two handlers with only one of their
        methods in `Allow` (litestar-org/litestar#4169, fixed in 3); this one lists both."""
        return Response(None, status_code=204, headers={"Allow": "DELETE, GET, OPTIONS"})
