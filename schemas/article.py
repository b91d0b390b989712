"""The request half of the public contract: what a client sends."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator

# JSON has no date type: in the otherwise strict request, ISO 8601 strings stay allowed here.
_LaxDate = Annotated[date, Strict(False)]
_LaxDatetime = Annotated[datetime, Strict(False)]

MAX_ARTICLE_CHARS = 200_000
"""Hard ceiling on article text; the service may set a lower one (see settings)."""


class Article(BaseModel):
    """A news article as the client has it; only `text` is required."""

    # strict: a client's 5 for a string or "5" for a number is an error, never a guess.
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=False)

    text: str = Field(
        min_length=1,
        max_length=MAX_ARTICLE_CHARS,
        description="The article body, verbatim. Evidence offsets index into this string.",
    )
    title: str | None = Field(default=None, max_length=1_000)
    url: str | None = Field(default=None, max_length=4_000)
    source: str | None = Field(default=None, max_length=300, examples=["The Associated Press"])
    published_at: _LaxDate | _LaxDatetime | None = Field(
        default=None,
        description="Publication date or datetime; the anchor for relative dates such as "
        "'late on Saturday'. Without it, relative dates resolve to precision 'unknown'.",
    )
    language: str | None = Field(
        default=None,
        max_length=35,
        description="BCP 47 tag such as 'en' or 'uk'.",
    )

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("article text must not be blank")
        return value

    def published_date(self) -> date | None:
        """The calendar day of publication, whichever form the client sent."""
        if isinstance(self.published_at, datetime):
            return self.published_at.date()
        return self.published_at


class BriefingOptions(BaseModel):
    """Knobs that change the result; every field is part of the cache key."""

    model_config = ConfigDict(extra="forbid", strict=True)

    max_key_points: int = Field(default=5, ge=1, le=6)
    max_events: int = Field(default=10, ge=0, le=10)


class BriefingRequest(BaseModel):
    """Body of `POST /v1/briefings`."""

    model_config = ConfigDict(extra="forbid", strict=True)

    article: Article
    options: BriefingOptions = Field(default_factory=BriefingOptions)
