"""Downloads of a stored briefing's quotes; the rows are made in service/quote_exports.py."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.openapi.spec import OpenAPIHeader, OpenAPIType, Schema

from schemas import BriefingResponse
from service import exports, quote_exports
from service.briefing import BriefingService
from service.web.openapi import ACCESS_ERRORS, API_KEY_SECURITY, BriefingId, ok_extras, ok_response
from service.web.routes._examples import SEED_RESPONSE
from service.web.routes.events import ERRORS, download

_SEED = BriefingResponse.model_validate(SEED_RESPONSE) if SEED_RESPONSE else None
_CSV_OK = ok_response(
    str,
    "The quotes, one row each, after a header row.",
    quote_exports.quotes_csv(_SEED) if _SEED else None,
    exports.CSV_MEDIA_TYPE,
)
_JSONL_OK = ok_response(
    str,
    "The quotes, one JSON object per line.",
    quote_exports.quotes_jsonl(_SEED) if _SEED else None,
    exports.JSONL_MEDIA_TYPE,
)
_ATTACHMENT = ok_extras(
    headers={
        "Content-Disposition": OpenAPIHeader(
            schema=Schema(type=OpenAPIType.STRING),
            description='`attachment; filename="<first 12 of id>-quotes.<ext>"`.',
        )
    }
)


class QuotesController(Controller):
    path = "/v1/briefings/{briefing_id:str}"
    tags = ["exports"]
    security = API_KEY_SECURITY

    @get(
        "/quotes.csv",
        operation_id="getBriefingQuotesCsv",
        summary="Download a briefing's quotes as CSV",
        description="One row per verified quote, in article order, UTF-8, RFC 4180 quoting: "
        "quote_id, speaker, text (verbatim, without its quotation marks), start, end (its "
        "offsets in the article), speaker_sentence, speaker_evidence (the sentence naming "
        "the speaker when it does not hold the quote), briefing_id. Text cells starting with "
        "`= + - @` are prefixed with `'` against formula injection.",
        media_type=exports.CSV_MEDIA_TYPE,
        responses=_CSV_OK | ERRORS | ACCESS_ERRORS,
        operation_class=_ATTACHMENT,
    )
    async def quotes_csv(
        self, briefing_id: BriefingId, briefings: NamedDependency[BriefingService]
    ) -> Response[str]:
        return await download(
            briefings,
            briefing_id,
            quote_exports.quotes_csv,
            exports.CSV_MEDIA_TYPE,
            "csv",
            "quotes",
        )

    @get(
        "/quotes.jsonl",
        operation_id="getBriefingQuotesJsonl",
        summary="Download a briefing's quotes as JSON Lines",
        description="One quote per line, exactly as in the briefing's `quotes`, plus "
        "`briefing_id`. Media type `application/x-ndjson`.",
        media_type=exports.JSONL_MEDIA_TYPE,
        responses=_JSONL_OK | ERRORS | ACCESS_ERRORS,
        operation_class=_ATTACHMENT,
    )
    async def quotes_jsonl(
        self, briefing_id: BriefingId, briefings: NamedDependency[BriefingService]
    ) -> Response[str]:
        return await download(
            briefings,
            briefing_id,
            quote_exports.quotes_jsonl,
            exports.JSONL_MEDIA_TYPE,
            "jsonl",
            "quotes",
        )
