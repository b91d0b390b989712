"""The installed package: its command, its licence, its typed contract."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import schemas

ROOT = Path(__file__).resolve().parents[2]


def test_the_installed_package_has_a_command_that_is_the_cli() -> None:
    (script,) = [
        e for e in metadata.entry_points(group="console_scripts") if e.name == "grounded-briefings"
    ]
    assert script.value == "service.cli.commands:main"
    command = Path(sys.executable).parent / "grounded-briefings"
    result = subprocess.run([command, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "{serve,worker,brief,openapi,eval,apikey,config}" in result.stdout


def test_the_licence_is_declared_and_shipped() -> None:
    meta = metadata.metadata("grounded-briefings")
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert "Apache License" in (ROOT / "LICENSE").read_text()[:200]


def test_direct_imports_are_declared_and_schemas_is_typed() -> None:
    requires = " ".join(metadata.requires("grounded-briefings") or [])
    for name in ("msgspec", "httpx", "redis", "pydantic", "litestar"):
        assert name in requires, name
    assert (Path(schemas.__file__).parent / "py.typed").is_file()
