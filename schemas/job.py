"""Batch jobs: many articles in one request, briefed by workers, read back when done.

Each article of a job becomes one item. An item's result is the same briefing object
`POST /v1/briefings` answers for that article, stored under the same id; the job only records
which item has which briefing (or which problem).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.article import BriefingOptions, BriefingRequest
from schemas.problem import Problem

JobStatus = Literal["queued", "running", "done", "cancelled"]
ItemStatus = Literal["queued", "running", "done", "cached", "failed", "cancelled"]


class FeedSource(BaseModel):
    """An RSS 2.0 or Atom feed: its `url` (fetched by the service, `FETCH_URLS=1`) or the
    document itself (`xml`)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    url: str | None = Field(default=None, min_length=1, max_length=4_000)
    xml: str | None = Field(default=None, min_length=1, max_length=20_000_000)

    def unreadable(self) -> str | None:
        """Why this is no feed to read, or None (a 422 problem, as for an article)."""
        if (self.url is None) == (self.xml is None):
            return "send the feed's url or its xml, one of them"
        return None


class JobRequest(BaseModel):
    """Body of `POST /v1/jobs`: `articles`, each exactly as `POST /v1/briefings` takes it, or
    a `feed`, whose entries become the articles. One of the two: neither or both is a 422
    problem (a rule across fields, which JSON Schema tools read badly)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    articles: list[BriefingRequest] | None = Field(
        default=None,
        min_length=1,
        # Litestar writes `min_length` of an optional list as `minLength`, which JSON Schema
        # applies to strings only; `minItems` beside it says it for the array
        json_schema_extra={"minItems": 1},
        description="The articles, in the order results are returned. At most "
        "`MAX_JOB_ARTICLES` (10,000 by default); more is a 413.",
    )
    feed: FeedSource | None = Field(
        default=None,
        description="Each entry not briefed before for this tenant (neither its GUID nor its "
        "link) becomes an article: the entry's full content when the feed carries it, else "
        "its link, fetched (`FETCH_URLS=1`). `Job.feed` says how many entries were new and "
        "how many skipped; an entry whose page could not be fetched or read is a failed item "
        "with its problem (`/problems/fetch-failed`, `/problems/page-unreadable`).",
    )
    options: BriefingOptions = Field(
        default_factory=BriefingOptions, description="For each entry of a `feed`."
    )

    def incomplete(self) -> tuple[str, str] | None:
        """Why this job cannot be made, as (field, reason), or None."""
        if (self.articles is None) == (self.feed is None):
            return "articles", "send articles or a feed, one of them"
        if self.feed is not None and (why := self.feed.unreadable()):
            return "feed", why
        return None


class FeedReport(BaseModel):
    """What a feed job made of its feed."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(description="The feed's title.")
    entries: int = Field(ge=0, description="Entries in the feed.")
    new: int = Field(ge=0, description="Entries never briefed before: the job's items.")
    skipped: int = Field(
        ge=0,
        description="Entries left out: already briefed for this tenant (the same GUID or "
        "the same link), or with neither content nor link.",
    )
    failed: int = Field(
        default=0,
        ge=0,
        description="New entries whose page could not be fetched or read so far: their items "
        "failed with `/problems/fetch-failed` or `/problems/page-unreadable`. An entry whose "
        "item failed (for that or any reason) was not briefed, so it is not remembered: the "
        "next post of the feed tries it again.",
    )


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class JobCounts(_Model):
    """How many items are in each state; they add up to `total`."""

    queued: int = Field(ge=0, description="Waiting for a worker.")
    running: int = Field(ge=0, description="Being briefed by a worker now.")
    done: int = Field(ge=0, description="Briefed by this job (computed, or joined in flight).")
    cached: int = Field(ge=0, description="Already stored; finished without an LLM call.")
    failed: int = Field(ge=0, description="Failed; the item holds the problem.")
    cancelled: int = Field(ge=0, description="Still queued when the job was cancelled.")


class JobItem(_Model):
    index: int = Field(ge=0, description="Position of the article in the request.")
    status: ItemStatus
    attempts: int = Field(
        ge=0,
        description="Times a worker started it: more than 1 when a worker died mid-article "
        "and another one took it over (at-least-once).",
    )
    briefing_id: str | None = Field(
        description="`done` and `cached`: the briefing's id (`getBriefing`)."
    )
    briefing_url: str | None = Field(description="`/v1/briefings/{briefing_id}`.")
    problem: Problem | None = Field(
        description="`failed`: the problem `POST /v1/briefings` would have answered with."
    )


class JobLinks(_Model):
    self: str = Field(description="The job (`getJob`).")
    results: str = Field(description="The finished briefings as JSON Lines (`getJobResults`).")
    next: str | None = Field(description="The next page of items, if there is one.")


class Job(_Model):
    """A job's progress, and one page of its items (`offset`, `limit`)."""

    id: str = Field(description="32 lowercase hex characters.")
    status: JobStatus = Field(
        description="`queued` until a worker starts an item, `running`, then `done` when "
        "every item has finished. `cancelled` once `cancelJob` came before that: queued items "
        "were cancelled, running ones still finish."
    )
    created_at: datetime
    started_at: datetime | None = Field(description="When a worker started the first item.")
    finished_at: datetime | None = Field(description="When the last item finished.")
    total: int = Field(
        ge=0, description="Articles in the job (0 for a feed with nothing new: done at once)."
    )
    counts: JobCounts
    offset: int = Field(ge=0, description="Index of the first item in `items`.")
    limit: int = Field(ge=0, description="Most items this page could hold.")
    feed: FeedReport | None = Field(
        default=None, description="A feed job's entries: how many were new, how many skipped."
    )
    items: list[JobItem]
    links: JobLinks
