"""A `_private` module belongs to its package: code elsewhere imports the package's public
modules, so a private one can change without breaking a caller it never knew about.

The layer contracts (pyproject.toml, lint-imports) say which packages may use which; this
says how. Tests are exempt: a white-box test of a private helper lives outside its package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("service", "schemas", "prompts", "bench")


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(tree: ast.Module, importer: str, is_package: bool) -> list[tuple[int, str]]:
    """Every module the file imports, absolute, with its line (`from a import b` counts
    `a.b`: b may be a module)."""
    here = importer if is_package else importer.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def _private(module: str) -> tuple[str, str] | None:
    """The private module a name is in and the package that owns it (the parent of its
    first `_name` part), or None when it is public."""
    parts = module.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[: i + 1]), ".".join(parts[:i])
    return None


def private_imports(root: Path, packages: tuple[str, ...]) -> list[str]:
    """`file:line imports module` for each import of a private module (or a module's private
    name) of `packages` from outside the package (or module) that owns it."""
    wrong: dict[str, None] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            importer = _module_name(path, root)
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for line, name in _imported(tree, importer, path.name == "__init__.py"):
                if name.split(".")[0] not in packages or (private := _private(name)) is None:
                    continue
                module, owner = private
                if importer != owner and not importer.startswith(owner + "."):
                    wrong.setdefault(f"{path.relative_to(root)}:{line} imports {module}")
    return list(wrong)


def test_no_module_imports_another_packages_private_module() -> None:
    assert private_imports(ROOT, SHIPPED) == []


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_planted_cross_package_private_import_is_found(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/store/__init__.py": "",
            "app/store/_outage.py": "X = 1\n",
            "app/store/cache.py": "from app.store._outage import X\nfrom . import _outage\n",
            "app/store/deep/user.py": "from .._outage import X\n",
            "app/jobs/__init__.py": "",
            "app/jobs/worker.py": "import os\n\nfrom app.store._outage import X\n",
            "app/jobs/store.py": "from app.store.cache import _key, cache\nimport redis._x\n",
            "app/web/__init__.py": "",
            "app/web/routes.py": "from app.store import _outage\nimport app.store._outage\n",
        },
    )
    assert private_imports(tmp_path, ("app",)) == [
        "app/jobs/store.py:1 imports app.store.cache._key",
        "app/jobs/worker.py:3 imports app.store._outage",
        "app/web/routes.py:1 imports app.store._outage",
        "app/web/routes.py:2 imports app.store._outage",
    ]


def test_dunder_modules_are_not_private(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/__main__.py": "from app.cli import main\n",
            "app/cli/__init__.py": "from app import __main__\n",
        },
    )
    assert private_imports(tmp_path, ("app",)) == []
