"""What reading a page costs: extracting a 100 KB page, and a cache hit sent as html.

    uv run --no-sync python -m bench.ingest [-n 200] [--reps 3] [--out FILE]

1. `extract_page` on a 100 KB news page (tests/pages/wire_story.html grown to 100 KB with
   the navigation, related links, comments and paragraphs real pages carry), the median of
   `-n` calls after a warm-up.
2. Cache hits through the whole ASGI app (no sockets; bench/inproc.py's harness, the
   scripted LLM, the bench Redis): the same story as `text` and as `html`, each request's
   bytes new (a changed comment in the page, a changed key order in the text's JSON), so
   every request is parsed, validated, read and keyed, never answered from the body memo;
   and the same bytes again (the memo). CPU per request, alternating the two, `--reps`
   repetitions, medians. html ÷ text is the overhead of the html path on a hit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import time
from pathlib import Path
from typing import Any

from bench._common import dump, foreign_cpu, load, machine, median, wait_quiet
from bench.inproc import request, scripted_app

ROOT = Path(__file__).resolve().parents[1]
PAGE = (ROOT / "tests" / "pages" / "wire_story.html").read_text(encoding="utf-8")
TARGET_BYTES = 100 * 1024


def page_of(size: int, tag: str = "") -> str:
    """The wire story grown to `size` bytes: more related links and comments (boilerplate
    the extractor must drop) and the story's paragraphs once more in a second article
    section a page's "more on this story" box repeats."""
    related = "".join(
        f'<li><a href="/world/2026/11/story-{i}">Port news {i}: ships wait at anchor as '
        f"talks drag on for a {i}th day</a></li>"
        for i in range(40)
    )
    comments = "".join(
        f'<div class="comment"><b>reader{i}</b><p>Comment {i}{tag}: about time the '
        "dockers got a fair deal, though the shops will feel it before Christmas.</p></div>"
        for i in range(400)
    )
    extra = f'<aside class="related"><ul>{related}</ul></aside><section id="comments">'
    grown = PAGE.replace("</body>", f"{extra}{comments}</section></body>")
    filler = "<!-- " + "x" * max(0, size - len(grown.encode()) - 9) + " -->"
    return grown.replace("</body>", f"{filler}</body>")


def extraction_ms(html: str, n: int) -> float:
    from service.ingest.page import extract_page

    extract_page(html)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        extract_page(html)
        times.append((time.perf_counter() - started) * 1000)
    return median(times)


async def hits(n: int, reps: int) -> dict[str, Any]:
    from service.ingest.page import extract_page

    story = PAGE  # the html whose text is briefed; its text form has the same fields
    page = extract_page(story)
    text_article = {
        "text": page.text,
        "title": page.title,
        "author": page.author,
        "source": page.site_name,
        "url": page.canonical_url,
        "published_at": page.published_at.isoformat() if page.published_at else None,
        "language": page.language,
    }

    def html_body(i: int) -> bytes:  # new bytes, same extracted text and metadata
        varied = re.sub(r"First!", f"First! #{i}", story)
        return json.dumps({"article": {"html": varied}}).encode()

    def text_body(i: int) -> bytes:  # new bytes, same article
        keys = list(text_article)
        order = keys[i % len(keys) :] + keys[: i % len(keys)]
        body = {"article": {k: text_article[k] for k in order}}
        return (json.dumps(body) + " " * (i // len(keys))).encode()

    cpu: dict[str, list[float]] = {"text": [], "html": [], "text_same": [], "html_same": []}
    with scripted_app() as app:
        async with app.lifespan():
            assert await request(app, "/v1/briefings", html_body(0)) == 200  # the miss
            assert await request(app, "/v1/briefings", text_body(0)) == 200  # a hit
            for rep in range(reps):
                for name, make in (("text", text_body), ("html", html_body)):
                    # never sent before, in this repetition or an earlier one
                    bodies = [make(i) for i in range(rep * n + 1, (rep + 1) * n + 1)]
                    wait_quiet()
                    started = time.process_time()
                    for body in bodies:
                        assert await request(app, "/v1/briefings", body) == 200
                    cpu[name].append((time.process_time() - started) / n * 1e6)
                    same = make(0)  # sent before every repetition: the body memo answers
                    started = time.process_time()
                    for _ in range(n):
                        await request(app, "/v1/briefings", same)
                    cpu[f"{name}_same"].append((time.process_time() - started) / n * 1e6)
    return {name: median(values) for name, values in cpu.items()} | {"raw_us": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    quiet = wait_quiet()
    result: dict[str, Any] = {"machine": machine(), "load": load(), "foreign_cpu": quiet}
    big = page_of(TARGET_BYTES)
    result["page_bytes"] = len(big.encode())
    result["extract_100kb_ms"] = extraction_ms(big, args.n)
    result["extract_wire_story_ms"] = extraction_ms(PAGE, args.n)
    result["hit_us"] = asyncio.run(hits(args.n, args.reps))
    result["foreign_cpu_after"] = foreign_cpu()
    h = result["hit_us"]
    print(
        f"extract_page: {result['extract_100kb_ms']:.1f} ms for a {result['page_bytes']:,} B "
        f"page ({result['extract_wire_story_ms']:.1f} ms for the {len(PAGE.encode()):,} B one)"
    )
    print(
        f"cache hit, new bytes: text {h['text']:.0f} µs, html {h['html']:.0f} µs "
        f"({h['html'] / h['text']:.2f}x); same bytes: text {h['text_same']:.0f} µs, "
        f"html {h['html_same']:.0f} µs; other processes {quiet}/{result['foreign_cpu_after']}"
    )
    dump(result, args.out)


if __name__ == "__main__":
    main()
