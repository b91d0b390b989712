"""Downloads of a stored briefing's events; the mapping itself lives in service/exports.py."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIHeader, OpenAPIType, Operation, Schema

from schemas import BriefingResponse
from service import exports
from service.briefing import BriefingService
from service.store.access import Caller
from service.tenancy import Tenancy
from service.web.openapi import (
    ACCESS_ERRORS,
    API_KEY_SECURITY,
    BriefingId,
    ok_extras,
    ok_response,
    problem_responses,
)
from service.web.routes._examples import SEED_RESPONSE

ERRORS = problem_responses(
    (400, "`briefing_id` is not 64 lowercase hex characters."),
    (404, "No briefing with that id is stored (or it expired)."),
)
_SEED = BriefingResponse.model_validate(SEED_RESPONSE) if SEED_RESPONSE else None
Render = Callable[[BriefingResponse], str]


@dataclass(frozen=True, slots=True)
class Documented:
    """How one kind of download (events, quotes) is documented: its CSV and JSON Lines 200s,
    each with the seed briefing's real export as example, and the attachment header."""

    csv_ok: dict[int, ResponseSpec]
    jsonl_ok: dict[int, ResponseSpec]
    attachment: type[Operation]


def documented(kind: str, csv: Render, jsonl: Render) -> Documented:
    return Documented(
        csv_ok=ok_response(
            str,
            f"The {kind}, one row each, after a header row.",
            csv(_SEED) if _SEED else None,
            exports.CSV_MEDIA_TYPE,
        ),
        jsonl_ok=ok_response(
            str,
            f"The {kind}, one JSON object per line.",
            jsonl(_SEED) if _SEED else None,
            exports.JSONL_MEDIA_TYPE,
        ),
        attachment=ok_extras(
            headers={
                "Content-Disposition": OpenAPIHeader(
                    schema=Schema(type=OpenAPIType.STRING),
                    description=f'`attachment; filename="<first 12 of id>-{kind}.<ext>"`.',
                )
            }
        ),
    )


_EVENTS = documented("events", exports.events_csv, exports.events_jsonl)


Readable = Callable[[str], Awaitable[bool]]


def readable_by(tenancy: Tenancy, caller: Caller) -> Readable:
    """Whether the caller's tenant has had a briefing (service/tenancy.py)."""
    return functools.partial(tenancy.visible, caller)


async def download(
    briefings: BriefingService,
    readable: Readable,
    briefing_id: str,
    render: Render,
    media_type: str,
    extension: str,
    kind: str = "events",
) -> Response[str]:
    """A stored briefing rendered as an attachment named `<id[:12]>-<kind>.<extension>`."""
    payload = await briefings.get(briefing_id)
    if payload is None or not await readable(briefing_id):  # another tenant's: as if none
        raise NotFoundException(detail=f"no briefing {briefing_id} is stored")
    body = render(BriefingResponse.model_validate_json(payload))
    name = exports.filename(briefing_id, extension, kind)
    return Response(
        content=body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


class EventsController(Controller):
    path = "/v1/briefings/{briefing_id:str}"
    tags = ["exports"]
    security = API_KEY_SECURITY

    @get(
        "/events.csv",
        operation_id="getBriefingEventsCsv",
        summary="Download a briefing's events as ACLED-like CSV",
        description="One row per verified event, UTF-8, RFC 4180 quoting. The first twelve "
        "columns use ACLED's names (event_date, time_precision, event_type, sub_event_type, "
        "actor1, actor2, country, admin1, location, fatalities, notes, source); ours follow. "
        "Unknown values are empty, never guessed: `fatalities` is empty when no count was "
        "reported and `0` only when the article says nobody died. Text cells starting with "
        "`= + - @` are prefixed with `'` against formula injection.",
        media_type=exports.CSV_MEDIA_TYPE,
        responses=_EVENTS.csv_ok | ERRORS | ACCESS_ERRORS,
        operation_class=_EVENTS.attachment,
    )
    async def events_csv(
        self,
        briefing_id: BriefingId,
        briefings: NamedDependency[BriefingService],
        tenancy: NamedDependency[Tenancy],
        caller: NamedDependency[Caller],
    ) -> Response[str]:
        readable = readable_by(tenancy, caller)
        return await download(
            briefings, readable, briefing_id, exports.events_csv, exports.CSV_MEDIA_TYPE, "csv"
        )

    @get(
        "/events.jsonl",
        operation_id="getBriefingEventsJsonl",
        summary="Download a briefing's events as JSON Lines",
        description="One event per line, exactly as in the briefing's `events`, plus "
        "`briefing_id`. Media type `application/x-ndjson`.",
        media_type=exports.JSONL_MEDIA_TYPE,
        responses=_EVENTS.jsonl_ok | ERRORS | ACCESS_ERRORS,
        operation_class=_EVENTS.attachment,
    )
    async def events_jsonl(
        self,
        briefing_id: BriefingId,
        briefings: NamedDependency[BriefingService],
        tenancy: NamedDependency[Tenancy],
        caller: NamedDependency[Caller],
    ) -> Response[str]:
        readable = readable_by(tenancy, caller)
        return await download(
            briefings,
            readable,
            briefing_id,
            exports.events_jsonl,
            exports.JSONL_MEDIA_TYPE,
            "jsonl",
        )
