"""Where the time goes, from py-spy's collapsed stacks (`py-spy record --format raw`).

    uv run --no-sync python -m bench.profile STACKS.txt [--top 30] [--grep PATTERN]
    uv run --no-sync python -m bench.profile STACKS.txt --categories

Prints the frames with the most samples: inclusive (the frame is anywhere on the stack) and
self (it is the innermost frame), as a share of all samples; or, with --categories, the
share of each kind of work in a request (SPECIFIC and GENERAL below). bench/hit.py --profile writes
such a file while wrk drives the hit path.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

# What a request's time is spent on, for --categories. A sample goes to the innermost frame
# on its stack that matches a specific kind of work (so JSON encoding under the key
# computation counts as the key, under the access log as the log); failing that, to the
# innermost frame of a library (GENERAL), failing that to the event loop.
SPECIFIC = {
    "cache key (BriefingService.key)": r"^BriefingService\.key ",
    "body read + JSON decode + validation": r"parse_values_from_connection_kwargs|json_extractor"
    r"|_dec_pydantic|^Request\.(body|json|stream) ",
    "dependency injection": r"resolve_dependenc",
    "cache lookup (memory / Redis)": r"^BriefingCache\.get ",
    "access log": r"^Logger\.(info|_log) ",
    # not `_get_wrapped_send`: the response is sent through it
    "metrics (Prometheus)": r"prometheus_client|PrometheusMiddleware\.(request|_get_default)",
    "API-key gate": r"^Gate\.",
    "request id": r"^uuid4 |_incoming_id",
    "response building + send": r"to_response|to_asgi_response|ASGIResponse|create_response",
}
GENERAL = {
    "uvicorn (HTTP parsing, socket I/O)": r"\(uvicorn/|httptools|uvloop",
    "Litestar routing + middleware": r"\(litestar/",
    "our handler and middleware (rest)": r"\(service/",
}


def parse(path: Path) -> tuple[Counter[str], Counter[str], Counter[str], int]:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    tiers = [[(name, re.compile(p)) for name, p in tier.items()] for tier in (SPECIFIC, GENERAL)]
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [_short(f) for f in stack.split(";")]
        total += n
        for frame in set(frames):
            inclusive[frame] += n
        own[frames[-1]] += n
        categories[_category(frames, tiers)] += n
    return inclusive, own, categories, total


def _category(frames: list[str], tiers: list[list[tuple[str, re.Pattern[str]]]]) -> str:
    for patterns in tiers:
        for frame in reversed(frames):
            for name, pattern in patterns:
                if pattern.search(frame):
                    return name
    return "event loop and other"


def _short(frame: str) -> str:
    """`handle (litestar/routes/http.py:123)` → `handle (litestar/routes/http.py)`: lines
    differ within one function, and the function is what one reads."""
    frame = re.sub(r":\d+\)$", ")", frame.strip())
    return re.sub(r"\(/.*?/(site-packages|lib/python3\.\d+|wt/[^/]+)/", "(", frame)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stacks", type=Path)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--grep", help="only frames matching this regular expression")
    parser.add_argument("--categories", action="store_true", help="time by what it is spent on")
    args = parser.parse_args()
    inclusive, own, categories, total = parse(args.stacks)
    keep = re.compile(args.grep) if args.grep else None
    print(f"{total} samples")
    if args.categories:
        for name, n in categories.most_common():
            print(f"{100 * n / total:6.1f} %  {name}")
        return
    for title, counts in (("inclusive", inclusive), ("self", own)):
        print(f"\n{title:>9} %  frame")
        shown = 0
        for frame, n in counts.most_common():
            if keep and not keep.search(frame):
                continue
            print(f"{100 * n / total:11.1f}  {frame}")
            shown += 1
            if shown >= args.top:
                break


if __name__ == "__main__":
    main()
