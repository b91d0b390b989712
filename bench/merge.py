"""Merging a job's events across articles: 10,000 events, timed, against the pairs it skips.

    uv run --no-sync python -m bench.merge [--events 10000] [--rounds 3] [--out FILE]

Synthetic but shaped like a big job: happenings (a type, a day, a place, an initiator, a
death toll) spread over `--days` days in 20 countries of 5 cities each, each reported by 1 to
6 articles of different outlets, every report with its own wording of the place (city,
its region, or the country), a date that is a day, an overnight span or the week, its own
figures, and sometimes no initiator; events are dealt into articles of 5 events each. Two
shapes: `spread` (90 days) and `dense` (every event in one week, 3 countries): the blocking
has the most to compare there. Reported per shape, medians of `--rounds`: seconds for
`merge_events` (blocking, rules, joins and building every merged event), the candidate
pairs the blocking compared against all pairs, and the merged events it produced against
the happenings generated (a sanity check, not a score: the merge gold in seeds/merge is
the score).
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench._common import dump, foreign_cpu, load, machine, median, wait_quiet
from schemas import TAXONOMY, Event, EventType
from service.merge import Report, merge_events
from service.merge.cluster import candidates
from service.merge.facts import facts

_TYPES = [EventType.ATTACK, EventType.PROTEST, EventType.STATEMENT, EventType.DISASTER]
_ACTORS = ["Russia", "Ukraine", "the army", "police", "the rebels", "the ministry"]


def _places(countries: int, rng: random.Random) -> list[tuple[dict[str, Any], ...]]:
    """Per city: the city, its region and its country, as three Location dicts."""
    out = []
    for c in range(countries):
        code = f"{chr(65 + c // 26)}{chr(65 + c % 26)}"
        for k in range(5):
            lat, lon = rng.uniform(-50, 60), rng.uniform(-120, 150)
            admin1 = f"Region {c}-{k % 3}"
            city = {"name": f"City {c}-{k}", "admin1": admin1, "country_code": code,
                    "latitude": lat, "longitude": lon, "precision": "city"}  # fmt: skip
            region = {"name": f"the {admin1} region", "admin1": admin1, "country_code": code,
                      "latitude": lat + 0.5, "longitude": lon, "precision": "region"}  # fmt: skip
            country = {"name": f"Country {code}", "country_code": code, "precision": "country"}
            out.append((city, region, country))
    return out


def _event(eid: str, kind: EventType, day: date, place: dict[str, Any], rng: random.Random,
           actor: str | None, killed: int) -> Event:  # fmt: skip
    shape = rng.random()
    start, end, precision = day, None, "day"
    if shape < 0.1:
        start, end = day - timedelta(days=1), day  # "overnight"
    elif shape < 0.15:
        start, end, precision = day - timedelta(days=day.weekday()), None, "week"
        end = start + timedelta(days=6)
    quote = f"quote {eid}"
    return Event.model_validate(
        {
            "id": eid,
            "type": kind,
            "taxonomy": TAXONOMY[kind].model_dump(),
            "summary": f"{kind.value} in {place['name']}",
            "actors": [{"name": actor, "role": "initiator"}] if actor else [],
            "location": place,
            "date": {"phrase": "on Saturday", "start": start, "end": end, "precision": precision},
            "quantities": [{"value": rng.choice([40, 44, 45]), "unit": "drones", "what": ""}],
            "casualties": {"killed": killed + rng.choice([0, 0, 1, 2]), "injured": None},
            "attributed_to": {"source": "officials", "disputed": rng.random() < 0.2},
            "evidence": [{"quote": quote, "start": 0, "end": len(quote)}],
        }
    )


def synthesise(n: int, days: int, countries: int, seed: int = 7) -> tuple[list[Report], int]:
    """About `n` reports of fewer happenings, dealt into articles of 5; and the happenings."""
    rng = random.Random(seed)
    places = _places(countries, rng)
    first = date(2025, 9, 1)
    events: list[tuple[str, Event]] = []
    happenings = 0
    while len(events) < n:
        happenings += 1
        kind, where = rng.choice(_TYPES), rng.choice(places)
        day = first + timedelta(days=rng.randrange(days))
        actor, killed = rng.choice(_ACTORS), rng.randrange(20)
        for copy in range(min(rng.choice([1, 1, 2, 3, 4, 6]), n - len(events))):
            level = rng.choices((0, 1, 2), weights=(6, 3, 1))[0]
            who = actor if rng.random() > 0.2 else None
            events.append(
                (f"Outlet {copy}", _event("e", kind, day, where[level], rng, who, killed))
            )
    rng.shuffle(events)
    reports = [
        Report(
            article=i // 5,
            briefing_id=f"{i // 5:064x}",
            event=ev.model_copy(update={"id": f"e{i % 5 + 1}"}),
            source=f"{outlet} #{i // 5 % 7}",
            published_at=first + timedelta(days=days),
        )
        for i, (outlet, ev) in enumerate(events)
    ]
    return reports, happenings


def run(n: int, rounds: int, days: int, countries: int) -> dict[str, Any]:
    reports, happenings = synthesise(n, days, countries)
    pairs = len(candidates(reports, [facts(r.event, r.published_at, r.context) for r in reports]))
    times, merged = [], []
    busy = []
    for _ in range(rounds):
        busy.append(wait_quiet())
        began = time.perf_counter()
        merged = merge_events(reports)
        times.append(time.perf_counter() - began)
    return {
        "events": len(reports),
        "happenings": happenings,
        "merged_events": len(merged),
        "multi_report_events": sum(m.num_articles > 1 for m in merged),
        "candidate_pairs": pairs,
        "all_pairs": len(reports) * (len(reports) - 1) // 2,
        "seconds": [round(t, 3) for t in times],
        "median_s": round(median(times), 3),
        "others_cores": busy,
        "others_after": foreign_cpu(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    shapes = {"spread": (90, 20), "dense": (7, 3)}
    result = {"machine": machine(), "load_before": load(), "shapes": {}}
    for name, (days, countries) in shapes.items():
        row = run(args.events, args.rounds, days, countries)
        result["shapes"][name] = row
        print(
            f"{name:7} {row['events']:,} events ({row['happenings']:,} happenings) -> "
            f"{row['merged_events']:,} merged ({row['multi_report_events']:,} from 2+ "
            f"articles); {row['candidate_pairs']:,} candidate pairs of {row['all_pairs']:,}; "
            f"median {row['median_s']} s {row['seconds']} (others: {row['others_cores']} cores)"
        )
    dump(result, args.out)


if __name__ == "__main__":
    main()
