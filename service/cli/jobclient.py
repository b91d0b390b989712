"""`python -m service brief --url URL PATH... --job`: the articles as one job on a server.

Submits them (POST /v1/jobs), shows the job's progress until it is done, then writes its
results, the briefings exactly as the server stores them, one JSON line per article in
article order, to `--out` or stdout. Failed articles are listed with their problems on
stderr. With `--merged-out FILE`, it also writes the job's events merged across its articles
(`GET /v1/jobs/{id}/events`): CSV when FILE ends in `.csv`, else the JSON. Interrupted
(Ctrl-C), it cancels the job's queued articles before it exits.
"""

from __future__ import annotations

import asyncio
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx

from service.cli import _render
from service.cli.folder import problem_of, read_article
from service.errors import problem_fields

POLL_S = 0.5
_INDEX = re.compile(r"^articles\.(\d+)\.")


@dataclass(frozen=True, slots=True)
class JobRun:
    url: str
    paths: Sequence[Path]
    overrides: dict[str, str | None]
    api_key: str | None = None
    timeout_s: float = 600.0
    out: Path | None = None
    progress: bool = False
    merged_out: Path | None = None
    feed: dict[str, str] | None = None  # {"url": …} or {"xml": …}: the job is the feed's


async def run_job(run: JobRun) -> int:
    """0 when every article was briefed, 1 when any failed or could not be read."""
    articles, paths = [], []
    for path in run.paths:
        try:
            articles.append({"article": read_article(path, run.overrides)})
            paths.append(path)
        except (OSError, ValueError) as exc:  # unreadable, not UTF-8, bad metadata JSON
            _say(f"{path}: not submitted: {type(exc).__name__}: {exc}")
    if not articles and run.feed is None:
        return 1
    body = {"feed": run.feed} if run.feed is not None else {"articles": articles}
    headers = {"X-API-Key": run.api_key} if run.api_key else {}
    timeout = httpx.Timeout(run.timeout_s, connect=10.0)
    base = run.url.rstrip("/")
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=timeout) as http:
        submitted = await _call(http, "POST", "/v1/jobs", json=body)
        if submitted.status_code != 202:
            _say(_refusal(problem_of(submitted), paths))
            return 1
        job: dict[str, Any] = submitted.json()
        if (report := job.get("feed")) is not None:
            _say(
                f"feed {report['title'] or ''!r}: {report['entries']} entries, "
                f"{report['new']} new, {report['skipped']} skipped (briefed before)"
            )
        try:
            with _render.job_progress(job["total"], force=run.progress) as update:
                job = await _follow(http, job, update)
        except asyncio.CancelledError:  # Ctrl-C: leave no queued work behind
            await _cancel(http, job["id"])
            raise
        await _write_results(http, job["id"], run.out)
        if run.merged_out is not None:
            await _write_merged(http, job["id"], run.merged_out)
        failures = await _failures(http, job)
    _summary(job, paths, failures, time.perf_counter() - started)
    return 1 if failures or len(paths) < len(run.paths) else 0


async def _call(http: httpx.AsyncClient, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """A request, again after `Retry-After` while the server's rate limit says 429 (polling
    counts against it too); a transport failure reads like the server's own problems."""
    while True:
        try:
            response = await http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            detail = f"{http.base_url}: {exc!r}"
            unreachable = problem_fields(503, "Server unreachable", detail)
            raise SystemExit(_render.problem_text(unreachable)) from exc
        if response.status_code != 429:
            return response
        await asyncio.sleep(_retry_after(response))


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(POLL_S, float(response.headers.get("retry-after", "1")))
    except ValueError:
        return 1.0


def _refusal(refused: dict[str, Any], paths: Sequence[Path]) -> str:
    """The server's problem, with `articles.3.…` field paths named by their files."""
    lines = [f"job not submitted: {_render.problem_text(refused)}"]
    for param in refused.get("extra") or []:
        key = str(param.get("key") or "")
        if (match := _INDEX.match(key)) and int(match[1]) < len(paths):
            key = f"{paths[int(match[1])]}: {key[match.end() :]}"
        lines.append(f"  {key}: {param.get('message')}")
    return "\n".join(lines)


async def _follow(
    http: httpx.AsyncClient, job: dict[str, Any], update: Callable[[dict[str, int]], None]
) -> dict[str, Any]:
    """Poll the job's counts until it has finished."""
    update(job["counts"])
    while job["finished_at"] is None:
        await asyncio.sleep(POLL_S)
        polled = await _call(http, "GET", f"/v1/jobs/{job['id']}", params={"limit": 0})
        if polled.status_code != 200:
            raise SystemExit(f"job {job['id']}: {_render.problem_text(problem_of(polled))}")
        job = polled.json()
        update(job["counts"])
    return job


async def _cancel(http: httpx.AsyncClient, job_id: str) -> None:
    task = asyncio.current_task()
    if task is not None:
        task.uncancel()  # so the cancel itself is not cancelled; re-raised after
    try:
        await http.post(f"/v1/jobs/{job_id}/cancel")
        _say(f"interrupted: job {job_id} cancelled (its queued articles will not run)")
    except httpx.HTTPError as exc:
        _say(f"interrupted; could not cancel job {job_id}: {exc!r}")


async def _write_results(http: httpx.AsyncClient, job_id: str, out: Path | None) -> None:
    """The results as the server streams them, byte for byte."""
    try:
        while True:
            async with http.stream("GET", f"/v1/jobs/{job_id}/results") as response:
                if response.status_code == 429:
                    await asyncio.sleep(_retry_after(response))
                    continue
                await _save(response, job_id, out)
                return
    except httpx.HTTPError as exc:
        raise SystemExit(f"job {job_id}: results cut off: {exc!r}") from exc


async def _write_merged(http: httpx.AsyncClient, job_id: str, out: Path) -> None:
    """The merged events, as the server answers them, and one line saying what merged."""
    csv = out.suffix.lower() == ".csv"
    answer = await _call(http, "GET", f"/v1/jobs/{job_id}/events")
    if answer.status_code != 200:
        raise SystemExit(f"job {job_id}: merged events: {_render.problem_text(problem_of(answer))}")
    merged = answer.json()
    if csv:
        answer = await _call(http, "GET", f"/v1/jobs/{job_id}/events.csv")
        if answer.status_code != 200:
            raise SystemExit(f"job {job_id}: {_render.problem_text(problem_of(answer))}")
    out.parent.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(out.write_bytes, answer.content)
    events = merged["events"]
    several = sum(1 for e in events if e["num_articles"] > 1)
    disputed = sum(1 for e in events if e["conflicting"])
    _say(
        f"merged: {merged['reports']} events of {merged['briefed']} article(s) are "
        f"{len(events)} events, {several} reported by 2+ articles, {disputed} with reports "
        f"that disagree: {out}"
    )


async def _save(response: httpx.Response, job_id: str, out: Path | None) -> None:
    if response.status_code != 200:
        await response.aread()
        raise SystemExit(f"job {job_id}: {_render.problem_text(problem_of(response))}")
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
    sink: IO[bytes] = out.open("wb") if out is not None else sys.stdout.buffer
    try:
        async for chunk in response.aiter_bytes():
            sink.write(chunk)
    finally:
        sink.flush()
        if out is not None:
            sink.close()


async def _failures(http: httpx.AsyncClient, job: dict[str, Any]) -> list[dict[str, Any]]:
    """The failed items (index and problem), a page at a time."""
    failed: list[dict[str, Any]] = []
    offset = 0
    while offset < job["total"] and len(failed) < job["counts"]["failed"]:
        params = {"offset": offset, "limit": 1000}
        page = (await _call(http, "GET", f"/v1/jobs/{job['id']}", params=params)).json()
        failed += [item for item in page["items"] if item["status"] == "failed"]
        offset += 1000
    return failed


def _summary(
    job: dict[str, Any],
    paths: Sequence[Path],
    failures: list[dict[str, Any]],
    seconds: float,
) -> None:
    for item in failures:
        where = paths[item["index"]] if item["index"] < len(paths) else f"entry {item['index']}"
        _say(f"{where}: {_render.problem_text(item['problem'])}")
    counts = job["counts"]
    _say(
        f"job {job['id']}: {job['total']} article(s): {counts['done']} done, "
        f"{counts['cached']} cached, {counts['failed']} failed, {counts['cancelled']} "
        f"cancelled, {seconds:.1f} s"
    )


def _say(line: str) -> None:
    """One line to stderr, unwrapped (paths and job ids must stay greppable)."""
    print(line, file=sys.stderr, flush=True)
