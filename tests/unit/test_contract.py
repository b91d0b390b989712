"""The committed JSON Schemas and prompt versions match the code."""

from __future__ import annotations

import pytest

import prompts
from schemas.jsonschema import DEFAULT_DIR, MODELS, render

# Edit a prompt → bump its `version:` line → update its hash here (the cache key changes).
PROMPT_PINS = {
    "extract": ("extract-v3", "110fda420f37e128a14e7a4695be920ef63b0ef91485297a8faa0ac02308c9bc"),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_committed_json_schema_matches_models(name: str) -> None:
    committed = (DEFAULT_DIR / f"{name}.schema.json").read_text(encoding="utf-8")
    assert committed == render(MODELS[name]), "run: uv run python -m schemas.jsonschema"


@pytest.mark.parametrize("name", sorted(PROMPT_PINS))
def test_prompt_edits_bump_the_version(name: str) -> None:
    prompt = prompts.load(name)
    assert (prompt.version, prompt.sha256) == PROMPT_PINS[name]
