"""Events merged across the articles of a job: each real-world event once, with its reports.

The merge is code (service/merge/), on the verified fields of each article's events; nothing
here comes from a model that the single-article contract does not already carry. Every
merged event says which reports it joined and by what rule, keeps each report's figures side
by side, and flags where the reports disagree instead of picking a winner silently.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from schemas.briefing import Actor, EventDate, Location, Span
from schemas.job import JobStatus
from schemas.taxonomy import EventType, Taxonomy


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Join(_Model):
    """Why two reports were joined: each test the pair passed, as a reader checks it."""

    a: int = Field(ge=0, description="Index in `members` of one report.")
    b: int = Field(ge=0, description="Index in `members` of the other.")
    type: str = Field(description="'same type', or the compatible pair, e.g. 'attack ~ …'.")
    date: str = Field(description="The overlap of the two resolved date ranges.")
    place: str = Field(
        description="'same place', containment ('Odesa is in Odesa Oblast'), 'same country', "
        "'same name', or that one report names no place."
    )
    actors: str = Field(description="The initiators that match, or that one report names none.")


class Member(_Model):
    """One article's report of the event."""

    briefing_id: str
    event_id: str = Field(description="The event's id within its briefing (e1, e2, …).")
    article_index: int = Field(ge=0, description="The article's position in the job.")
    source: str | None = Field(description="The publishing outlet, as the client sent it.")
    title: str | None
    published_at: dt.date | dt.datetime | None
    url: str | None
    type: EventType = Field(description="The type this report's event has.")


class SourcedSpan(Span):
    """Verbatim evidence from one member's article: offsets index into that article's text."""

    briefing_id: str
    event_id: str


class Figure(_Model):
    """One report's number."""

    briefing_id: str
    source: str | None = Field(description="The publishing outlet.")
    value: float


class Agreement(_Model):
    """A number as each report gives it. `conflicting` when the reports give different values."""

    reports: list[Figure] = Field(min_length=1)
    min: float
    max: float
    conflicting: bool


class QuantityAgreement(Agreement):
    unit: str = Field(description="What is counted, as the first report writes it.")


class CasualtyAgreement(_Model):
    killed: Agreement | None
    injured: Agreement | None


class AttributionAgreement(_Model):
    """Who the reports say claims or reports the event, and which reports call it disputed."""

    source: str = Field(description="Who reports or claims it, as the first report names it.")
    reported_by: list[str] = Field(description="Briefing ids of the reports naming this source.")
    disputed_in: list[str] = Field(
        description="Of those, the briefing ids whose report says the claim is disputed."
    )
    disputed_in_outlets: list[str] = Field(
        description="The outlets of those reports (`source`; null ones left out), once each."
    )
    conflicting: bool = Field(description="Some reports call it disputed and others do not.")


class MergedEvent(_Model):
    id: str = Field(description="m1, m2, … in order of first report; stable for the same input.")
    type: EventType = Field(description="The type most reports give (ties: the earliest).")
    types: list[EventType] = Field(description="Every type the reports give.")
    taxonomy: Taxonomy
    summary: str = Field(description="The earliest report's summary.")
    date: EventDate = Field(description="The most precise report's date.")
    location: Location | None = Field(description="The most precise report's place.")
    actors: list[Actor] = Field(description="Every actor the reports name, once per name and role.")
    num_articles: int = Field(ge=1)
    num_sources: int = Field(
        ge=1,
        description="Distinct outlets (by `source`, else the URL's host; an article with "
        "neither counts as its own).",
    )
    first_reported: dt.date | dt.datetime | None
    last_reported: dt.date | dt.datetime | None
    members: list[Member] = Field(min_length=1, description="Earliest report first.")
    joins: list[Join] = Field(
        description="The merges that made the event, one fewer than its members (none for a "
        "single report), in the order they were made: the surest first."
    )
    evidence: list[SourcedSpan] = Field(min_length=1)
    quantities: list[QuantityAgreement]
    casualties: CasualtyAgreement | None
    attributions: list[AttributionAgreement]
    conflicting: list[str] = Field(
        description="The fields the reports disagree on: 'type', 'killed', 'injured', "
        "'attribution', and 'quantity:<unit>' per disagreeing quantity."
    )


class JobEventsLinks(_Model):
    job: str
    self: str
    csv: str


class JobEvents(_Model):
    """A job's events merged across its articles (`getJobEvents`)."""

    job_id: str
    status: JobStatus = Field(description="The job's status when merged; `running`: partial.")
    articles: int = Field(ge=0, description="Articles in the job.")
    briefed: int = Field(ge=0, description="Finished articles whose briefing was read.")
    expired: int = Field(
        ge=0, description="Finished articles whose briefing has expired (`CACHE_TTL_S`)."
    )
    reports: int = Field(ge=0, description="Events in the briefings read, before merging.")
    events: list[MergedEvent]
    links: JobEventsLinks
