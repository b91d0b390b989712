"""Repack llama-cpp-python's PyPI sdist for a text-only CPU build (README.md beside says why).

    python vendor/llama-cpp-python/repack.py [--from PATH_TO_UPSTREAM_SDIST]

Downloads (or takes) the upstream sdist, checks its sha256, applies one change and drops
what a text-only CPU build never reads, and writes ``llama_cpp_python-<version>.tar.gz``
beside this script, byte for byte the same on every run (sorted members, fixed times and
owners, gzip without a timestamp), so a reviewer can rebuild it and compare hashes.

The one change: llama-cpp-python's CMakeLists forces ``LLAMA_BUILD_COMMON ON`` (CACHE
FORCE, so ``-DLLAMA_BUILD_COMMON=OFF`` is ignored). That builds llama.cpp's ``common``
library and cpp-httplib, about 40% of the compile, for the multimodal tool only; the
Python package loads ``libllama`` and ``libggml*`` alone.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "0.3.36"
URL = (
    "https://files.pythonhosted.org/packages/ec/e9/e7de2b0463ea3ffbf0ede6cb21b58c1258a8f652"
    "1aae45ca773a59fe7cf3/llama_cpp_python-0.3.36.tar.gz"
)
SHA256 = "832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e"
HERE = Path(__file__).resolve().parent
ROOT = f"llama_cpp_python-{VERSION}"

FORCED = 'set(LLAMA_BUILD_COMMON ON CACHE BOOL "Build llama.cpp common library" FORCE)'
PATCHES = {
    f"{ROOT}/CMakeLists.txt": [(FORCED, FORCED.replace(" ON ", " OFF "))],
}
LLAMA = f"{ROOT}/vendor/llama.cpp"
# Folders the build never reads with LLAMA_BUILD_COMMON and LLAVA_BUILD off on a CPU.
DROPPED = (
    f"{ROOT}/.git",
    f"{ROOT}/.github",
    f"{ROOT}/docs",
    f"{ROOT}/docker",
    f"{ROOT}/examples",
    f"{ROOT}/tests",
    *(
        f"{LLAMA}/{name}"
        for name in (
            ".github",
            "app",
            "benches",
            "ci",
            "common",
            "conversion",
            "docs",
            "examples",
            "gguf-py",
            "grammars",
            "media",
            "models",
            "pocs",
            "requirements",
            "skills",
            "tests",
            "tools",
            "vendor/cpp-httplib",
        )
    ),
    *(
        f"{LLAMA}/ggml/src/ggml-{backend}"
        for backend in (
            "cann",
            "cuda",
            "et",
            "hexagon",
            "hip",
            "metal",
            "musa",
            "opencl",
            "openvino",
            "rpc",
            "sycl",
            "virtgpu",
            "vulkan",
            "webgpu",
            "zdnn",
            "zendnn",
        )
    ),
)


def upstream(path: Path | None) -> bytes:
    data = path.read_bytes() if path else urllib.request.urlopen(URL, timeout=120).read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        sys.exit(f"repack: sha256 {digest} is not the pinned {SHA256}")
    return data


def dropped(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix + "/") for prefix in DROPPED)


def patched(name: str, data: bytes) -> bytes:
    text = data.decode()
    for old, new in PATCHES.get(name, []):
        if text.count(old) != 1:
            sys.exit(f"repack: {name} no longer holds {old!r} exactly once")
        text = text.replace(old, new)
    return text.encode()


def repack(source: bytes) -> bytes:
    members: list[tuple[tarfile.TarInfo, bytes | None]] = []
    with tarfile.open(fileobj=io.BytesIO(source), mode="r:gz") as tar:
        for info in tar.getmembers():
            if dropped(info.name) or not (info.isfile() or info.isdir()):
                continue
            data = tar.extractfile(info).read() if info.isfile() else None  # type: ignore[union-attr]
            if data is not None and info.name in PATCHES:
                data = patched(info.name, data)
            members.append((info, data))
    out = io.BytesIO()
    with (
        gzip.GzipFile(fileobj=out, mode="wb", mtime=0, compresslevel=9) as gz,
        tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar,  # type: ignore[arg-type]
    ):
        for info, data in sorted(members, key=lambda member: member[0].name):
            clean = tarfile.TarInfo(info.name)
            clean.type, clean.mtime = info.type, 0
            clean.mode = 0o755 if info.isdir() or info.mode & 0o111 else 0o644
            clean.size = len(data) if data is not None else 0
            tar.addfile(clean, io.BytesIO(data) if data is not None else None)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, help="the upstream sdist, if on disk")
    args = parser.parse_args()
    data = repack(upstream(args.source))
    target = HERE / f"{ROOT}.tar.gz"
    target.write_bytes(data)
    print(f"{target.name}: {len(data):,} bytes, sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main()
