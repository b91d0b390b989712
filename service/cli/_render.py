"""What `brief` shows a person: one briefing, a batch summary, a progress bar (rich).

Article text can hold square brackets, so everything taken from a briefing is passed as
`Text`, never as a string rich would read as markup.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from schemas import BriefingResponse
from service.cli.folder import Record


def _when(start: date | datetime | None, phrase: str | None) -> str:
    if start is None:
        return f"unknown ({phrase})" if phrase else "unknown"
    return f"{start.isoformat()} ({phrase})" if phrase else start.isoformat()


def briefing_view(result: BriefingResponse) -> RenderableType:
    b, meta = result.briefing, result.meta
    events = Table("id", "type", "date", "place", "summary", title=f"Events ({len(result.events)})")
    for ev in result.events:
        place = ev.location.name if ev.location else "unknown"
        when = _when(ev.date.start, ev.date.phrase)
        events.add_row(*(Text(cell) for cell in (ev.id, ev.type, when, place, ev.summary)))
    quotes = Table("id", "speaker", "quote", title=f"Quotes ({len(result.quotes)})")
    for q in result.quotes:
        quotes.add_row(Text(q.id), Text(q.speaker), Text(f"“{q.text}”"))
    points = [Text(f"  • {kp.text}") for kp in b.key_points]
    dropped = [Text(f"  dropped {d.what}: {d.reason}", style="dim") for d in meta.dropped]
    cached = ", cached" if meta.cached else ""
    line = Text(
        f"model {meta.model}, prompt {meta.prompt_version}, {meta.attempts} attempt(s), "
        f"{meta.usage.total_tokens} tokens, {meta.latency_ms / 1000:.1f} s{cached}, "
        f"{len(meta.dropped)} item(s) dropped by verification",
        style="dim",
    )
    return Group(
        Rule(Text(b.headline, style="bold"), align="left"),
        Text(b.summary),
        Text(""),
        Text("Key points", style="bold"),
        *points,
        Text(""),
        events,
        *([quotes] if result.quotes else []),
        line,
        *dropped,
    )


def problem_text(problem: dict[str, Any] | None, *, detail: bool = True) -> str:
    problem = problem or {}
    head = f"{problem.get('status', '?')} {problem.get('title', 'failed')}"
    return f"{head}: {problem['detail']}" if detail and problem.get("detail") else head


def summary_view(records: Sequence[Record], seconds: float) -> RenderableType:
    """One row per article in input order; the problem's details are in the JSON lines."""
    failed = [r for r in records if not r.ok]
    table = Table("file", "ok", "events", "cached", "seconds")
    table.columns[0].overflow = "fold"
    if failed:
        table.add_column("error")
    for r in records:
        row = [
            Text(str(r.path)),
            Text("yes", style="green") if r.ok else Text("no", style="red"),
            Text(str(len(r.briefing["events"])) if r.briefing else "-"),
            Text(("yes" if r.result.cached else "no") if r.result else "-"),
            Text(f"{r.seconds:.1f}"),
        ]
        error = Text(problem_text(r.error, detail=False) if r.error else "")
        table.add_row(*row, *([error] if failed else []))
    cached = sum(1 for r in records if r.result and r.result.cached)
    rate = len(records) / max(seconds, 1e-9)
    line = (
        f"{len(records)} article(s): {len(records) - len(failed)} ok ({cached} cached), "
        f"{len(failed)} failed, {seconds:.1f} s, {rate:.2f} articles/s"
    )
    return Group(table, Text(line))


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("-- articles/s" if speed is None else f"{speed:.2f} articles/s")


@contextlib.contextmanager
def progress_bar(total: int, *, force: bool = False) -> Iterator[Callable[[], None]]:
    """A bar on stderr when it is a terminal (or `force`); yields a function to advance it.

    Off by default in pipes and log files, so what goes to stdout stays machine-readable.
    """
    console = Console(file=sys.stderr, force_terminal=True if force else None)
    progress = Progress(
        TextColumn("briefing"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        TimeElapsedColumn(),
        console=console,
        redirect_stdout=False,  # JSON lines on stdout must stay on stdout
        redirect_stderr=False,
        disable=total < 2 or not (force or console.is_terminal),
    )
    with progress:
        task = progress.add_task("briefing", total=total)
        yield lambda: progress.advance(task)


@contextlib.contextmanager
def job_progress(total: int, *, force: bool = False) -> Iterator[Callable[[dict[str, int]], None]]:
    """A job's bar on stderr (when a terminal, or `force`); yields `update(counts)` to feed it
    the counts `GET /v1/jobs/{id}` reports."""
    console = Console(file=sys.stderr, force_terminal=True if force else None)
    progress = Progress(
        TextColumn("job"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(
            "[green]{task.fields[done]} done[/] · {task.fields[cached]} cached · "
            "[red]{task.fields[failed]} failed[/] · {task.fields[running]} running"
        ),
        TimeElapsedColumn(),
        console=console,
        redirect_stdout=False,  # results on stdout must stay on stdout
        redirect_stderr=False,
        disable=not (force or console.is_terminal),
    )
    with progress:
        task = progress.add_task("job", total=total, done=0, cached=0, failed=0, running=0)

        def update(counts: dict[str, int]) -> None:
            finished = total - counts["queued"] - counts["running"]
            progress.update(
                task,
                completed=finished,
                done=counts["done"],
                cached=counts["cached"],
                failed=counts["failed"],
                running=counts["running"],
            )

        yield update
