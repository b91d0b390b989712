"""Benchmark-only route (BENCH_ROUTES=1): the floor a cache hit is measured against.

`POST /bench/bare` answers with the bytes a cache hit of `POST /v1/briefings` sends for the
seed article (same body, same `Content-Type` and `X-Cache` headers) but does no work per
request: it reads no body, computes no key and looks nothing up. Being in the same app it
goes through the same middleware (request id and access log, metrics, the API-key gate), so
hit ÷ bare is what the hit path itself costs. See bench/hit.py and BENCHMARKS.md. Off by
default and never in the OpenAPI document.
"""

from __future__ import annotations

import json
from typing import Any

from litestar import Controller, Request, Response, post
from litestar.exceptions import NotFoundException

from schemas import BriefingRequest
from service.runtime import Runtime
from service.web.routes._examples import SEED_REQUEST

_STATE_KEY = "bench_bare_payload"


async def _seed_payload(runtime: Runtime) -> bytes:
    """The stored briefing of the seed article (its id is the key a request for it gets)."""
    request = BriefingRequest.model_validate_json(json.dumps(SEED_REQUEST))
    payload = await runtime.briefings.get(runtime.briefings.key(request))
    if payload is None:
        raise NotFoundException(
            detail="the seed article's briefing is not cached yet: POST it to /v1/briefings first"
        )
    return payload


class BenchController(Controller):
    path = "/bench"
    include_in_schema = False

    @post("/bare", status_code=200)
    async def bare(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        """Read once per process (the first call), then served from memory."""
        state = request.app.state
        payload: bytes | None = state.get(_STATE_KEY)
        if payload is None:
            payload = state[_STATE_KEY] = await _seed_payload(state.runtime)
        return Response(content=payload, media_type="application/json", headers={"X-Cache": "hit"})
