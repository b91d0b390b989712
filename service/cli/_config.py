"""The settings as documentation: docs/configuration.md's table and .env.example, rendered
from the fields of service/settings.py (their defaults and descriptions), so the docs cannot
fall behind the code (`python -m service config --write`; tests/unit/test_settings.py)."""

from __future__ import annotations

import re
import textwrap

from pydantic.fields import FieldInfo

from service.settings import Settings

TABLE_START = "<!-- settings-table:start -->"
TABLE_END = "<!-- settings-table:end -->"
REGENERATE = "python -m service config --write"


_SECTIONS = {
    "openai_base_url": "LLM backend",
    "embedded_model": "Embedded llama.cpp server (when no remote backend is configured)",
    "redis_url": "Redis",
    "max_article_chars": "Input limits",
    "fetch_urls": "Fetching pages and feeds (docs/ingest.md)",
    "max_job_articles": "Batch jobs: POST /v1/jobs and `python -m service worker`",
    "log_format": "Logs",
    "api_keys": "Access: API keys and rate limit",
    "bench_routes": "Benchmarks only",
}


def _shown_default(info: FieldInfo) -> str:
    """The default column: what the field's doc says, else its value as markdown."""
    extra = info.json_schema_extra
    if isinstance(extra, dict) and "shown" in extra:
        return str(extra["shown"])
    default = info.get_default(call_default_factory=False)
    if default is None or default == ():
        return "unset"
    if isinstance(default, bool):
        return "on" if default else "off"
    if isinstance(default, int | float):
        return _number(default)
    return f"`{_env_value(info)}`"


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _env_value(info: FieldInfo) -> str:
    """The default as an environment variable spells it; "" when it is unset or derived."""
    if info.default_factory is not None:
        return ""
    default = info.get_default(call_default_factory=False)
    if default is None:
        return ""
    if isinstance(default, bool):
        return "1" if default else "0"
    if isinstance(default, int | float):
        return _number(default)
    if isinstance(default, tuple):
        return ",".join(str(item) for item in default)
    return str(default)


def configuration_table() -> str:
    """docs/configuration.md's table of every variable, from the fields."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for field, info in Settings.model_fields.items():
        meaning = (info.description or "").replace("|", "\\|")
        rows.append(f"| `{field.upper()}` | {_shown_default(info)} | {meaning} |")
    return "\n".join(rows) + "\n"


def with_configuration_table(markdown: str) -> str:
    """`markdown` (docs/configuration.md) with the table between the markers regenerated."""
    start, end = markdown.index(TABLE_START), markdown.index(TABLE_END)
    if end < start:
        raise ValueError(f"{TABLE_END} comes before {TABLE_START}")
    head, tail = markdown[: start + len(TABLE_START)], markdown[end:]
    return f"{head}\n{configuration_table()}{tail}"


def _plain(text: str) -> str:
    """Markdown to comment text: links become their words, code loses its backticks."""
    return re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text).replace("`", "")


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s+(?=[A-Z`])", text, maxsplit=1)[0]


def env_example() -> str:
    """The repository's .env.example: every variable commented out with its default."""
    lines = [
        "# Every environment variable of the service, commented out, with its default.",
        "# docs/configuration.md says more about each. An empty value means the default.",
        "# The service reads only its environment, never this file or a .env: load one",
        "# with `set -a; . ./.env; set +a`, `docker run --env-file .env`, or systemd's",
        "# EnvironmentFile=.",
        f"# Generated from service/settings.py by `{REGENERATE}`.",
    ]
    for field, info in Settings.model_fields.items():
        if field in _SECTIONS:
            lines += ["", f"# --- {_plain(_SECTIONS[field])} ---"]
        meaning = _first_sentence(info.description or "")
        comment = f"{field.upper()}: {meaning} Default: {_shown_default(info)}."
        glued = re.sub(r"(\d|≤) (?=\w)", "\\1\0", _plain(comment))  # "60 s" stays on one line
        wrapped = textwrap.wrap(
            glued, width=90, initial_indent="# ", subsequent_indent="#   ", break_on_hyphens=False
        )
        lines += ["", *(line.replace("\0", " ") for line in wrapped)]
        lines.append(f"# {field.upper()}={_env_value(info)}")
    return "\n".join(lines) + "\n"
