"""Pointers that resolve: every repository path and every README/docs section the code and
the docs cite exists (issue 26).

A newcomer follows `service/llm/slots.py` or `docs/quality.md#long-articles` from a docstring
and must land somewhere. Paths are the ones that start at a top-level folder of the
repository; sections are `FILE.md#anchor` links, checked against the headings of that file
(GitHub's anchors: lower case, punctuation dropped, spaces as hyphens).
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.articles import ROOT

TOP = ("service", "schemas", "prompts", "tests", "bench", "docs", "seeds", "vendor", ".ci")
PATH = re.compile(
    rf"(?<![\w./-])((?:{'|'.join(re.escape(t) for t in TOP)})/[\w.+-]+(?:/[\w.+-]+)*/?)"
)
SECTION = re.compile(r"(?<![\w/-])((?:docs/)?[\w-]+\.md)#([\w-]+)")
# a section by its title: `README, "Layout"`, `docs/quality.md, "Long articles"`
TITLED = re.compile(r"(?<![\w/-])((?:[\w-]+/)*[\w-]+\.md|README),? [\"“]([^\"”\n]{3,80})[\"”]")
SOURCES = ("service", "schemas", "prompts", "tests", "bench", "docs")


def sources(root: Path) -> list[Path]:
    files = [root / "README.md", root / "BENCHMARKS.md", root / "vendor/llama-cpp-python/README.md"]
    for top in SOURCES:
        files += [p for p in (root / top).rglob("*") if p.suffix in (".py", ".md", ".toml")]
    return [f for f in files if f.is_file() and "pointers" not in f.name]


def anchors(markdown: str) -> set[str]:
    found = set()
    for line in markdown.splitlines():
        if m := re.match(r"#{1,6}\s+(.*)", line):
            slug = re.sub(r"[^\w\- ]", "", m[1].strip().lower()).replace(" ", "-")
            found.add(slug)
    return found


def dangling(text: str, where: Path, root: Path) -> list[str]:
    """The paths and sections `text` (a file at `where`) cites that do not exist."""
    missing = []
    for m in PATH.finditer(text):
        path = m[1].rstrip(".")
        if text[m.end() : m.end() + 1] in ("*", "{", "<"):
            continue  # a pattern ("bench/results/hit-*.json"), not a path
        if re.search(r"--out\s+$", text[max(0, m.start() - 8) : m.start()]):
            continue  # where a command writes, not what is here
        module, _, _ = path.rpartition(".")
        if not (root / path).exists() and not (root / f"{module}.py").is_file():
            missing.append(path)  # (`bench/_common.variant` is a name in bench/_common.py)
    for m in SECTION.finditer(text):
        name, anchor = m[1], m[2]
        target = next(
            (p for p in (where.parent / name, root / name, root / "docs" / name) if p.is_file()),
            None,
        )
        if target is None:
            missing.append(name)
        elif anchor not in anchors(target.read_text(encoding="utf-8")):
            missing.append(f"{name}#{anchor}")
    for m in TITLED.finditer(text):
        name = "README.md" if m[1] == "README" else m[1]
        target = next(
            (p for p in (where.parent / name, root / name, root / "docs" / name) if p.is_file()),
            None,
        )
        markdown = target.read_text(encoding="utf-8") if target else ""
        # "## 10. The gazetteer: …" is the section "The gazetteer"
        titles = [t.lower() for t in re.findall(r"(?m)^#{1,6}\s+(?:\d+\.\s+)?(.*)$", markdown)]
        if not any(t.startswith(m[2].lower()) for t in titles):
            missing.append(f'{m[1]}, "{m[2]}"')
    return missing


def test_every_cited_path_and_section_exists() -> None:
    broken = {
        str(f.relative_to(ROOT)): gone
        for f in sources(ROOT)
        if (gone := dangling(f.read_text(encoding="utf-8"), f, ROOT))
    }
    assert broken == {}


def test_a_planted_dangling_pointer_is_found() -> None:
    where = ROOT / "service" / "briefing.py"
    planted = "see service/llm/limit.py and docs/quality.md#no-such-section; service/runtime.py"
    assert dangling(planted, where, ROOT) == [
        "service/llm/limit.py",
        "docs/quality.md#no-such-section",
    ]
