"""The seed articles as request bodies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"


def seed_request(name: str = "ap-ukraine-energy-strikes") -> dict[str, Any]:
    meta = json.loads((SEEDS / f"{name}.json").read_text(encoding="utf-8"))
    text = (SEEDS / meta.pop("file")).read_text(encoding="utf-8")
    return {"article": {"text": text, **meta}}


def retitled(body: dict[str, Any], n: int) -> dict[str, Any]:
    """The request under another title: another briefing key, the same verifiable text."""
    return body | {"article": body["article"] | {"title": f"Energy strikes, part {n}"}}
