"""Downloads of a stored briefing's quotes; the rows are made in service/quote_exports.py."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.di import NamedDependency

from service import exports, quote_exports
from service.briefing import BriefingService
from service.store.access import Caller
from service.tenancy import Tenancy
from service.web.openapi import ACCESS_ERRORS, API_KEY_SECURITY, BriefingId
from service.web.routes.events import ERRORS, documented, download, readable_by

_QUOTES = documented("quotes", quote_exports.quotes_csv, quote_exports.quotes_jsonl)


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
        responses=_QUOTES.csv_ok | ERRORS | ACCESS_ERRORS,
        operation_class=_QUOTES.attachment,
    )
    async def quotes_csv(
        self,
        briefing_id: BriefingId,
        briefings: NamedDependency[BriefingService],
        tenancy: NamedDependency[Tenancy],
        caller: NamedDependency[Caller],
    ) -> Response[str]:
        return await download(
            briefings,
            readable_by(tenancy, caller),
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
        responses=_QUOTES.jsonl_ok | ERRORS | ACCESS_ERRORS,
        operation_class=_QUOTES.attachment,
    )
    async def quotes_jsonl(
        self,
        briefing_id: BriefingId,
        briefings: NamedDependency[BriefingService],
        tenancy: NamedDependency[Tenancy],
        caller: NamedDependency[Caller],
    ) -> Response[str]:
        return await download(
            briefings,
            readable_by(tenancy, caller),
            briefing_id,
            quote_exports.quotes_jsonl,
            exports.JSONL_MEDIA_TYPE,
            "jsonl",
            "quotes",
        )
