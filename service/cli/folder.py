"""Brief many article files, in-process or against a running server, a few at a time.

Both backends take the same article dict and answer with the same bytes a client of the API
would see, so a JSONL file written in either mode reads the same. A failure is a record with
the problem (RFC 9457) the API would have answered, never an exception that stops the batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
from pydantic import ValidationError

from schemas import BriefingRequest
from schemas.article import field_path
from service.briefing import BriefingService
from service.errors import BriefingError, problem, problem_fields, status_title
from service.settings import Settings

log = logging.getLogger(__name__)

MAX_CONCURRENCY = 32


class UsageError(Exception):
    """The command line asked for something that cannot run (exit code 2)."""


def find_articles(paths: Sequence[Path]) -> list[Path]:
    """Files as given, folders searched for `*.txt` (sorted, hidden folders skipped).

    Only `.txt` files are articles, so `NAME.json` metadata and `NAME.gold.json` answers
    beside them are never briefed on their own. A file named twice is briefed once.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += _articles_in(path)
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"no such file or folder: {path}")
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    if not unique:
        raise UsageError(f"no articles (*.txt) found in {', '.join(map(str, paths))}")
    return list(unique.values())


def _articles_in(folder: Path) -> list[Path]:
    def hidden(path: Path) -> bool:
        return any(part.startswith(".") for part in path.relative_to(folder).parts)

    return sorted(p for p in folder.rglob("*.txt") if p.is_file() and not hidden(p))


def read_article(path: Path, overrides: dict[str, str | None] | None = None) -> dict[str, Any]:
    """The article text plus the metadata in `NAME.json` (or `NAME.txt.json`) beside it."""
    meta: dict[str, Any] = {}
    for candidate in (path.with_suffix(".json"), Path(f"{path}.json")):
        if candidate.is_file():
            meta = json.loads(candidate.read_text(encoding="utf-8"))
            if not isinstance(meta, dict):
                raise ValueError(f"{candidate.name} should hold a JSON object")
            meta.pop("file", None)
            break
    meta.update({k: v for k, v in (overrides or {}).items() if v is not None})
    return {"text": path.read_text(encoding="utf-8"), **meta}


class BriefFailed(Exception):
    def __init__(self, problem: dict[str, Any]) -> None:
        super().__init__(problem.get("detail") or problem.get("title"))
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Briefed:
    payload: bytes  # the response JSON exactly as the API sends it
    cached: bool


class Briefer(Protocol):
    async def brief(self, article: dict[str, Any]) -> Briefed:
        """The briefing for one article; raises BriefFailed with the problem otherwise."""
        ...


@dataclass(slots=True)
class LocalBriefer:
    """The request path, in this process: validation, cache, LLM, verification."""

    service: BriefingService

    async def brief(self, article: dict[str, Any]) -> Briefed:
        try:
            request = BriefingRequest.model_validate({"article": article})
        except ValidationError as exc:
            params = [
                {"key": field_path(".".join(map(str, e["loc"]))), "message": e["msg"]}
                for e in exc.errors()
            ]
            invalid = problem_fields(400, "Bad Request", "the article is invalid", extra=params)
            raise BriefFailed(invalid) from exc
        try:
            outcome = await self.service.brief(request)
        except BriefingError as exc:
            raise BriefFailed(problem(exc)) from exc
        return Briefed(outcome.payload, outcome.cached)


@dataclass(slots=True)
class RemoteBriefer:
    """POST /v1/briefings on a running server; its problem+json answers become failures."""

    client: httpx.AsyncClient
    url: str

    async def brief(self, article: dict[str, Any]) -> Briefed:
        try:
            response = await self.client.post(
                f"{self.url.rstrip('/')}/v1/briefings", json={"article": article}
            )
        except httpx.TimeoutException as exc:
            raise BriefFailed(
                problem_fields(504, "Server timed out", f"{self.url}: {exc!r}")
            ) from exc
        except httpx.HTTPError as exc:
            raise BriefFailed(
                problem_fields(503, "Server unreachable", f"{self.url}: {exc!r}")
            ) from exc
        if response.status_code == 200:
            return Briefed(response.content, response.headers.get("x-cache") == "hit")
        raise BriefFailed(problem_of(response))


def problem_of(response: httpx.Response) -> dict[str, Any]:
    """The server's problem, or one made from a non-problem error page (a proxy's, say)."""
    with contextlib.suppress(ValueError):
        body = response.json()
        if isinstance(body, dict) and "title" in body:
            return body
    return problem_fields(
        response.status_code, status_title(response.status_code), response.text[:500]
    )


@contextlib.asynccontextmanager
async def open_briefer(
    url: str | None = None, *, api_key: str | None = None, timeout_s: float = 600.0
) -> AsyncIterator[Briefer]:
    """One runtime (or one HTTP client) shared by every article of the run."""
    if url is None:
        from service.runtime import open_runtime

        async with open_runtime(Settings.from_env()) as runtime:
            yield LocalBriefer(runtime.briefings)
        return
    headers = {"X-API-Key": api_key} if api_key else {}
    timeout = httpx.Timeout(timeout_s, connect=10.0)
    async with httpx.AsyncClient(headers=headers, timeout=timeout) as client:
        yield RemoteBriefer(client, url)


@dataclass(frozen=True, slots=True)
class Record:
    path: Path
    seconds: float
    result: Briefed | None = None
    error: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.result is not None

    @property
    def briefing(self) -> dict[str, Any] | None:
        return json.loads(self.result.payload) if self.result else None

    def line(self) -> str:
        """One JSONL line; `briefing` is the response object as the API sent it."""
        head: dict[str, Any] = {"path": str(self.path), "ok": self.ok}
        if self.result is None:
            return json.dumps({**head, "seconds": self.seconds, "error": self.error})
        row = {**head, "cached": self.result.cached, "seconds": self.seconds}
        return json.dumps({**row, "briefing": self.briefing}, ensure_ascii=False)


async def brief_file(
    briefer: Briefer, path: Path, overrides: dict[str, str | None] | None = None
) -> Record:
    started = time.perf_counter()

    def done(**outcome: Any) -> Record:
        return Record(path, round(time.perf_counter() - started, 3), **outcome)

    try:
        article = read_article(path, overrides)
    except (OSError, ValueError) as exc:  # unreadable, not UTF-8, bad metadata JSON
        return done(error=problem_fields(400, "Unreadable article", f"{type(exc).__name__}: {exc}"))
    try:
        return done(result=await briefer.brief(article))
    except BriefFailed as exc:
        return done(error=exc.problem)
    except Exception as exc:  # one article's surprise must not sink the batch
        log.exception("briefing %s failed", path)
        return done(
            error=problem_fields(500, "Internal Server Error", f"{type(exc).__name__}: {exc}")
        )


async def run_batch(
    briefer: Briefer,
    paths: Sequence[Path],
    *,
    concurrency: int,
    overrides: dict[str, str | None] | None = None,
    on_record: Callable[[Record], None] = lambda _: None,
) -> list[Record]:
    """At most `concurrency` articles in flight; `on_record` sees each as it finishes.

    Returns the records in input order (the summary reads better that way), while
    `on_record` is called in completion order (so a JSONL file grows as work is done).
    """
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise UsageError(f"concurrency must be from 1 to {MAX_CONCURRENCY}, not {concurrency}")
    records: dict[int, Record] = {}
    todo: Iterator[tuple[int, Path]] = iter(enumerate(paths))

    async def worker() -> None:
        for index, path in todo:  # shared iterator: each path is taken by one worker
            record = await brief_file(briefer, path, overrides)
            records[index] = record
            on_record(record)

    await asyncio.gather(*(worker() for _ in range(min(concurrency, len(paths)))))
    return [records[i] for i in range(len(paths))]


@contextlib.contextmanager
def appending(path: Path) -> Iterator[Callable[[str], None]]:
    """Write whole lines with O_APPEND, one write each: safe beside other appenders, and
    every finished article is on disk even if the run is interrupted."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write(line: str) -> None:
        data = (line + "\n").encode()
        while data:
            data = data[os.write(fd, data) :]

    try:
        yield write
    finally:
        os.close(fd)
