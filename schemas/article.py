"""The request half of the public contract: what a client sends."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, field_validator

# JSON has no date type: in the otherwise strict request, date strings stay allowed here,
# but only the RFC 3339 forms the schema documents (`format: date` / `date-time`). Pydantic's
# lax dates also take numbers and digit strings as Unix times: 0, "0" and "20251109" all
# became dates in 1970, silently wrong anchors for every relative date in the article.
_LaxDate = Annotated[date, Strict(False)]
_LaxDatetime = Annotated[datetime, Strict(False)]
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"([Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?"
)


def _integral(value: Any) -> Any:
    """JSON Schema's `integer` is any number without a fractional part, so `5.0` is one: a
    client whose JSON encoder writes whole numbers so must not get a 400. Strings, booleans
    and 5.5 are still rejected."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


_JsonInt = Annotated[int, BeforeValidator(_integral)]

NOT_BLANK = r"[^\t-\r\x1c- \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
"""A character that is not whitespace, spelled out: `\\s` means different sets in Python
(`str.isspace`, which the validator uses), in Rust's regex (jsonschema-rs) and in
ECMAScript, so the documented pattern lists exactly the characters `str.strip()` removes."""


MAX_ARTICLE_CHARS = 1_000_000
"""The contract's ceiling on article text. The server's own limit, MAX_ARTICLE_CHARS
(100,000 by default, at most this), is lower, and over it the answer is a 413; only over
this ceiling is it a 400 from validation."""


class Article(BaseModel):
    """A news article as the client has it; only `text` is required."""

    # strict: a client's 5 for a string or "5" for a number is an error, never a guess.
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=False)

    text: str = Field(
        min_length=1,
        max_length=MAX_ARTICLE_CHARS,
        description="The article body, verbatim. Evidence offsets index into this string. "
        "Not blank: at least one character is not whitespace. Its length limit is the "
        "server's `MAX_ARTICLE_CHARS` (100,000 characters by default, at most this "
        "`maxLength`): longer is a 413 that states the limit.",
        json_schema_extra={"pattern": NOT_BLANK},
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

    @field_validator("published_at", mode="before")
    @classmethod
    def _rfc3339(cls, value: Any) -> Any:
        if value is None or isinstance(value, date):  # date objects from Python callers
            return value
        if not (isinstance(value, str) and _RFC3339.fullmatch(value)):
            raise ValueError(
                "should be an RFC 3339 date such as 2025-11-09, or a date-time with an "
                "offset such as 2025-11-09T10:30:00Z"
            )
        return value

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

    max_key_points: _JsonInt = Field(default=5, ge=1, le=6)
    max_events: _JsonInt = Field(default=10, ge=0, le=10)


class BriefingRequest(BaseModel):
    """Body of `POST /v1/briefings`."""

    model_config = ConfigDict(extra="forbid", strict=True)

    article: Article
    options: BriefingOptions = Field(default_factory=BriefingOptions)
