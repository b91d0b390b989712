"""Merge a job's events across its articles: each real-world event once, with its reports.

`merge_events` is the whole of it, pure and deterministic: the same reports in the same
order give the same merged events, ids included. The rules are in `rules.py`, the
blocking and the order of joins in `cluster.py`, and what a merged event says in
`combine.py`.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Sequence

from schemas.merged import MergedEvent
from service.merge.cluster import Report, clusters
from service.merge.combine import joins, merged_event, reported_at

__all__ = ["Report", "merge_events"]


def merge_events(reports: Sequence[Report]) -> list[MergedEvent]:
    """The merged events, in order of first report (ties: article order)."""
    with _no_gc():
        return _merge(reports)


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """The merge allocates hundreds of thousands of small objects and frees none in cycles:
    the cyclic collector only rescans them (a third of the time for 10,000 events,
    BENCHMARKS §8). Paused for the merge; reference counting still frees everything."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _merge(reports: Sequence[Report]) -> list[MergedEvent]:
    groups = []
    for members, links in clusters(reports):
        order = sorted(members, key=lambda i: (reported_at(reports[i]), i))
        groups.append((order, links))
    groups.sort(key=lambda g: (reported_at(reports[g[0][0]]), g[0][0]))
    return [
        merged_event(
            n,
            [reports[i] for i in order],
            joins({report: k for k, report in enumerate(order)}, links),
        )
        for n, (order, links) in enumerate(groups, 1)
    ]
