"""RFC 9457 problem details, as every error of the API is shaped."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class InvalidParam(BaseModel):
    model_config = ConfigDict(extra="allow")

    key: str | None = Field(default=None, description="Field path, e.g. 'article.text'.")
    message: str
    source: str | None = None


class Problem(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    extra: list[InvalidParam] | None = Field(
        default=None, description="For invalid requests: each offending field and the reason."
    )
