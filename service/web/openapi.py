"""The OpenAPI document's parts, and the pages that show it.

How routes document their answers: problem responses with real examples. Litestar would
otherwise invent an `application/json` 400 schema and random example values; clients
generated from the spec (openapi-python-client) and schemathesis both read these, so every
documented error is our `Problem` model as application/problem+json.

The viewers (Swagger UI, ReDoc) are served from local files: these machines have no CDN.
Every URL the viewer pages load is on this server; tests/system/test_browser.py fails on any other.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Annotated, Any

from litestar import Router
from litestar.openapi import OpenAPIConfig
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.plugins import RedocRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import (
    Components,
    Example,
    License,
    Link,
    OpenAPIHeader,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Reference,
    Schema,
    SecurityRequirement,
    SecurityScheme,
)
from litestar.openapi.spec.base import BaseSchemaObject
from litestar.params import Parameter
from litestar.static_files import create_static_files_router

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

_EXAMPLES: dict[int, dict[str, Any]] = {
    400: {
        "type": "/problems/invalid-request",
        "title": "Invalid request",
        "status": 400,
        "detail": "Validation failed for POST /v1/briefings",
        "extra": [{"key": "options.max_events", "message": "Input should be a valid integer"}],
    },
    401: {
        "type": "/problems/unauthorized",
        "title": "Unauthorized",
        "status": 401,
        "detail": "a valid API key is required in the X-API-Key header",
    },
    404: {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "no briefing 1f858c459dc6230af113128d640a58a6f3530c807fb660b2211596883d8627a5 "
        "is stored",
    },
    413: {
        "type": "/problems/article-too-large",
        "title": "Article too large",
        "status": 413,
        "detail": "article.text has 120,000 characters; the limit is 100,000",
    },
    429: {
        "type": "/problems/rate-limited",
        "title": "Too Many Requests",
        "status": 429,
        "detail": "rate limit of 60 requests per minute exceeded; retry in 12 s",
    },
    502: {
        "type": "/problems/llm-bad-output",
        "title": "LLM output could not be used",
        "status": 502,
        "detail": "the model's output failed validation after 2 attempt(s): events.0.evidence: "
        "sentence id 57 is not in the article",
    },
    503: {
        "type": "/problems/llm-unavailable",
        "title": "LLM backend unavailable",
        "status": 503,
        "detail": "cannot reach the LLM backend",
    },
    504: {
        "type": "/problems/llm-timeout",
        "title": "LLM backend timed out",
        "status": 504,
        "detail": "the LLM did not answer within 300 s",
    },
}


@dataclass
class Verbatim(BaseSchemaObject):
    """An example value rendered as is.

    Litestar drops every `None` from every dict in the spec, which would strip the example
    response's required-but-null fields (`casualties: null`) and make it fail its own schema.
    Spec objects render themselves, so this one returns its value untouched.
    """

    value: Any

    def to_schema(self) -> Any:
        return self.value


def ok_response(
    container: Any,
    description: str,
    example: Any,
    media_type: str = "application/json",
    summary: str = "AP wire story",
    status: int = 200,
) -> dict[int, ResponseSpec]:
    """The success answer with a real example (rendered verbatim) instead of invented values."""
    return {
        status: ResponseSpec(
            data_container=container,
            description=description,
            media_type=media_type,
            generate_examples=False,
            examples=[Example(summary=summary, value=Verbatim(example))]
            if example is not None
            else None,
        )
    }


def problem_responses(
    *codes: tuple[int, str] | tuple[int, str, dict[str, Any]],
) -> dict[int, ResponseSpec]:
    """`{status: ResponseSpec}` for the given (status, when-it-happens) pairs; a third item
    replaces the status's usual example."""
    specs = {}
    for code, text, *own in codes:
        example = (
            own[0]
            if own
            else _EXAMPLES.get(
                code, {"type": "about:blank", "title": HTTPStatus(code).phrase, "status": code}
            )
        )
        specs[code] = ResponseSpec(
            data_container=Problem,
            description=text,
            media_type=PROBLEM,
            generate_examples=False,
            examples=[Example(summary=HTTPStatus(code).phrase, value=example)],
        )
    return specs


_WHEN_KEYS = (
    "Needed only when auth is on: the server has, or has had, API keys (`API_KEYS`, or "
    "`python -m service apikey add`), or `AUTH=keys`; a server that never had any is open."
)
SECURITY_SCHEMES: dict[str, SecurityScheme | Reference] = {
    "ApiKey": SecurityScheme(
        type="apiKey", name="X-API-Key", security_scheme_in="header", description=_WHEN_KEYS
    ),
    "BearerKey": SecurityScheme(
        type="http", scheme="bearer", description=f"The API key as a bearer token. {_WHEN_KEYS}"
    ),
}
API_KEY_SECURITY: list[SecurityRequirement] = [{"ApiKey": []}, {"BearerKey": []}, {}]
"""Either scheme, or none (`{}`) on a server without keys: set on the /v1 controllers."""

ACCESS_ERRORS = problem_responses(
    (401, "No API key, or not a valid one (only when the server has keys); `WWW-Authenticate`."),
    (
        429,
        "The caller's rate limit (`RATE_LIMIT`) is used up; `Retry-After` says when to retry. "
        "Every /v1 answer under a limit carries `RateLimit-Limit`, `RateLimit-Remaining`, "
        "`RateLimit-Reset` and `RateLimit-Policy` (draft-ietf-httpapi-ratelimit-headers-06).",
    ),
)
"""The answers the access gate (service/web/gate.py) may give on any /v1 operation."""


def page_link(what: str, path: str) -> OpenAPIHeader:
    """The `Link` header naming the HTML page of what the answer describes (RFC 8288)."""
    return OpenAPIHeader(
        schema=Schema(type=OpenAPIType.STRING),
        description=f'`<{path}>; rel="alternate"; type="text/html"`: the {what}\'s page for '
        "people (not part of this API).",
    )


def briefing_page_url(briefing_id: str) -> str:
    return f"/briefings/{briefing_id}"  # service/web/routes/pages.py


def job_page_url(job_id: str) -> str:
    return f"/jobs/{job_id}"


def page_link_value(path: str) -> str:
    return f'<{path}>; rel="alternate"; type="text/html"'


X_CACHE = OpenAPIHeader(
    schema=Schema(type=OpenAPIType.STRING, enum=["hit", "miss"]),
    description="`hit` when served from the cache, `miss` when computed now.",
)


def id_links(parameter: str, description: str, *operation_ids: str) -> dict[str, Link]:
    """OpenAPI links from an answer whose body has an `id` to operations taking it as
    `parameter`; generated clients and schemathesis's stateful tests follow them."""
    return {
        operation_id: Link(
            operation_id=operation_id,
            parameters={parameter: "$response.body#/id"},
            description=description,
        )
        for operation_id in operation_ids
    }


def stored_briefing_links(*operation_ids: str) -> dict[str, Link]:
    """Links from a briefing to the operations that read it as stored."""
    return id_links(
        "briefing_id", "The briefing just returned, as stored under its id.", *operation_ids
    )


def ok_extras(
    headers: dict[str, OpenAPIHeader] | None = None,
    links: dict[str, Link] | None = None,
    status: int = 200,
) -> type[Operation]:
    """An `operation_class` adding `headers` and `links` to the success response: Litestar
    drops a route's `response_headers` once `responses` documents it, and cannot express links."""

    @dataclass
    class _Operation(Operation):
        def __post_init__(self) -> None:
            ok = (self.responses or {}).get(str(status))
            if isinstance(ok, OpenAPIResponse):
                ok.headers = {**(ok.headers or {}), **(headers or {})} or None
                ok.links = {**(ok.links or {}), **(links or {})} or None

    return _Operation


@dataclass
class PublicOperation(Operation):
    """An operation anyone may call, and the document says so (`security: []`): Litestar
    writes no `security` for an empty list, which reads as "not stated" (Redocly's
    security-defined rule), not as "public"."""

    def __post_init__(self) -> None:
        self.security = []


# The viewers: Swagger UI and ReDoc, from local files.

SWAGGER_ASSETS = "/static/swagger"
LOCAL_ASSETS = "/static/docs"  # service/web/static: our favicon and the vendored ReDoc bundle
STATIC_DIR = Path(__file__).resolve().parent / "static"
FAVICON = f'<link rel="icon" type="image/svg+xml" href="{LOCAL_ASSETS}/favicon.svg">'


def swagger_assets_dir() -> Path:
    """Swagger UI 5.x as shipped by the swagger-ui-py package (found without importing it)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def openapi_config(version: str) -> OpenAPIConfig:
    swagger = SwaggerRenderPlugin(
        path="/swagger",
        js_url=f"{SWAGGER_ASSETS}/swagger-ui-bundle.js",
        css_url=f"{SWAGGER_ASSETS}/swagger-ui.css",
        standalone_preset_js_url=f"{SWAGGER_ASSETS}/swagger-ui-standalone-preset.js",
        favicon=FAVICON,
    )
    redoc = RedocRenderPlugin(  # see service/web/static/redoc/VENDORED.md
        path="/redoc",
        js_url=f"{LOCAL_ASSETS}/redoc/redoc.standalone.js",
        google_fonts=False,
        favicon=FAVICON,
    )
    return OpenAPIConfig(
        title="Grounded news-briefing API",
        version=version,
        description="Briefings and event lists from news articles, every item verified "
        "against the article text.\n\n"
        "**Pages for people.** Every stored briefing also has an HTML page, "
        "`/briefings/{id}` (the `Link` header of `createBriefing` and `getBriefing` names it): "
        "the article with each item's evidence marked, the events on a timeline and a map, "
        "what verification dropped, and links to the JSON and the CSV/JSONL exports. A job "
        "has one too, `/jobs/{id}` (`getJob`'s `Link` header): its progress, its articles, "
        "and its events merged across articles as `getJobEvents` gives them (each with its "
        "reports, their disagreements and the rule behind each join) on a timeline and a "
        "map. The pages are not operations of this API and are not listed here.",
        license=License(name="Apache-2.0", identifier="Apache-2.0"),
        path="/schema",
        render_plugins=[swagger, redoc],
        components=Components(security_schemes=SECURITY_SCHEMES),  # used by the /v1 controllers
    )


def assets_routers() -> list[Router]:
    return [
        create_static_files_router(path=path, directories=[directory], include_in_schema=False)
        for path, directory in ((SWAGGER_ASSETS, swagger_assets_dir()), (LOCAL_ASSETS, STATIC_DIR))
    ]
