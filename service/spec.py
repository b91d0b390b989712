"""The OpenAPI document as committed in schemas/openapi.json.

Clients are generated from the committed file, so it must be exactly what the code serves;
tests/test_openapi.py fails when they drift. Regenerate with `python -m service openapi`.
"""

from __future__ import annotations

import json
from pathlib import Path

from service.app import create_app
from service.settings import Settings

COMMITTED = Path(__file__).resolve().parents[1] / "schemas" / "openapi.json"


def render_openapi(settings: Settings | None = None) -> str:
    """The served document, with sorted keys so diffs stay readable."""
    app = create_app(settings or Settings())
    schema = app.openapi_schema.to_schema()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_openapi(path: Path = COMMITTED) -> Path:
    path.write_text(render_openapi(), encoding="utf-8")
    return path
