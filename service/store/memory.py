"""A small in-process LRU in front of Redis for the hottest briefings.

A hit otherwise costs one Redis round trip, about 40% of a hit's throughput on a small
machine (measured; see BENCHMARKS.md). Briefings are content-addressed and never change
under their id, so a copy can be served without asking Redis; it is kept at most
`ttl_s`, so it outlives a Redis expiry or a recomputation by that much at most.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field


@dataclass(slots=True)
class MemoryLRU:
    max_bytes: int
    ttl_s: float
    _items: OrderedDict[str, tuple[float, bytes]] = field(default_factory=OrderedDict)
    _bytes: int = 0

    def get(self, key: str) -> bytes | None:
        item = self._items.get(key)
        if item is None:
            return None
        expires, value = item
        if expires < time.monotonic():
            self._drop(key)
            return None
        self._items.move_to_end(key)
        return value

    def put(self, key: str, value: bytes) -> None:
        if len(value) > self.max_bytes:
            return
        self._drop(key)
        self._items[key] = (time.monotonic() + self.ttl_s, value)
        self._bytes += len(value)
        while self._bytes > self.max_bytes:
            self._drop(next(iter(self._items)))

    def pop(self, key: str) -> None:
        self._drop(key)

    def clear(self) -> None:
        self._items.clear()
        self._bytes = 0

    def _drop(self, key: str) -> None:
        if (item := self._items.pop(key, None)) is not None:
            self._bytes -= len(item[1])
