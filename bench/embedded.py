"""The embedded model through the service, against llama.cpp's own timings for the same call.

    uv run --no-sync python -m bench.embedded [ARTICLE_NAME ...]   (default: the seed)

Runs `python -m service serve` with no remote backend (so it starts the embedded llama.cpp
server), POSTs each seed article once on an empty cache, and reads the timings llama.cpp
logs for that request (`llama_perf_context_print` lines in the server log the service
keeps, ~/.cache/grounded-briefings/llama-server.log). Takes minutes of both cores per
article: run it alone.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path
from typing import Any

import httpx

from bench._common import dump, flush, machine, seed_request, service_env, wait_quiet
from service.settings import Settings
from tests.support.processes import service_processes

# llama_perf_context_print: prompt eval time =   84539.46 ms /  2123 tokens (...)
_PERF = re.compile(
    r"llama_perf_context_print:\s+(?P<what>prompt eval|eval|total) time =\s+"
    r"(?P<ms>[\d.]+) ms /\s+(?P<n>\d+) (?:tokens|runs)"
)


def llama_timings(log_text: str) -> list[dict[str, float]]:
    """One dict per completion llama.cpp logged: prompt/eval/total ms and token counts."""
    calls: list[dict[str, float]] = []
    for match in _PERF.finditer(log_text):
        what = match["what"].replace(" ", "_")
        if what == "prompt_eval":
            calls.append({})
        if calls:
            calls[-1] |= {f"{what}_ms": float(match["ms"]), f"{what}_tokens": int(match["n"])}
    return calls


def brief(base: str, name: str, log_path: Path) -> dict[str, Any]:
    offset = log_path.stat().st_size if log_path.exists() else 0
    started = time.perf_counter()
    response = httpx.post(f"{base}/v1/briefings", json=seed_request(name), timeout=1800)
    wall = time.perf_counter() - started
    response.raise_for_status()
    meta = response.json()["meta"]
    time.sleep(1)  # the server writes its timings as the answer goes out
    with open(log_path, "rb") as log:
        log.seek(offset)
        calls = llama_timings(log.read().decode(errors="replace"))
    llama_ms = sum(c.get("total_ms", 0.0) for c in calls)
    return {
        "article": name,
        "wall_s": wall,
        "service_latency_ms": meta["latency_ms"],
        "attempts": meta["attempts"],
        "usage": meta["usage"],
        "events": len(response.json()["events"]),
        "dropped": len(meta["dropped"]),
        "llama_calls": calls,
        "llama_total_s": llama_ms / 1000,
        "overhead_s": wall - llama_ms / 1000,
    }


def table(result: dict[str, Any]) -> str:
    lines = [
        "| article | service wall s | llama.cpp total s | prompt tokens / s | generated tokens "
        "/ s | tok/s prompt, gen | overhead s |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in result["runs"]:
        prompt = sum(c.get("prompt_eval_tokens", 0) for c in r["llama_calls"])
        prompt_s = sum(c.get("prompt_eval_ms", 0) for c in r["llama_calls"]) / 1000
        gen = sum(c.get("eval_tokens", 0) for c in r["llama_calls"])
        gen_s = sum(c.get("eval_ms", 0) for c in r["llama_calls"]) / 1000
        lines.append(
            f"| {r['article']} | {r['wall_s']:.1f} | {r['llama_total_s']:.1f} "
            f"| {prompt} / {prompt_s:.1f} | {gen} / {gen_s:.1f} "
            f"| {prompt / max(prompt_s, 1e-9):.0f}, {gen / max(gen_s, 1e-9):.1f} "
            f"| {r['overhead_s']:.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles", nargs="*", default=["ap-ukraine-energy-strikes"])
    parser.add_argument("--out", type=Path, help="write the raw results here as JSON")
    args = parser.parse_args()
    result: dict[str, Any] = {"machine": machine(), "settings": vars(args).copy(), "runs": []}
    settings = Settings.from_env()
    log_path = settings.model_cache_dir / "llama-server.log"
    flush()
    env = service_env(None, LOG_LEVEL="WARNING")
    with service_processes(1, env, start_timeout_s=settings.embedded_start_timeout_s + 60) as [
        (base, _)
    ]:
        for name in args.articles:
            others = wait_quiet()
            run = brief(base, name, log_path) | {"others_cores": others}
            result["runs"].append(run)
            print(run, flush=True)
    print(table(result))
    dump(result, args.out)


if __name__ == "__main__":
    main()
