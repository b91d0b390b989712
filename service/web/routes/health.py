"""Liveness and readiness: is the process up, and can it do real work right now."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from pydantic import BaseModel

from service.runtime import Runtime
from service.web.openapi import PROBLEM, ok_response, problem_responses


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    llm_backend: str
    llm_model: str
    llm_reachable: bool
    cache: str


class HealthController(Controller):
    tags = ["health"]

    @get(
        "/health",
        operation_id="health",
        summary="The process is up",
        responses=ok_response(
            Health, "Always, while the process runs.", {"status": "ok"}, summary="up"
        ),
    )
    async def health(self) -> Health:
        return Health(status="ok")

    @get(
        "/ready",
        operation_id="ready",
        summary="Redis and the LLM are reachable",
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
        | problem_responses((503, "The LLM backend is unreachable.")),
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
