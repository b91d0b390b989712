"""Which reports are one event: blocking, then the surest joins first, never a chain.

Blocking: reports are compared only within their type group, and only when their date
ranges overlap (a sweep over reports sorted by start date) and their countries can agree
(a placed report meets the reports of its own country and the placeless ones). The cost
grows with the reports that share a day and a country, not with all pairs.

Joining: every candidate pair that passes the four tests (rules.py) is sorted by strength
(same place before containment before country; matching initiators; the same type), then by
article order, and joined in that order when the two groups it connects are compatible
throughout: every report of one passes the tests with every report of the other, and no
article appears twice. So a city-level report never reaches another city through a report
that only names the country, and an article's two events never become one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from schemas import Event, EventType, Location
from schemas.merged import Join
from service.merge.facts import Facts, Level, facts
from service.merge.rules import Verdict, explain, family, judge

_NO_COUNTRY = ""


@dataclass(frozen=True, slots=True)
class Report:
    """One article's event, with what the merge needs to know about the article."""

    article: int  # the article's position in the job: reports of one article never merge
    briefing_id: str
    event: Event
    source: str | None = None  # the publishing outlet
    title: str | None = None
    published_at: date | datetime | None = None
    url: str | None = None
    context: Location | None = None  # where the article's events are (facts.py, context_place)


_Key = tuple[str, str]
_Pair = tuple[int, int, int, int, Verdict]
"""strength, words in common, report a, report b (a < b), and the verdict on the two"""
_NO_PLACE: _Key = ("", "")
_UNRESOLVED: _Key = ("?", "")


def _key(f: Facts) -> _Key:
    """The block of a report's place: its admin1, its country ("*": the whole country), a
    place the gazetteer did not resolve, or no place."""
    if not f.level:
        return _NO_PLACE
    if f.level is Level.UNRESOLVED or f.country is None:
        return _UNRESOLVED
    whole = f.level is Level.COUNTRY or not f.admin1
    return (f.country, "*") if whole else (f.country, f.admin1)


def _reachable(key: _Key, active: dict[_Key, list[tuple[date, int]]]) -> list[_Key]:
    """The blocks whose reports can match a report in `key` (rules._place, in blocks)."""
    if key in (_NO_PLACE, _UNRESOLVED):
        return list(active)
    country, admin1 = key
    own = [k for k in active if k[0] == country] if admin1 == "*" else [key, (country, "*")]
    return [*own, _UNRESOLVED, _NO_PLACE]


def candidates(reports: Sequence[Report], known: Sequence[Facts]) -> list[_Pair]:
    """Every pair the blocking lets through that passes the tests, as (strength, words the
    two summaries share, a, b, verdict)."""
    blocks: dict[EventType, list[tuple[date, date, int]]] = defaultdict(list)
    for i, f in enumerate(known):
        if f.span is not None:  # undated reports have nothing to merge on
            blocks[family(f.event.type)].append((*f.span, i))
    pairs: list[_Pair] = []
    for block in blocks.values():
        pairs.extend(_sweep(reports, known, sorted(block)))
    return pairs


def _sweep(
    reports: Sequence[Report], known: Sequence[Facts], block: list[tuple[date, date, int]]
) -> list[_Pair]:
    """Reports sorted by start day; each meets the earlier ones still running (end ≥ its
    start) in the blocks its place can reach."""
    active: dict[_Key, list[tuple[date, int]]] = defaultdict(list)
    pairs: list[_Pair] = []
    for start, end, i in block:
        key = _key(known[i])
        for other in _reachable(key, active):
            live = [(e, j) for e, j in active.get(other, ()) if e >= start]
            active[other] = live
            for _, j in live:
                if reports[j].article != reports[i].article:
                    a, b = min(i, j), max(i, j)
                    verdict = judge(known[a], known[b])
                    if verdict is not None:
                        shared = len(known[i].words & known[j].words)
                        pairs.append((verdict.strength, shared, a, b, verdict))
        active[key].append((end, i))
    return pairs


def clusters(reports: Sequence[Report]) -> list[tuple[list[int], list[Join]]]:
    """Groups of report indices in article order, each with the joins that made it (one
    fewer than its members: a tree, each join a merge the rules allowed, between report
    indices)."""
    known = [facts(r.event, r.published_at, r.context) for r in reports]
    # surest first; among equals, the pair whose summaries say more of the same thing (an
    # earthquake's reports before the aftershock's), then article order
    pairs = sorted(candidates(reports, known), key=lambda p: (-p[0], -p[1], p[2], p[3]))
    group = list(range(len(reports)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(reports))}
    joins: dict[int, list[Join]] = defaultdict(list)
    apart: set[tuple[int, int]] = set()  # groups found incompatible: growing never helps
    for _, _, a, b, verdict in pairs:
        ga, gb = group[a], group[b]
        if ga > gb:
            ga, gb = gb, ga
        if ga == gb or (ga, gb) in apart:
            continue
        if not _compatible(reports, known, members[ga], members[gb]):
            apart.add((ga, gb))
            continue
        keep, gone = ga, gb
        for m in members[gone]:
            group[m] = keep
        members[keep].extend(members.pop(gone))
        joins[keep].extend(joins.pop(gone, ()))
        joins[keep].append(explain(known[a], known[b], verdict, (a, b)))
    return [(sorted(m), joins.get(g, [])) for g, m in members.items()]


def _compatible(
    reports: Sequence[Report], known: Sequence[Facts], xs: list[int], ys: list[int]
) -> bool:
    articles = {reports[x].article for x in xs}
    if any(reports[y].article in articles for y in ys):
        return False
    return all(judge(known[x], known[y]) is not None for x in xs for y in ys)
