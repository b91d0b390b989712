"""Liveness and readiness: is the process up, and can it do real work right now."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from pydantic import BaseModel

from service.runtime import Runtime
from service.web.openapi import PROBLEM, PublicOperation, ok_response, problem_responses


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    llm_backend: str
    llm_model: str
    llm_reachable: bool
    cache: str


# What any route answers to a request body it cannot take, these two included (they take
# none): the API's 4xx that a probe can meet.
_TOO_LARGE = (
    413,
    "The request carried a body over `MAX_BODY_BYTES` (these take none).",
    {
        "type": "about:blank",
        "title": "Request Entity Too Large",
        "status": 413,
        "detail": "the request body has 3,000,000 bytes; the limit is 2,097,152 bytes "
        "(MAX_BODY_BYTES)",
    },
)


class HealthController(Controller):
    """Public on purpose: orchestrators probe them without a key."""

    tags = ["health"]

    @get(
        "/health",
        operation_id="health",
        summary="The process is up",
        operation_class=PublicOperation,
        responses=ok_response(
            Health, "Always, while the process runs.", {"status": "ok"}, summary="up"
        )
        | problem_responses(_TOO_LARGE),
    )
    async def health(self) -> Health:
        return Health(status="ok")

    @get(
        "/ready",
        operation_id="ready",
        summary="Redis and the LLM are reachable",
        operation_class=PublicOperation,
        description="503 (a problem carrying the same fields) when the LLM is unreachable. "
        "A down Redis only degrades the service (it answers without a cache), so it reports "
        "`cache: degraded` with 200.",
        responses=ok_response(
            Readiness,
            "The LLM answers; `cache` says whether Redis does.",
            {
                "status": "ready",
                "llm_backend": "embedded",
                "llm_model": "qwen2.5-coder-0.5b-instruct",
                "llm_reachable": True,
                "cache": "redis",
            },
            summary="ready",
        )
        | problem_responses(_TOO_LARGE, (503, "The LLM backend is unreachable.")),
    )
    async def ready(self, runtime: NamedDependency[Runtime]) -> Response[Readiness]:
        llm_ok = await runtime.llm.ping()
        cache_ok = await runtime.cache.ping()
        body = Readiness(
            status="ready" if llm_ok and cache_ok else ("degraded" if llm_ok else "unavailable"),
            llm_backend=runtime.llm.kind,
            llm_model=runtime.llm.model,
            llm_reachable=llm_ok,
            cache="redis" if cache_ok else "degraded",
        )
        if llm_ok:
            return Response(content=body)
        problem = {
            **body.model_dump(exclude={"status"}),
            "type": "/problems/not-ready",
            "title": "Not ready",
            "status": 503,
            "detail": "the LLM backend is unreachable",
            "readiness": body.status,
        }
        return Response(content=problem, status_code=503, media_type=PROBLEM)  # type: ignore[arg-type]
