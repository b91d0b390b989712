"""Where the time goes, from py-spy's collapsed stacks (`py-spy record --format raw`).

    uv run --no-sync python -m bench.profile STACKS.txt [--top 30] [--grep PATTERN]

Prints the frames with the most samples: inclusive (the frame is anywhere on the stack) and
self (it is the innermost frame), as a share of all samples. bench/hit.py --profile writes
such a file while wrk drives the hit path.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path


def parse(path: Path) -> tuple[Counter[str], Counter[str], int]:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
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
    return inclusive, own, total


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
    args = parser.parse_args()
    inclusive, own, total = parse(args.stacks)
    keep = re.compile(args.grep) if args.grep else None
    print(f"{total} samples")
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
