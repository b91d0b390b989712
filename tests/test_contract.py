"""The committed JSON Schemas and prompt versions match the code."""

from __future__ import annotations

import pytest

import prompts
from schemas.export import DEFAULT_DIR, MODELS, render

# Edit a prompt → bump its `version:` line → update its hash here (the cache key changes).
PROMPT_PINS = {
    "extract": ("extract-v2", "4b18abc2605bc98971a3a5fe1cf4d4a7bf74beed5198159752e022eb9ceb56de"),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_committed_json_schema_matches_models(name: str) -> None:
    committed = (DEFAULT_DIR / f"{name}.schema.json").read_text(encoding="utf-8")
    assert committed == render(MODELS[name]), "run: uv run python -m schemas.export"


@pytest.mark.parametrize("name", sorted(PROMPT_PINS))
def test_prompt_edits_bump_the_version(name: str) -> None:
    prompt = prompts.load(name)
    assert (prompt.version, prompt.sha256) == PROMPT_PINS[name]
