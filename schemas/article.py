"""The request half of the public contract: what a client sends."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Strict,
    Tag,
    field_validator,
)

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

MAX_HTML_CHARS = 2_000_000
"""The contract's ceiling on a page's HTML: pages carry five to twenty times their text in
markup. The request body limit (`MAX_BODY_BYTES`) applies first."""


class _About(BaseModel):
    """What every form of an article may say about it, beside its body."""

    # strict: a client's 5 for a string or "5" for a number is an error, never a guess.
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=False)

    title: str | None = Field(default=None, max_length=1_000)
    author: str | None = Field(default=None, max_length=300)
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

    def published_date(self) -> date | None:
        """The calendar day of publication, whichever form the client sent."""
        if isinstance(self.published_at, datetime):
            return self.published_at.date()
        return self.published_at


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


class Article(_About):
    """A news article as text: what is briefed, whatever form the client sent."""

    text: str = Field(
        min_length=1,
        max_length=MAX_ARTICLE_CHARS,
        description="The article body, verbatim. Evidence offsets index into this string. "
        "Not blank: at least one character is not whitespace. Its length limit is the "
        "server's `MAX_ARTICLE_CHARS` (100,000 characters by default, at most this "
        "`maxLength`): longer is a 413 that states the limit.",
        json_schema_extra={"pattern": NOT_BLANK},
    )

    _text = field_validator("text")(_not_blank)


class PageArticle(_About):
    """A news article as its web page: the service reads the story and the page's metadata
    from it (service/ingest/page.py); the fields sent beside it win over the page's."""

    html: str = Field(
        min_length=1,
        max_length=MAX_HTML_CHARS,
        description="The article's web page, as a browser or crawler saved it. The service "
        "extracts the story's text (no menus, ads, related links or comments) and the "
        "page's title, author, site name, publication date, language and canonical URL "
        "(JSON-LD `NewsArticle`, OpenGraph). The response's `article` holds the text that "
        "was briefed: evidence offsets index into it. Too little article text (a paywall "
        "or teaser page) is a 422 problem.",
        json_schema_extra={"pattern": NOT_BLANK},
    )

    _html = field_validator("html")(_not_blank)


class LinkArticle(_About):
    """A news article by its address: the service fetches the page and reads it as `html`,
    when the server allows it (`FETCH_URLS=1`; else a 422 problem)."""

    url: str = Field(
        min_length=1,
        max_length=4_000,
        description="The article's page, http or https. Fetched through the SSRF guard: "
        "loopback, private, link-local and metadata addresses are refused (docs/ingest.md).",
    )


def _form(value: Any) -> str | None:
    """Which form an article is in, by the body it sends: `text`, else `html`, else `url`."""
    if isinstance(value, dict):
        return next((k for k in ("text", "html", "url") if k in value), None)
    forms: dict[type, str] = {Article: "text", PageArticle: "html", LinkArticle: "url"}
    return forms.get(type(value))


AnyArticle = Annotated[
    Annotated[Article, Tag("text")]
    | Annotated[PageArticle, Tag("html")]
    | Annotated[LinkArticle, Tag("url")],
    Discriminator(
        _form,
        custom_error_type="article_body",
        custom_error_message="an article needs its text, its html or its url",
    ),
]
"""An article as the client has it: its text, its page's HTML, or its URL."""

_FORM_IN_PATH = re.compile(r"(^|\.)article\.(?:text|html|url)\.(?=.)")


def field_path(path: str) -> str:
    """A validation error's field path as the client wrote it: pydantic names the article's
    form in it ("article.text.published_at"), which is no field of the request."""
    return _FORM_IN_PATH.sub(r"\1article.", path)


class BriefingOptions(BaseModel):
    """Knobs that change the result; every field is part of the cache key."""

    model_config = ConfigDict(extra="forbid", strict=True)

    max_key_points: _JsonInt = Field(default=5, ge=1, le=6)
    max_events: _JsonInt = Field(default=10, ge=0, le=10)


class BriefingRequest(BaseModel):
    """Body of `POST /v1/briefings`."""

    model_config = ConfigDict(extra="forbid", strict=True)

    article: AnyArticle
    options: BriefingOptions = Field(default_factory=BriefingOptions)
