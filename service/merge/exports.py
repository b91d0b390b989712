"""Merged events as an ACLED-like CSV: one row per real-world event, not per report.

The columns are the single-briefing CSV's (service/exports.py, same meanings and formula
guard), with what merging adds:

- ``source`` is ACLED's: the outlets that reported the event, joined by "; " (a single
  briefing does not know its outlet, so its CSV puts the attribution there; here the
  attribution has its own column, ``attributed_to``).
- ``num_articles`` and ``num_sources`` follow the ACLED columns, as GDELT names them.
- ``fatalities`` is the smallest figure any report gives, ACLED's most conservative
  estimate; ``fatalities_max`` and ``injured_max`` the largest; ``conflicting`` lists the
  fields the reports disagree on.
- ``event_id`` is the merged id (m1, …); ``members`` lists each report as
  ``briefing_id:event_id``, and ``first_reported``/``last_reported`` the publication dates.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime

from schemas import Attribution, Casualties, Event, Span
from schemas.merged import Agreement, MergedEvent
from service.exports import ACLED_COLUMNS, CSV_COLUMNS, Cell, csv_cell, csv_row

_OWN = tuple(c for c in CSV_COLUMNS if c not in ACLED_COLUMNS and c != "briefing_id")
MERGED_COLUMNS = (
    *ACLED_COLUMNS,
    "num_articles",
    "num_sources",
    *_OWN,
    "attributed_to",
    "fatalities_max",
    "injured_max",
    "conflicting",
    "first_reported",
    "last_reported",
    "members",
)


def _low(figure: Agreement | None) -> int | None:
    return None if figure is None else int(figure.min)


def _high(figure: Agreement | None) -> int | None:
    return None if figure is None else int(figure.max)


def representative(merged: MergedEvent) -> Event:
    """The merged event in the single-briefing shape, so it is written by the same code:
    the lowest casualty figures, the first attribution (disputed if any report says so)."""
    claims = merged.attributions
    killed = merged.casualties.killed if merged.casualties else None
    injured = merged.casualties.injured if merged.casualties else None
    return Event(
        id=merged.id,
        type=merged.type,
        taxonomy=merged.taxonomy,
        summary=merged.summary,
        actors=merged.actors,
        location=merged.location,
        date=merged.date,
        quantities=[],
        casualties=Casualties(killed=_low(killed), injured=_low(injured))
        if merged.casualties
        else None,
        attributed_to=Attribution(
            source=claims[0].source, disputed=any(c.disputed_in for c in claims)
        )
        if claims
        else None,
        evidence=[Span(quote=s.quote, start=s.start, end=s.end) for s in merged.evidence],
    )


def _when(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def merged_row(merged: MergedEvent) -> dict[str, Cell]:
    row = csv_row(representative(merged), merged.members[0].briefing_id)
    row.pop("briefing_id")
    attribution = row["source"]
    casualties = merged.casualties
    outlets = dict.fromkeys(m.source for m in merged.members if m.source)
    row |= {
        "source": "; ".join(outlets) or None,
        "num_articles": merged.num_articles,
        "num_sources": merged.num_sources,
        "attributed_to": attribution,
        "fatalities_max": _high(casualties.killed) if casualties else None,
        "injured_max": _high(casualties.injured) if casualties else None,
        "conflicting": "; ".join(merged.conflicting) or None,
        "first_reported": _when(merged.first_reported),
        "last_reported": _when(merged.last_reported),
        "members": "; ".join(f"{m.briefing_id}:{m.event_id}" for m in merged.members),
    }
    return row


def merged_csv(events: Sequence[MergedEvent]) -> str:
    """A header line and one row per merged event, RFC 4180 quoting and CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=MERGED_COLUMNS)  # a stray key raises
    writer.writeheader()
    for merged in events:
        writer.writerow({k: csv_cell(v) for k, v in merged_row(merged).items()})
    return buffer.getvalue()
