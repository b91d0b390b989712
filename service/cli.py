"""Command line: run the API, or brief a file through the same path a request takes."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from datetime import date, datetime
from pathlib import Path

from schemas import Article, BriefingRequest, BriefingResponse
from service.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m service")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--log-level", default="info")
    brief = commands.add_parser("brief", help="brief one article file")
    brief.add_argument("file", type=Path, help="a text file; FILE.json beside it may hold metadata")
    brief.add_argument("--json", action="store_true", help="print the raw response JSON")
    brief.add_argument("--title")
    brief.add_argument("--source")
    brief.add_argument("--published-at", help="YYYY-MM-DD or an ISO datetime")
    brief.add_argument("-v", "--verbose", action="store_true", help="log what verification drops")
    spec = commands.add_parser("openapi", help="write the OpenAPI document (schemas/openapi.json)")
    spec.add_argument("--out", type=Path, help="where to write it (default: the committed file)")
    ev = commands.add_parser("eval", help="score articles against hand-written gold files")
    ev.add_argument("paths", nargs="*", type=Path, default=[Path("seeds")])
    ev.add_argument("--json", action="store_true", help="print the run as JSON")
    ev.add_argument("--fresh", action="store_true", help="ignore cached briefings")
    ev.add_argument("--out", type=Path, default=Path("eval-runs"), help="where runs are saved")
    ev.add_argument("--compare", type=Path, nargs="*", default=[], help="earlier run JSON files")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        import uvicorn

        uvicorn.run(
            "service.app:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level=args.log_level,
            log_config=None,  # uvicorn's loggers propagate to ours (JSON by default)
        )
        return 0
    if args.command == "openapi":
        from service.spec import COMMITTED, write_openapi

        print(write_openapi(args.out or COMMITTED))
        return 0
    if args.command == "eval":
        return asyncio.run(_eval(args))
    return asyncio.run(_brief(args))


def _article(args: argparse.Namespace) -> Article:
    path: Path = args.file
    meta: dict[str, object] = {}
    for candidate in (path.with_suffix(".json"), Path(f"{path}.json")):
        if candidate.is_file():
            meta = json.loads(candidate.read_text(encoding="utf-8"))
            meta.pop("file", None)
            break
    for key in ("title", "source", "published_at"):
        if (value := getattr(args, key)) is not None:
            meta[key] = value
    return Article.model_validate({"text": path.read_text(encoding="utf-8"), **meta})


async def _brief(args: argparse.Namespace) -> int:
    from service.runtime import open_runtime

    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )

    request = BriefingRequest(article=_article(args))
    async with open_runtime(Settings.from_env()) as runtime:
        outcome = await runtime.briefings.brief(request)
    if args.json:
        sys.stdout.write(outcome.payload.decode() + "\n")
        return 0
    print(_pretty(BriefingResponse.model_validate_json(outcome.payload)))
    return 0


async def _eval(args: argparse.Namespace) -> int:
    from service.evaluation.gold import find_cases
    from service.evaluation.report import html_page, table
    from service.evaluation.run import evaluate
    from service.runtime import open_runtime

    logging.basicConfig(level=logging.WARNING)
    cases = find_cases(args.paths)
    if not cases:
        print("no articles with gold files found", file=sys.stderr)
        return 2
    async with open_runtime(Settings.from_env()) as runtime:
        run = await evaluate(runtime.briefings, cases, fresh=args.fresh)
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


def _when(start: date | datetime | None, phrase: str | None) -> str:
    if start is None:
        return f"date unknown ({phrase})" if phrase else "date unknown"
    return f"{start.isoformat()} ({phrase})" if phrase else start.isoformat()


def _pretty(result: BriefingResponse) -> str:
    b, meta = result.briefing, result.meta
    lines = [b.headline, "=" * min(len(b.headline), 80), b.summary, "", "Key points:"]
    lines += [f"  - {kp.text}" for kp in b.key_points]
    lines += ["", f"Events ({len(result.events)}):"]
    for ev in result.events:
        where = ev.location.name if ev.location else "place unknown"
        lines.append(f"  {ev.id} [{ev.type}] {ev.summary}")
        lines.append(f"     {where}; {_when(ev.date.start, ev.date.phrase)}")
    lines += [
        "",
        f"model {meta.model}, prompt {meta.prompt_version}, {meta.attempts} attempt(s), "
        f"{meta.usage.total_tokens} tokens, {meta.latency_ms / 1000:.1f} s, "
        f"{len(meta.dropped)} item(s) dropped by verification",
    ]
    lines += [f"  dropped {d.what}: {d.reason}" for d in meta.dropped]
    return "\n".join(lines)
