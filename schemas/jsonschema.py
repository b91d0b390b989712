"""Write the contract's JSON Schema files: `python -m schemas.jsonschema [DIR]`.

The files are committed; a test fails when the models and the files drift apart.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from schemas import BriefingRequest, BriefingResponse, Event, Job, JobRequest, Problem
from schemas.merged import JobEvents

MODELS: dict[str, type[BaseModel]] = {
    "briefing-request": BriefingRequest,
    "briefing-response": BriefingResponse,
    "event": Event,
    "job-request": JobRequest,
    "job": Job,
    "job-events": JobEvents,
    "problem": Problem,
}
DEFAULT_DIR = Path(__file__).resolve().parent / "json"


def render(model: type[BaseModel]) -> str:
    schema = model.model_json_schema(
        mode="validation" if model in (BriefingRequest, JobRequest) else "serialization"
    )
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export(directory: Path = DEFAULT_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in MODELS.items():
        path = directory / f"{name}.schema.json"
        path.write_text(render(model), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in export(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR):
        print(path)
