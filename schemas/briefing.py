"""The response half of the public contract: a verified briefing and its events.

Every list item here has passed verification against the article text; the draft the
model returned is internal (service/grounding/draft.py) and never leaves the service.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.taxonomy import EventType, Taxonomy

SCHEMA_VERSION = "1.4"
# 1.1: locations resolved to admin1, country code and coordinates
# 1.2: quotes[]: the article's quotations, each with its speaker and evidence (found by code);
#      Actor.country_code: the ISO country an actor's name implies (resolved by code)
# 1.3: Location.admin1_code (ISO 3166-2) and admin1_local; admin1 is the English name
# 1.4: article: the text that was briefed and the metadata used (from the page for `html`
#      and `url` requests), the language detected when none was given
"""Bump on any change to these models; it is part of every cache key."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(_Model):
    """Verbatim evidence: `article.text[start:end] == quote`, offsets computed by the service."""

    quote: str = Field(min_length=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end - self.start != len(self.quote):
            raise ValueError("end - start must equal len(quote)")
        return self


class KeyPoint(_Model):
    text: str
    evidence: list[Span] = Field(min_length=1)


class Briefing(_Model):
    headline: str
    summary: str
    key_points: list[KeyPoint]


class ActorRole(StrEnum):
    INITIATOR = "initiator"
    TARGET = "target"
    AFFECTED = "affected"
    CLAIMANT = "claimant"
    OTHER = "other"


class ActorKind(StrEnum):
    STATE = "state"
    MILITARY = "military"
    GOVERNMENT_OFFICIAL = "government_official"
    ORGANISATION = "organisation"
    ARMED_GROUP = "armed_group"
    CIVILIANS = "civilians"
    MEDIA = "media"
    UNKNOWN = "unknown"


class Actor(_Model):
    name: str = Field(description="As named in the article.")
    role: ActorRole
    kind: ActorKind = ActorKind.UNKNOWN
    country: str | None = None
    country_code: str | None = Field(
        default=None,
        description="ISO 3166-1 alpha-2 code of the country the actor's name, demonym or "
        "organisation implies ('Kenyan police' → KE, 'Sergey Lavrov' → RU), resolved by code "
        "from the gazetteer and the Phoenix actor dictionary; null when nothing says.",
    )


class Location(_Model):
    """Where an event happened: the place as the article names it, resolved by code.

    The service resolves the name offline against a gazetteer (GeoNames), using the article's
    context (the countries and other places it names); the model never writes coordinates.
    `precision` says what the coordinates stand for: a city, a region (first- or second-level
    subdivision), a whole country, or nothing (`unknown`: the place could not be resolved,
    and every resolved field is null; nothing is guessed). A facility named after a region
    ("the Rivne nuclear power plant") resolves to that region, with `facility` true.
    """

    name: str = Field(description="As the article names it.")
    admin1: str | None = Field(
        default=None,
        description="First-level subdivision (oblast, province, state), in English where "
        "GeoNames has an English name (`North Sulawesi`, `Beijing`).",
    )
    admin1_code: str | None = Field(
        default=None,
        description="The admin1's ISO 3166-2 code (`ID-SA`), where GeoNames links one: the "
        "key to join on.",
        pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$",
    )
    admin1_local: str | None = Field(
        default=None,
        description="The admin1's local (ISO 3166-2) name, where it differs from `admin1` "
        "(`Sulawesi Utara`).",
    )
    country: str | None = Field(default=None, description="Country name (English).")
    country_code: str | None = Field(
        default=None, description="ISO 3166-1 alpha-2 code.", pattern=r"^[A-Z]{2}$"
    )
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    precision: Literal["city", "region", "country", "facility", "unknown"] = Field(
        default="unknown", description="What the coordinates stand for."
    )
    facility: bool = Field(
        default=False, description="The place is a facility (a plant, a port, a dam, ...)."
    )
    resolved_by: str | None = Field(
        default=None, description="The rule that resolved the place, for a reader to check."
    )


class DatePrecision(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    UNKNOWN = "unknown"


class EventDate(_Model):
    """A date phrase found in the article, resolved by code against `published_at`."""

    phrase: str | None = Field(description="As written in the article, e.g. 'late on Saturday'.")
    start: date | None
    end: date | None = None
    precision: DatePrecision


class Quantity(_Model):
    value: float
    unit: str = Field(description="What is counted, e.g. 'drones', 'households'.")
    what: str = Field(description="What the number says, e.g. 'destroyed or intercepted'.")


class Casualties(_Model):
    killed: int | None = Field(default=None, ge=0)
    injured: int | None = Field(default=None, ge=0)


class Attribution(_Model):
    source: str = Field(description="Who reports or claims it, as named in the article.")
    disputed: bool = False


class Event(_Model):
    id: str = Field(description="Stable within a briefing: e1, e2, …")
    type: EventType
    taxonomy: Taxonomy
    summary: str = Field(description="One sentence: who did what to whom.")
    actors: list[Actor]
    location: Location | None
    date: EventDate
    quantities: list[Quantity]
    casualties: Casualties | None
    attributed_to: Attribution | None
    evidence: list[Span] = Field(min_length=1)


class Quote(_Model):
    """A quotation in the article: the words between its quotation marks, and who said them.

    Found by code, not by the model, and verified like every other item: `text` is verbatim
    in the article (`evidence[0]` is its own span) and `speaker` is named there. A speaker's
    words interrupted by the attribution are two quotes; a quotation running over several
    paragraphs is one quote per paragraph.
    """

    id: str = Field(description="Stable within a briefing: q1, q2, …")
    text: str = Field(min_length=1, description="Verbatim, without the quotation marks around it.")
    speaker: str = Field(
        description="Who said it, by the fullest name the article gives ('he said' resolved)."
    )
    speaker_sentence: int | None = Field(
        default=None, ge=1, description="The id (1-based) of the sentence that names the speaker."
    )
    evidence: list[Span] = Field(
        min_length=1,
        description="The quote's own span, then the sentence naming the speaker when that "
        "sentence does not hold the quote.",
    )


class Usage(_Model):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class Dropped(_Model):
    """Something the model said that did not survive verification, and why."""

    what: str
    reason: str


class Meta(_Model):
    model: str
    prompt_version: str
    schema_version: str = SCHEMA_VERSION
    cached: bool
    attempts: int = Field(ge=0, description="LLM calls made, re-asks included.")
    usage: Usage
    dropped: list[Dropped]
    latency_ms: float = Field(description="Time spent producing the briefing when it was computed.")
    computed_at: datetime


class BriefingArticle(_Model):
    """The article as it was briefed: the text every evidence span indexes into, and the
    metadata used. For an `html` or `url` request, the text is what was extracted from the
    page and the metadata the client's fields, else the page's."""

    text: str
    title: str | None = None
    author: str | None = None
    source: str | None = Field(
        default=None, description="The outlet: the client's, else the page's site name."
    )
    url: str | None = Field(
        default=None, description="The client's, else the page's canonical URL."
    )
    published_at: datetime | date | None = Field(
        default=None,
        description="The anchor relative dates were resolved against: the client's, else the "
        "page's (JSON-LD `datePublished`, `article:published_time`).",
    )
    language: str | None = Field(
        default=None,
        description="BCP 47: the client's, else the page's, else detected from the text.",
    )
    language_detected: bool = Field(
        default=False, description="True when `language` was detected from the text."
    )


class BriefingResponse(_Model):
    id: str = Field(
        description="Content hash of article, options, model, prompt and schema version."
    )
    briefing: Briefing
    events: list[Event]
    quotes: list[Quote] = Field(
        default_factory=list, description="The article's quotations and their speakers."
    )
    article: BriefingArticle
    meta: Meta
