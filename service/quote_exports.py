"""A briefing's quotes as CSV and JSON Lines: pure functions of a `BriefingResponse`.

One row (or line) per verified quote, in article order. CSV columns: ``quote_id``,
``speaker``, ``text`` (verbatim, without its quotation marks), ``start``/``end`` (the quote's
offsets in the article), ``speaker_sentence`` (the id of the sentence naming the speaker),
``speaker_evidence`` (that sentence, when it does not hold the quote), ``briefing_id``. The
same guard as events.csv: a text cell starting with ``= + - @`` (or a tab/CR) gets a leading
``'`` so spreadsheets do not run it as a formula (service/exports.py `csv_cell`).
"""

from __future__ import annotations

from schemas import BriefingResponse, Quote
from service.exports import Cell, csv_table, jsonl

QUOTE_COLUMNS = (
    "quote_id",
    "speaker",
    "text",
    "start",
    "end",
    "speaker_sentence",
    "speaker_evidence",
    "briefing_id",
)


def quote_row(quote: Quote, briefing_id: str) -> dict[str, Cell]:
    own, *named = quote.evidence
    return {
        "quote_id": quote.id,
        "speaker": quote.speaker,
        "text": quote.text,
        "start": own.start,
        "end": own.end,
        "speaker_sentence": quote.speaker_sentence,
        "speaker_evidence": named[0].quote if named else None,
        "briefing_id": briefing_id,
    }


def quotes_csv(response: BriefingResponse) -> str:
    """A header line and one row per quote, RFC 4180 quoting and CRLF line ends."""
    return csv_table(QUOTE_COLUMNS, (quote_row(q, response.id) for q in response.quotes))


def quotes_jsonl(response: BriefingResponse) -> str:
    """One quote per line, as in `BriefingResponse.quotes`, with `briefing_id` first."""
    return jsonl(response.id, response.quotes)
