"""Request and response examples shown in OpenAPI and Swagger UI: the seed article, a job."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from litestar.openapi.spec import Example
from litestar.params import Body

from schemas import BriefingRequest, JobRequest

_SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def _seed_request() -> dict[str, Any]:
    meta_path = _SEEDS / "ap-ukraine-energy-strikes.json"
    if not meta_path.is_file():  # installed without the repo's seeds: a short example
        return {"article": {"text": "Officials said a storm cut power to 20,000 homes on Sunday."}}
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    text = (_SEEDS / meta.pop("file")).read_text(encoding="utf-8")
    return {"article": {"text": text, **meta}}


SEED_REQUEST = _seed_request()


def _seed_response() -> dict[str, Any] | None:
    """A real response for the seed (scripted model, verified by the service), committed in
    schemas/examples and checked against the seed text by tests/api/test_openapi.py."""
    path = Path(__file__).resolve().parents[3] / "schemas" / "examples" / "briefing-response.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


SEED_RESPONSE = _seed_response()


# OpenGraph, not JSON-LD: the viewers embed the document in a <script>, which a
# "</script>" inside an example would end (tests/api/test_docs.py)
PAGE_EXAMPLE = (
    '<!doctype html><html lang="en"><head><title>Storm cuts power | Harbour Wire</title>'
    '<meta property="og:title" content="Storm cuts power to 20,000 homes">'
    '<meta property="og:site_name" content="Harbour Wire">'
    '<meta property="article:published_time" content="2025-11-09T07:30:00Z">'
    '<meta name="author" content="Maria Keller"></head><body>'
    '<nav><a href="/">Home</a> <a href="/world">World</a></nav><article>'
    "<h1>Storm cuts power to 20,000 homes</h1>"
    "<p>A storm cut power to 20,000 homes in the coastal province on Sunday, the regional "
    "utility said, after winds of up to 120 km/h brought down lines overnight.</p>"
    "<p>Crews had restored electricity to about half of the affected households by the "
    "evening, and the utility said the rest would be reconnected by Tuesday.</p>"
    "<p>Two people were injured by falling trees, the provincial emergency service said, "
    "and schools in three towns will stay closed on Monday.</p></article>"
    '<aside>Related: <a href="/x">Floods hit the north</a></aside>'
    "<footer>Cookies help us deliver our services.</footer></body></html>"
)

BriefingBody = Annotated[
    BriefingRequest,
    Body(
        examples=[
            Example(summary="AP wire story (text)", value=SEED_REQUEST),
            Example(summary="a web page (html)", value={"article": {"html": PAGE_EXAMPLE}}),
            Example(
                summary="a URL the service fetches (FETCH_URLS=1)",
                value={"article": {"url": "https://apnews.com/article/russia-ukraine-war"}},
            ),
        ]
    ),
]
"""The request body of the briefing operations: the seed article as text, a web page, and a
URL, one example for each form."""


JobBody = Annotated[
    JobRequest,
    Body(
        examples=[
            Example(
                summary="two articles",
                value={
                    "articles": [
                        SEED_REQUEST,
                        {
                            "article": {
                                "text": "Officials said a storm cut power to 20,000 homes "
                                "on Sunday."
                            },
                            "options": {"max_events": 3},
                        },
                    ]
                },
            ),
            Example(
                summary="an RSS feed",
                value={
                    "feed": {
                        "xml": '<?xml version="1.0"?><rss version="2.0"><channel><title>'
                        "Wire</title><item><title>Storm cuts power</title><link>"
                        "https://news.example.com/storm</link><guid>storm-1</guid></item>"
                        "</channel></rss>"
                    },
                    "options": {"max_events": 5},
                },
            ),
        ]
    ),
]
"""The request body of createJob: the seed article and a short one; or a feed."""

_JOB_ID = "5f1c0b8e2d9a4c7b8e6f1a2b3c4d5e6f"
_SEED_ID = SEED_RESPONSE["id"] if SEED_RESPONSE else "0" * 64
JOB_EXAMPLE: dict[str, Any] = {
    "id": _JOB_ID,
    "status": "running",
    "created_at": "2025-11-09T10:30:00Z",
    "started_at": "2025-11-09T10:30:00.250000Z",
    "finished_at": None,
    "total": 3,
    "counts": {"queued": 0, "running": 1, "done": 1, "cached": 0, "failed": 1, "cancelled": 0},
    "offset": 0,
    "limit": 100,
    "items": [
        {
            "index": 0,
            "status": "done",
            "attempts": 1,
            "briefing_id": _SEED_ID,
            "briefing_url": f"/v1/briefings/{_SEED_ID}",
            "problem": None,
        },
        {
            "index": 1,
            "status": "failed",
            "attempts": 1,
            "briefing_id": None,
            "briefing_url": None,
            "problem": {
                "type": "/problems/llm-timeout",
                "title": "LLM backend timed out",
                "status": 504,
                "detail": "the LLM did not answer within 300 s",
            },
        },
        {
            "index": 2,
            "status": "running",
            "attempts": 2,
            "briefing_id": None,
            "briefing_url": None,
            "problem": None,
        },
    ],
    "links": {
        "self": f"/v1/jobs/{_JOB_ID}",
        "results": f"/v1/jobs/{_JOB_ID}/results",
        "next": None,
    },
}
"""A job under way: one article briefed, one failed, one retried after its worker died."""
