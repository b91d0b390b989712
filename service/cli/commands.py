"""Command line: run the API or a job worker, brief files or folders (in-process, via a server,
or as a job), evaluate."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from schemas import BriefingResponse
from service.cli import _render
from service.cli._config import configuration_table, env_example, with_configuration_table
from service.cli.folder import (
    MAX_CONCURRENCY,
    Briefer,
    Record,
    UsageError,
    appending,
    brief_file,
    find_articles,
    open_briefer,
    run_batch,
)
from service.settings import ConfigError, Settings

ROOT = Path(__file__).resolve().parents[2]
CONFIGURATION_DOC = ROOT / "docs" / "configuration.md"
ENV_EXAMPLE = ROOT / ".env.example"

LOCAL_CONCURRENCY = 2  # the LLM is the bottleneck; an embedded one serves one call at a time
REMOTE_CONCURRENCY = 4


def _concurrency(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_CONCURRENCY:
        raise argparse.ArgumentTypeError(
            f"must be a whole number from 1 to {MAX_CONCURRENCY}, not {text!r}"
        )
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m service")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--log-level", default="info")
    worker = commands.add_parser(
        "worker",
        help="brief the articles of batch jobs (POST /v1/jobs); run as many as you like",
        description="Takes articles off the job queue in Redis (REDIS_URL) and briefs them "
        "with the configured LLM, as the API would. Stops on SIGINT or SIGTERM; the articles "
        "it was working on go back on the queue.",
    )
    worker.add_argument(
        "--concurrency",
        type=_concurrency,
        help="articles in flight in this process (default WORKER_CONCURRENCY, 4)",
    )
    brief = commands.add_parser(
        "brief",
        help="brief article files or folders of them",
        description="Brief article files; a folder means every *.txt in it (recursively). "
        "NAME.json beside NAME.txt may hold title, source, published_at, url, language.",
    )
    brief.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders")
    brief.add_argument(
        "--feed",
        metavar="URL|FILE",
        help="brief an RSS or Atom feed's entries not briefed before (a URL is fetched only "
        "with FETCH_URLS=1); with --url, as a job on the server",
    )
    brief.add_argument(
        "--json",
        action="store_true",
        help="print the raw response JSON (one file) or one JSON line per article (several)",
    )
    brief.add_argument(
        "--out",
        type=Path,
        help="append one JSON line per article to this file (with --job: write the results)",
    )
    brief.add_argument("--url", help="brief through a running server, e.g. http://127.0.0.1:8000")
    brief.add_argument("--api-key", help="sent as X-API-Key (with --url)")
    brief.add_argument("--timeout", type=float, default=600.0, help="seconds per article (--url)")
    brief.add_argument(
        "--concurrency",
        type=_concurrency,
        help=f"articles in flight, 1 to {MAX_CONCURRENCY} "
        f"(default {LOCAL_CONCURRENCY} in-process, {REMOTE_CONCURRENCY} with --url)",
    )
    brief.add_argument("--progress", action="store_true", help="show progress even in a pipe")
    brief.add_argument(
        "--job",
        action="store_true",
        help="(with --url) submit the articles as one batch job, show its progress until it "
        "is done, then write its results (one briefing per line, in order) to --out or stdout",
    )
    brief.add_argument(
        "--merged-out",
        type=Path,
        metavar="FILE",
        help="(with --job) also write the job's events merged across its articles: CSV when "
        "FILE ends in .csv, else JSON (GET /v1/jobs/{id}/events)",
    )
    brief.add_argument("--title", help="(one article only)")
    brief.add_argument("--source")
    brief.add_argument(
        "--published-at", help="YYYY-MM-DD, or a date-time with offset (2025-11-09T10:30:00Z)"
    )
    brief.add_argument("-v", "--verbose", action="store_true", help="log what verification drops")
    spec = commands.add_parser("openapi", help="write the OpenAPI document (schemas/openapi.json)")
    spec.add_argument("--out", type=Path, help="where to write it (default: the committed file)")
    ev = commands.add_parser("eval", help="score articles against hand-written gold files")
    ev.add_argument("paths", nargs="*", type=Path, default=[Path("seeds")])
    ev.add_argument("--json", action="store_true", help="print the run as JSON")
    ev.add_argument("--fresh", action="store_true", help="ignore cached briefings")
    ev.add_argument("--out", type=Path, default=Path("eval-runs"), help="where runs are saved")
    ev.add_argument("--compare", type=Path, nargs="*", default=[], help="earlier run JSON files")
    keys = commands.add_parser("apikey", help="manage the API keys kept (hashed) in Redis")
    keys.add_argument(
        "action",
        choices=["add", "remove", "list", "arm", "disarm"],
        help="arm: auth stays on with zero keys (add does this too); disarm: with zero keys "
        "and AUTH=auto, auth is off again (removing keys never turns it off)",
    )
    keys.add_argument("name", nargs="?", help="the client's name (add), a name or key id (remove)")
    keys.add_argument("--key", help="(add) store this key instead of a new random one")
    config = commands.add_parser(
        "config",
        help="print every environment variable as a markdown table (docs/configuration.md)",
        description="The settings' variables, defaults and meanings, from service/settings.py.",
    )
    config.add_argument("--env", action="store_true", help="print .env.example instead")
    config.add_argument(
        "--write",
        action="store_true",
        help="rewrite the table in docs/configuration.md and .env.example (in a checkout)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Exits 2 on a usage error, and on invalid settings: one line per bad variable on
    stderr, before anything has started."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return _run(parser, args)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"{parser.prog}: {problem}", file=sys.stderr)
        print(f"{parser.prog}: see docs/configuration.md, or {parser.prog} config", file=sys.stderr)
        return 2


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.command == "config":
        return _config(args)
    if args.command == "openapi":
        from service.web.app import COMMITTED, write_openapi

        print(write_openapi(args.out or COMMITTED))
        return 0
    if args.command == "brief":
        return _brief_command(parser, args)
    settings = Settings.from_env()  # read, and checked, before the command starts anything
    if args.command == "serve":
        import uvicorn

        from service.web.server import uvicorn_options

        uvicorn.run(
            "service.web.app:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level=args.log_level,
            **uvicorn_options(settings),
        )
        return 0
    if args.command == "worker":
        asyncio.run(run_worker(settings, args.concurrency or settings.worker_concurrency))
        return 0
    if args.command == "eval":
        return asyncio.run(_eval(args, settings))
    if args.command == "apikey":
        from service.store.apikeys import apikey_command

        return asyncio.run(apikey_command(settings, args.action, args.name, args.key))
    raise AssertionError(f"unknown command {args.command!r}")


def _brief_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.feed is not None:
        return _brief_feed_command(parser, args)
    try:
        if not args.paths:
            raise UsageError("give article files or folders, or --feed")
        paths = find_articles(args.paths)
        if args.title is not None and len(paths) > 1:
            raise UsageError(f"--title names one article, but {len(paths)} were found")
        if args.job and not args.url:
            raise UsageError("--job submits to a server: give its --url")
        if args.merged_out and not args.job:
            raise UsageError("--merged-out merges a job's events: give --job (and --url)")
    except UsageError as exc:
        parser.error(str(exc))  # exits 2, like any other usage error
    if args.job:
        return _brief_as_job(args, paths)
    if args.url is None:
        Settings.from_env()  # checked before the first article (open_briefer reads it again)
    return asyncio.run(_brief(args, paths))


def _brief_feed_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from service.cli.feed import feed_source

    try:
        if args.paths:
            raise UsageError("--feed briefs a feed's entries: give no PATH beside it")
        source = feed_source(args.feed)
    except UsageError as exc:
        parser.error(str(exc))
    if args.url:
        return _brief_as_job(args, [], feed=source)
    return asyncio.run(_brief_feed_locally(args, source))


async def _brief_feed_locally(args: argparse.Namespace, source: dict[str, str]) -> int:
    from service.cli.feed import brief_feed
    from service.runtime import open_runtime

    started = time.perf_counter()
    async with open_runtime(Settings.from_env()) as runtime:
        line, read = await brief_feed(runtime, source, args.concurrency or LOCAL_CONCURRENCY)
    records = read or []
    print(line, file=sys.stderr)
    sinks: list[Callable[[str], None]] = [_print_line] if args.json else []
    with contextlib.ExitStack() as stack:
        if args.out is not None:
            sinks.append(stack.enter_context(appending(args.out)))
        for record in records:
            for sink in sinks:
                sink(record.line())
    console = Console(file=sys.stderr if args.json else sys.stdout)
    console.print(_render.summary_view(records, time.perf_counter() - started))
    return 0 if read is not None and all(r.ok for r in records) else 1


def _brief_as_job(
    args: argparse.Namespace, paths: list[Path], feed: dict[str, str] | None = None
) -> int:
    from service.cli.jobclient import JobRun, run_job

    overrides = {"title": args.title, "source": args.source, "published_at": args.published_at}
    run = JobRun(
        url=args.url,
        paths=paths,
        overrides=overrides,
        api_key=args.api_key,
        timeout_s=args.timeout,
        out=args.out,
        progress=args.progress,
        merged_out=args.merged_out,
        feed=feed,
    )
    try:
        return asyncio.run(run_job(run))
    except KeyboardInterrupt:
        return 130


async def _brief(args: argparse.Namespace, paths: list[Path]) -> int:
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    overrides = {"title": args.title, "source": args.source, "published_at": args.published_at}
    concurrency = args.concurrency or (REMOTE_CONCURRENCY if args.url else LOCAL_CONCURRENCY)
    async with open_briefer(args.url, api_key=args.api_key, timeout_s=args.timeout) as briefer:
        if len(paths) == 1 and args.out is None:
            return _show_one(await brief_file(briefer, paths[0], overrides), args.json)
        return await _run_many(args, paths, briefer, overrides, concurrency)


def _show_one(record: Record, as_json: bool) -> int:
    """One article: the response as the API would send it, or a readable briefing."""
    if record.result is None:
        if as_json:
            sys.stdout.write(json.dumps(record.error) + "\n")
        print(f"{record.path}: {_render.problem_text(record.error)}", file=sys.stderr)
        return 1
    if as_json:
        sys.stdout.write(record.result.payload.decode() + "\n")
    else:
        response = BriefingResponse.model_validate_json(record.result.payload)
        Console(file=sys.stdout).print(_render.briefing_view(response))
    return 0


async def _run_many(
    args: argparse.Namespace,
    paths: list[Path],
    briefer: Briefer,
    overrides: dict[str, str | None],
    concurrency: int,
) -> int:
    """JSONL to --out and/or stdout as articles finish; a summary table at the end."""
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        sinks: list[Callable[[str], None]] = []
        if args.out is not None:
            sinks.append(stack.enter_context(appending(args.out)))
        if args.json:
            sinks.append(_print_line)
        advance = stack.enter_context(_render.progress_bar(len(paths), force=args.progress))

        def finished(record: Record) -> None:
            for sink in sinks:
                sink(record.line())
            advance()

        records = await run_batch(
            briefer, paths, concurrency=concurrency, overrides=overrides, on_record=finished
        )
    # with --json stdout carries the JSON lines, so the table goes beside the progress bar
    console = Console(file=sys.stderr if args.json else sys.stdout)
    console.print(_render.summary_view(records, time.perf_counter() - started))
    return 0 if all(r.ok for r in records) else 1


def _print_line(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _config(args: argparse.Namespace) -> int:
    """`config`: the docs table or .env.example from the settings' fields; --write updates
    the committed files (tests/unit/test_settings.py fails when they drift)."""
    if args.write:
        doc = CONFIGURATION_DOC.read_text(encoding="utf-8")
        CONFIGURATION_DOC.write_text(with_configuration_table(doc), encoding="utf-8")
        ENV_EXAMPLE.write_text(env_example(), encoding="utf-8")
        print(f"{CONFIGURATION_DOC}\n{ENV_EXAMPLE}")
        return 0
    sys.stdout.write(env_example() if args.env else configuration_table())
    return 0


async def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from service.evaluation.gold import find_cases
    from service.evaluation.report import html_page, table
    from service.evaluation.run import evaluate
    from service.runtime import open_runtime

    logging.basicConfig(level=logging.WARNING)
    cases = find_cases(args.paths)
    if not cases:
        print("no articles with gold files found", file=sys.stderr)
        return 2
    async with open_runtime(settings) as runtime:
        run = await evaluate(
            runtime.briefings, cases, fresh=args.fresh, server=runtime.llm.embedded
        )
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"{run['meta']['started_at'].replace(':', '')}-{run['meta']['prompt_version']}"
    (args.out / f"{stem}.json").write_text(json.dumps(run, indent=2, default=str))
    earlier = [json.loads(p.read_text()) for p in args.compare]
    (args.out / f"{stem}.html").write_text(html_page([*earlier, run]))
    if args.json:
        print(json.dumps(run, indent=2, default=str))
    else:
        print(table(run))
        print(f"saved {args.out / stem}.json and .html")
    return 0


async def run_worker(settings: Settings, concurrency: int) -> None:
    """`worker`: until SIGINT or SIGTERM; then it drains (service/jobs/worker.py)."""
    from prometheus_client import start_http_server

    from service.jobs.worker import build_worker
    from service.logs import configure_logging
    from service.runtime import open_runtime

    configure_logging(settings.log_format, settings.log_level)
    if settings.worker_metrics_port:
        start_http_server(settings.worker_metrics_port)
    async with open_runtime(settings) as runtime:
        worker = build_worker(runtime, concurrency)
        logging.getLogger("service.jobs.worker").info(
            "worker %s: %d article(s) at a time", worker.id, concurrency
        )
        await worker.start()
