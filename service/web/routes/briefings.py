"""HTTP face of the briefing service: parse, call, shape the answer. Nothing else."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.openapi.datastructures import ResponseSpec

from schemas import BriefingResponse
from service.briefing import BriefingService, Outcome
from service.runtime import Runtime
from service.store.access import Caller
from service.tenancy import Tenancy
from service.web._input import JSON_ONLY
from service.web.gate import caller_of
from service.web.openapi import (
    ACCESS_ERRORS,
    API_KEY_SECURITY,
    X_CACHE,
    BriefingId,
    briefing_page_url,
    ok_extras,
    ok_response,
    page_link,
    page_link_value,
    problem_responses,
    stored_briefing_links,
)
from service.web.routes._examples import SEED_RESPONSE, BriefingBody

JSON = "application/json"


def _briefing(description: str) -> dict[int, ResponseSpec]:
    """The 200 answer, with a real verified briefing of the seed article as its example."""
    return ok_response(BriefingResponse, description, SEED_RESPONSE)


BRIEF_ERRORS = problem_responses(
    (400, "The request body is invalid; `extra` lists each field and why."),
    (413, "The article is longer than the configured limit."),
    (
        422,
        "The article could not be read: its `html` holds too little article text (a "
        "paywall or teaser page: `/problems/page-unreadable`, with the `field`, the "
        "`reason` and the `chars` found), or its `url` could not be fetched "
        "(`/problems/fetch-failed`, with the `url` and the `cause`: disabled, scheme, "
        "blocked, dns, connect, timeout, status, type, size, redirects). Nothing is cached.",
        {
            "type": "/problems/fetch-failed",
            "title": "Page could not be fetched",
            "status": 422,
            "detail": "http://10.0.0.5/story: blocked: 10.0.0.5 is a private address",
            "url": "http://10.0.0.5/story",
            "cause": "blocked",
        },
    ),
    (502, "The model's output could not be validated, even after re-asking."),
    (503, "The LLM backend is unreachable or refused the request."),
    (504, "The LLM backend did not answer in time."),
)


PAGE_LINK = page_link("briefing", briefing_page_url("{id}"))


def _page(briefing_id: str) -> str:
    return page_link_value(briefing_page_url(briefing_id))


def _answer(outcome: Outcome) -> Response[BriefingResponse]:
    return Response(
        content=outcome.payload,  # type: ignore[arg-type]  # pre-serialised bytes
        media_type=JSON,
        headers={
            "X-Cache": "hit" if outcome.cached else "miss",
            "Link": _page(outcome.briefing_id),
        },
    )


async def _recall(request: Request[Any, Any, Any]) -> Response[BriefingResponse] | None:
    """Runs before Litestar parses the body: a body answered before is served from the cache
    without being parsed again (BriefingService.recall). None: the handler runs as usual."""
    runtime: Runtime = request.app.state.runtime
    outcome = await runtime.briefings.recall(await request.body())
    if outcome is None:
        return None
    return _answer(await runtime.tenancy.outcome(caller_of(request), outcome))


class BriefingController(Controller):
    path = "/v1/briefings"
    tags = ["briefings"]
    security = API_KEY_SECURITY

    @post(
        operation_id="createBriefing",
        summary="Brief an article",
        description="Extracts a briefing and events with the LLM, verifies every item against "
        "the article text, and caches the result. `X-Cache` says whether it was a hit.",
        status_code=200,
        responses=_briefing("The verified briefing.") | BRIEF_ERRORS | JSON_ONLY | ACCESS_ERRORS,
        operation_class=ok_extras(
            headers={"X-Cache": X_CACHE, "Link": PAGE_LINK},
            links=stored_briefing_links(
                "getBriefing",
                "getBriefingEventsCsv",
                "getBriefingEventsJsonl",
                "getBriefingQuotesCsv",
                "getBriefingQuotesJsonl",
            ),
        ),
        before_request=_recall,
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        data: BriefingBody,
        briefings: NamedDependency[BriefingService],
        tenancy: NamedDependency[Tenancy],
        caller: NamedDependency[Caller],
    ) -> Response[BriefingResponse]:
        outcome = await briefings.brief(data, body=await request.body())
        return _answer(await tenancy.outcome(caller, outcome))

    @get(
        "/{briefing_id:str}",
        operation_id="getBriefing",
        summary="Fetch a stored briefing by id",
        responses=_briefing("The stored briefing.")
        | problem_responses(
            (400, "The id is not 64 lowercase hex digits."),
            (404, "No briefing with that id is stored (or it expired)."),
        )
        | ACCESS_ERRORS,
        operation_class=ok_extras(headers={"Link": PAGE_LINK}),
    )
    async def fetch(
        self,
        briefing_id: BriefingId,
        briefings: NamedDependency[BriefingService],
        tenancy: NamedDependency[Tenancy],
        caller: NamedDependency[Caller],
    ) -> Response[BriefingResponse]:
        payload = await tenancy.stored(caller, briefing_id, await briefings.get(briefing_id))
        if payload is None:
            raise NotFoundException(detail=f"no briefing {briefing_id} is stored")
        return Response(
            content=payload,  # type: ignore[arg-type]
            media_type=JSON,
            headers={"Link": _page(briefing_id)},
        )
