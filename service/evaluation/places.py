"""Place accuracy: the offline geocoder against every place the gold set names.

Model-independent on purpose: each gold event's location string is resolved in its article,
anchored on the event's first evidence fragment, exactly as verification resolves a model's
event. A place is judged

- **right**: the same unit (precision, facility), country and admin1 (its ISO 3166-2 code
  where the gold gives one, else its name) as the gold place, and, where the gold has
  coordinates, within ``TOLERANCE_KM`` of them;
- **missed**: the resolver said `unknown`, or gave no coordinates where the gold has them.
  Nothing was guessed, the analyst sees a place name without a pin;
- **coarse**: the region that holds the gold town (same country and admin1, within
  ``FAR_KM``): a place the gazetteer lacks, stood in for by its district;
- **wrong**: anything else: a pin in the wrong place, the worst outcome.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from service.evaluation.gold import GoldCase, GoldPlace
from service.geo.distance import km
from service.geo.geocode import Resolved, resolve_places

TOLERANCE_KM = 25.0
FAR_KM = 100.0  # a pin this far from the gold place is in the wrong place, not imprecise
Judgement = Literal["right", "coarse", "missed", "wrong"]


@dataclass(frozen=True, slots=True)
class PlaceResult:
    case: str
    query: str
    gold: GoldPlace
    got: Resolved
    judgement: Judgement
    km: float | None  # distance from the gold coordinates, when both have them


def judge(gold: GoldPlace, got: Resolved) -> tuple[Judgement, float | None]:
    both = None not in (gold.latitude, gold.longitude, got.latitude, got.longitude)
    distance = km(gold.latitude, gold.longitude, got.latitude, got.longitude) if both else None  # type: ignore[arg-type]
    if got.precision == "unknown":
        return ("right" if gold.precision == "unknown" else "missed"), None
    admin1 = (gold.admin1_code, got.admin1_code) if gold.admin1_code else (gold.admin1, got.admin1)
    unit = (gold.precision, gold.facility, gold.country_code, admin1[0])
    if unit != (got.precision, got.facility, got.country, admin1[1]):
        coarse = (
            got.precision == "region"
            and gold.precision in ("city", "facility")
            and (gold.country_code, admin1[0]) == (got.country, admin1[1])
            and (distance is None or distance <= FAR_KM)
        )
        return ("coarse" if coarse else "wrong"), distance
    if distance is not None:
        return ("right" if distance <= TOLERANCE_KM else "wrong"), distance
    return ("missed" if gold.latitude is not None else "right"), None


def place_results(cases: Iterable[GoldCase]) -> list[PlaceResult]:
    results: list[PlaceResult] = []
    for case in cases:
        located = [e for e in case.gold.events if e.location and e.place]
        resolved = resolve_places(
            [e.location for e in located],
            case.article.text,
            [e.evidence[0] for e in located],
            outlet=case.article.url,
        )
        for event, got in zip(located, resolved, strict=True):
            assert event.location is not None and event.place is not None
            judgement, distance = judge(event.place, got)
            results.append(
                PlaceResult(case.name, event.location, event.place, got, judgement, distance)
            )
    return results


def place_counts(results: list[PlaceResult]) -> dict[str, int]:
    """right / missed / wrong / total, for the run's JSON and the report's line; and what
    issue 24 is judged on: pins more than ``FAR_KM`` off, misses among the gold places that
    can be pinned, and ISO 3166-2 admin1 codes right among the pins."""
    counts = Counter(r.judgement for r in results)
    located = [r for r in results if r.gold.precision != "unknown"]
    pinned = [r for r in located if r.got.precision != "unknown"]
    return {
        "right": counts["right"],
        "missed": counts["missed"],
        "wrong": counts["wrong"],
        "coarse": counts["coarse"],
        "total": len(results),
        "far": sum(1 for r in results if r.km is not None and r.km > FAR_KM),
        "located": len(located),
        "located_missed": sum(1 for r in located if r.judgement == "missed"),
        "pinned": len(pinned),
        "admin1_code_right": sum(1 for r in pinned if r.got.admin1_code == r.gold.admin1_code),
    }


def place_summary(counts: dict[str, int]) -> str:
    line = (
        f"places (geocoder, model-independent): {counts['right']}/{counts['total']} right, "
        f"{counts['missed']} missed (no pin, nothing guessed), {counts['wrong']} wrong, "
        f"{counts.get('coarse', 0)} coarse (the region around it)"
    )
    if "far" in counts:
        line += (
            f"; {counts['far']} pins more than {FAR_KM:.0f} km off; "
            f"{counts['located_missed']}/{counts['located']} pinnable places missed; "
            f"admin1 code right on {counts['admin1_code_right']}/{counts['pinned']} pins"
        )
    return line
