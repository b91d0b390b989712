"""A stored briefing's events as files an analyst loads elsewhere: ACLED-like CSV and JSONL.

Pure functions of a `BriefingResponse`; no HTTP, no I/O. The CSV speaks ACLED's column
vocabulary so it sits next to ACLED data in the same spreadsheet or dataframe, but every
value is derived from our verified event: where ACLED would need knowledge we do not have
(an actor's ACLED category, a count nobody reported), the cell is empty rather than guessed.

Column mapping (the first twelve in ACLED's names and meanings):

- ``event_date``: ISO ``YYYY-MM-DD``, the first day of the event's resolved date range
  (ACLED writes a representative day of the range; ``date_start``/``date_end`` keep ours).
  Empty when the article gives no date we could resolve.
- ``time_precision``: ACLED's code for how sure that date is. ``1`` a single known day;
  ``2`` a known week, or a short span of days (our ``day`` precision with an end date, e.g.
  "overnight"); ``3`` a known month or only a year (ACLED has no coarser code). Empty when
  the date is unknown.
- ``event_type``/``sub_event_type``: our taxonomy's fixed ACLED codes (schemas/taxonomy.py,
  refined from the evidence words); empty for our types ACLED does not code (statements,
  policy, …). ``our_type`` always has our own type.
- ``actor1``: the first actor in the role ``initiator``; ``actor2``: the first ``target``, else
  the first ``affected``. Further ones go to ``assoc_actor_1``/``assoc_actor_2`` joined by
  "; " as ACLED does; claimants and others go to ``other_actors`` as "Name (role)". Unlike
  ACLED, where actor1/actor2 carry no direction, ours do: actor1 acted, actor2 was acted on.
- ``inter1``/``inter2``: ACLED's numeric actor-type codes, only where our actor kind settles
  them: ``7`` civilians; ``1`` state forces (our ``state``/``military``) when the actor's
  country is the event's country. A foreign state's forces (ACLED's ``8``), rebels versus
  militias (``2``–``4``) and everything else need judgement we do not have: empty.
- ``location``: the place as the article names it; ``country``, ``admin1``, ``latitude``,
  ``longitude`` as the offline gazetteer resolved it in the article's context (service/geo),
  empty when it could not; ``iso`` is ACLED's numeric ISO 3166-1 code and ``geo_precision``
  ACLED's 1 (the town itself) or 3 (a region or country stands in for the place). Our
  ``country_code`` (alpha-2), ``admin1_code`` (ISO 3166-2, the key to join admin1 on),
  ``admin1_local`` (the admin1's local name where ``admin1`` is its English one),
  ``location_precision`` and ``facility`` follow at the end.
- ``fatalities``: the reported number killed. **Empty when no count was reported**, never 0:
  in ACLED 0 means "known to be zero", so ``0`` here means the article says nobody died.
- ``notes``: our one-sentence summary. ``source``: who the article attributes the event to
  (a person or body named in the article), not the publishing outlet, which a stored
  briefing does not keep; ``disputed`` says whether that attribution is contested.
- ``disorder_type`` and ``year`` follow from the event type and the date, as in ACLED.

Our own columns: ``event_id``, ``our_type``, ``evidence_quote`` (the verbatim evidence,
joined with " … "), ``injured``, the date's ``date_phrase``/``date_start``/``date_end``/
``date_precision``, CAMEO codes, and ``briefing_id`` so files can be concatenated.

Formula injection: spreadsheet programs run a text cell beginning with ``= + - @`` (or a
tab or carriage return, which some treat the same way) as a formula, and the text here comes
from a model reading an untrusted article. Such text cells get a leading ``'``, which
spreadsheets hide and treat as "this is text" (OWASP's advice). Numeric columns are written
from integers and never prefixed, so a negative number stays a number.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence

from pydantic import BaseModel

from schemas import (
    Actor,
    ActorKind,
    ActorRole,
    BriefingResponse,
    DatePrecision,
    Event,
    EventDate,
    Location,
)
from service.geo.countries import iso_numeric, same_country

CSV_MEDIA_TYPE = "text/csv"
"""Sent as `text/csv; charset=utf-8`: Litestar appends the charset to every text/* type."""
JSONL_MEDIA_TYPE = "application/x-ndjson"
"""NDJSON's name: what log shippers, Elasticsearch and most HTTP clients already know;
`application/jsonl` is not registered either and is less widely recognised."""

ACLED_COLUMNS = (
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "country",
    "admin1",
    "location",
    "fatalities",
    "notes",
    "source",
    "iso",
    "latitude",
    "longitude",
    "geo_precision",
)
CSV_COLUMNS = (
    *ACLED_COLUMNS,
    "event_id",
    "our_type",
    "evidence_quote",
    "year",
    "disorder_type",
    "assoc_actor_1",
    "inter1",
    "assoc_actor_2",
    "inter2",
    "other_actors",
    "injured",
    "disputed",
    "date_phrase",
    "date_start",
    "date_end",
    "date_precision",
    "cameo_root",
    "cameo_label",
    "country_code",
    "admin1_code",
    "admin1_local",
    "location_precision",
    "facility",
    "briefing_id",
)
EVIDENCE_JOINER = " … "
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | bool | None

_DISORDER = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
# ACLED files these sub-types under both headings.
_BOTH = frozenset({"Excessive force against protesters", "Mob violence"})
_STATE_KINDS = frozenset({ActorKind.STATE, ActorKind.MILITARY})


def filename(briefing_id: str, extension: str, kind: str = "events") -> str:
    return f"{briefing_id[:12]}-{kind}.{extension}"


def csv_cell(value: Cell) -> str:
    """One cell's text: empty for unknown, numbers as written, text guarded against formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def time_precision(date: EventDate) -> int | None:
    if date.start is None:
        return None
    if date.precision is DatePrecision.DAY:
        return 1 if date.end is None or date.end == date.start else 2
    return {DatePrecision.WEEK: 2, DatePrecision.MONTH: 3, DatePrecision.YEAR: 3}.get(
        date.precision
    )


def geo_precision(place: Location | None) -> int | None:
    """ACLED's code: 1 the town itself, 3 a larger region (or here a whole country) stands
    in for the place; empty when the place was not resolved."""
    if place is None or place.latitude is None:
        return None
    return 1 if place.precision == "city" else 3


def disorder_type(event_type: str | None, sub_event_type: str | None) -> str | None:
    if sub_event_type in _BOTH:
        return "Political violence; Demonstrations"
    return _DISORDER.get(event_type or "")


def inter_code(actor: Actor | None, place: Location | None) -> int | None:
    if actor is None:
        return None
    if actor.kind is ActorKind.CIVILIANS:
        return 7
    if actor.kind not in _STATE_KINDS or actor.country is None or place is None:
        return None
    if place.country_code is not None:  # resolved: "Congo" is the DRC's army in Bunia
        return 1 if same_country(actor.country, place.country_code) else None
    written = place.country
    return 1 if written and actor.country.strip().casefold() == written.casefold() else None


def _names(actors: Iterable[Actor]) -> str | None:
    return "; ".join(a.name for a in actors) or None


def csv_row(event: Event, briefing_id: str) -> dict[str, Cell]:
    """One event as CSV values keyed by column (uncoded: `csv_cell` renders them)."""
    side1 = [a for a in event.actors if a.role is ActorRole.INITIATOR]
    side2 = [a for a in event.actors if a.role is ActorRole.TARGET] + [
        a for a in event.actors if a.role is ActorRole.AFFECTED
    ]
    others = [a for a in event.actors if a.role in (ActorRole.CLAIMANT, ActorRole.OTHER)]
    place = event.location
    country = place.country if place else None
    when = event.date
    acled = event.taxonomy
    row: dict[str, Cell] = {
        "event_date": when.start.isoformat() if when.start else None,
        "time_precision": time_precision(when),
        "event_type": acled.acled_event_type,
        "sub_event_type": acled.acled_sub_event_type,
        "actor1": side1[0].name if side1 else None,
        "actor2": side2[0].name if side2 else None,
        "country": country,
        "admin1": place.admin1 if place else None,
        "location": place.name if place else None,
        "fatalities": event.casualties.killed if event.casualties else None,
        "notes": event.summary,
        "source": event.attributed_to.source if event.attributed_to else None,
        "iso": iso_numeric(place.country_code) if place else None,
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
        "geo_precision": geo_precision(place),
        "event_id": event.id,
        "our_type": event.type.value,
        "evidence_quote": EVIDENCE_JOINER.join(span.quote for span in event.evidence),
        "year": when.start.year if when.start else None,
        "disorder_type": disorder_type(acled.acled_event_type, acled.acled_sub_event_type),
        "assoc_actor_1": _names(side1[1:]),
        "inter1": inter_code(side1[0] if side1 else None, place),
        "assoc_actor_2": _names(side2[1:]),
        "inter2": inter_code(side2[0] if side2 else None, place),
        "other_actors": "; ".join(f"{a.name} ({a.role.value})" for a in others) or None,
        "injured": event.casualties.injured if event.casualties else None,
        "disputed": event.attributed_to.disputed if event.attributed_to else None,
        "date_phrase": when.phrase,
        "date_start": when.start.isoformat() if when.start else None,
        "date_end": when.end.isoformat() if when.end else None,
        "date_precision": when.precision.value,
        "cameo_root": acled.cameo_root,
        "cameo_label": acled.cameo_label,
        "country_code": place.country_code if place else None,
        "admin1_code": place.admin1_code if place else None,
        "admin1_local": place.admin1_local if place else None,
        "location_precision": place.precision if place else None,
        "facility": place.facility if place else None,
        "briefing_id": briefing_id,
    }
    return row


def events_csv(response: BriefingResponse) -> str:
    """A header line and one row per event, RFC 4180 quoting and CRLF line ends."""
    return csv_table(CSV_COLUMNS, (csv_row(event, response.id) for event in response.events))


def csv_table(columns: Sequence[str], rows: Iterable[dict[str, Cell]]) -> str:
    """A header line and the rows, each cell through `csv_cell`, RFC 4180 quoting and CRLF
    line ends; a key that is not a column raises."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return buffer.getvalue()


def events_jsonl(response: BriefingResponse) -> str:
    """One event per line, as in `BriefingResponse.events`, with `briefing_id` first."""
    return jsonl(response.id, response.events)


def jsonl(briefing_id: str, items: Iterable[BaseModel]) -> str:
    """One item per line, as the response has it, with `briefing_id` first.

    JSON escapes newlines inside strings; U+2028/U+2029 are escaped too, because some
    line readers (Python's `str.splitlines`, JavaScript) split on them.
    """
    lines = (
        json.dumps(
            {"briefing_id": briefing_id, **item.model_dump(mode="json")},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
        + "\n"
        for item in items
    )
    return "".join(lines)
