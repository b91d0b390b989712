"""OpenAPI pieces the controllers share, so every route documents errors the same way."""

from __future__ import annotations

from typing import Annotated

from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter

from schemas import Problem

PROBLEM = "application/problem+json"

BriefingId = Annotated[
    str,
    Parameter(
        pattern=r"^[0-9a-f]{64}$",
        description="The briefing's id: 64 lowercase hex characters, as createBriefing returns.",
    ),
]
"""A path parameter naming a stored briefing; anything else is a 400 before any lookup."""


def problems(*codes: tuple[int, str]) -> dict[int, ResponseSpec]:
    """Document error responses as problem+json (clients generated from the spec need it)."""
    return {
        code: ResponseSpec(data_container=Problem, description=text, media_type=PROBLEM)
        for code, text in codes
    }
