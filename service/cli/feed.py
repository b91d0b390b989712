"""`brief --feed URL|FILE`: a feed's new entries briefed, in this process or as a job.

With `--url` the feed goes to the server as a job (`POST /v1/jobs` with `feed`), which
fetches it (a URL) or reads it (a file's XML) and skips what it briefed before. In this
process the same reader does it (service/ingest/entries.py) under the tenant `cli`, so a
feed briefed twice from the command line adds only its new entries too; a URL is fetched
only with FETCH_URLS=1, as by the server.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from schemas import BriefingRequest, JobRequest
from schemas.job import FeedSource
from service.cli.folder import Briefed, Record, UsageError
from service.errors import BriefingError, problem
from service.runtime import Runtime

CLI_TENANT = "cli"  # whose feed entries the command line has briefed (store/feeds.py)


def feed_source(source: str) -> dict[str, str]:
    """`{"url": …}` for an http(s) address, else `{"xml": …}`, the file's text."""
    if source.startswith(("http://", "https://")):
        return {"url": source}
    path = Path(source)
    if not path.is_file():
        raise UsageError(f"--feed {source}: no such file, and not an http(s) URL")
    return {"xml": path.read_text(encoding="utf-8", errors="replace")}


async def brief_feed(
    runtime: Runtime, source: dict[str, str], concurrency: int
) -> tuple[str, list[Record] | None]:
    """The feed's report line and one record per new entry (its link as the record's path);
    None for the records when the feed itself could not be read."""
    reader = runtime.jobs.feeds
    assert reader is not None
    request = JobRequest(feed=FeedSource(**source))
    try:
        claimed = await reader.articles(request, CLI_TENANT)
    except BriefingError as exc:
        return f"feed not read: {problem(exc)['detail']}", None
    report = claimed.report
    line = (
        f"feed {report.title or ''!r}: {report.entries} entries, {report.new} new, "
        f"{report.skipped} skipped (briefed before)"
    )
    gate = asyncio.Semaphore(concurrency)

    async def one(article: BriefingRequest, keys: list[str]) -> Record:
        label = Path(article.article.url or article.article.title or "entry")
        started = time.perf_counter()
        async with gate:
            try:
                outcome = await runtime.briefings.brief(article)
            except BriefingError as exc:
                await reader.seen.release(CLI_TENANT, keys)  # not briefed: tried next time
                return _record(label, started, error=problem(exc))
        return _record(label, started, result=Briefed(outcome.payload, outcome.cached))

    briefed = (one(a, keys) for a, keys in zip(claimed.articles, claimed.claims, strict=True))
    return line, list(await asyncio.gather(*briefed))


def _record(path: Path, started: float, **outcome: Any) -> Record:
    return Record(path, round(time.perf_counter() - started, 3), **outcome)
