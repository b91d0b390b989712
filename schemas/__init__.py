"""The public contract of the grounded news-briefing API.

Importable on its own (pydantic only), so clients can vendor it.
"""

from schemas.article import Article, BriefingOptions, BriefingRequest
from schemas.briefing import (
    SCHEMA_VERSION,
    Actor,
    ActorKind,
    ActorRole,
    Attribution,
    Briefing,
    BriefingResponse,
    Casualties,
    DatePrecision,
    Dropped,
    Event,
    EventDate,
    KeyPoint,
    Location,
    Meta,
    Quantity,
    Quote,
    Span,
    Usage,
)
from schemas.job import Job, JobCounts, JobItem, JobLinks, JobRequest
from schemas.problem import InvalidParam, Problem
from schemas.taxonomy import TAXONOMY, EventType, Taxonomy

__all__ = [
    "SCHEMA_VERSION",
    "TAXONOMY",
    "Actor",
    "ActorKind",
    "ActorRole",
    "Article",
    "Attribution",
    "Briefing",
    "BriefingOptions",
    "BriefingRequest",
    "BriefingResponse",
    "Casualties",
    "DatePrecision",
    "Dropped",
    "Event",
    "EventDate",
    "EventType",
    "InvalidParam",
    "Job",
    "JobCounts",
    "JobItem",
    "JobLinks",
    "JobRequest",
    "KeyPoint",
    "Location",
    "Meta",
    "Problem",
    "Quantity",
    "Quote",
    "Span",
    "Taxonomy",
    "Usage",
]
