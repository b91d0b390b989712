"""Batch jobs: many articles in one request, briefed by workers, read back when done.

Each article of a job becomes one item. An item's result is the same briefing object
`POST /v1/briefings` answers for that article, stored under the same id; the job only records
which item has which briefing (or which problem).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.article import BriefingRequest
from schemas.problem import Problem

JobStatus = Literal["queued", "running", "done", "cancelled"]
ItemStatus = Literal["queued", "running", "done", "cached", "failed", "cancelled"]


class JobRequest(BaseModel):
    """Body of `POST /v1/jobs`: each article exactly as `POST /v1/briefings` takes it."""

    model_config = ConfigDict(extra="forbid", strict=True)

    articles: list[BriefingRequest] = Field(
        min_length=1,
        description="The articles, in the order results are returned. At most "
        "`MAX_JOB_ARTICLES` (10,000 by default); more is a 413.",
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
    total: int = Field(ge=1, description="Articles in the job.")
    counts: JobCounts
    offset: int = Field(ge=0, description="Index of the first item in `items`.")
    limit: int = Field(ge=0, description="Most items this page could hold.")
    items: list[JobItem]
    links: JobLinks
