"""Prompt templates as versioned text files.

Each file starts with a `version:` line and a `---` separator. The version is declared
by a person (so a changelog can name it) and is part of every cache key; tests pin the
text's hash to the declared version, so an edit without a bump fails CI.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Prompt:
    name: str
    version: str
    text: str
    sha256: str = field(init=False)

    def __post_init__(self) -> None:
        # Computed once: it is part of every cache key, so every request reads it.
        object.__setattr__(self, "sha256", hashlib.sha256(self.text.encode()).hexdigest())

    def render(self, **values: object) -> str:
        return self.text.format(**values)


@cache
def load(name: str) -> Prompt:
    raw = resources.files(__package__).joinpath(f"{name}.txt").read_text(encoding="utf-8")
    header, sep, body = raw.partition("\n---\n")
    if not sep or not header.startswith("version:"):
        raise ValueError(f"prompt {name!r} must start with 'version: N' and a '---' line")
    version = header.removeprefix("version:").strip()
    return Prompt(name=name, version=f"{name}-v{version}", text=body.strip() + "\n")
