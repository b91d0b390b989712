"""The README's map of the code stays true: every module is on it, and nothing else is."""

from __future__ import annotations

import re

from tests.support.articles import ROOT

SERVICE = ROOT / "service"


def _layout_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Layout", 1)[1]
    return section.split("```", 2)[1]


def test_every_module_under_service_is_on_the_map() -> None:
    block = _layout_block()
    modules = {p.name for p in SERVICE.rglob("*.py") if p.name != "__init__.py"}
    missing = sorted(name for name in modules if not re.search(rf"\b{re.escape(name)}\b", block))
    assert missing == []


def test_the_map_names_only_modules_and_folders_that_exist() -> None:
    block = _layout_block().split("service/", 1)[1].split("\ntests/", 1)[0]
    named = set(re.findall(r"\b(_?[a-z][a-z_]*\.py)\b", block))
    existing = {p.name for p in SERVICE.rglob("*.py")}
    assert sorted(named - existing) == []
    folders = set(re.findall(r"^  ([a-z]+)/", block, flags=re.M))
    assert folders == {p.name for p in SERVICE.iterdir() if (p / "__init__.py").is_file()}
