"""The seed article as the request example shown in OpenAPI and Swagger UI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from litestar.openapi.spec import Example
from litestar.params import Body

from schemas import BriefingRequest

_SEEDS = Path(__file__).resolve().parents[2] / "seeds"


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
    schemas/examples and checked against the seed text by tests/test_openapi.py."""
    path = Path(__file__).resolve().parents[2] / "schemas" / "examples" / "briefing-response.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


SEED_RESPONSE = _seed_response()


BriefingBody = Annotated[
    BriefingRequest, Body(examples=[Example(summary="AP wire story", value=SEED_REQUEST)])
]
"""The request body of the briefing operations, with the seed article as its example."""
