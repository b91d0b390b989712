"""The places of 500+ people, read from the prebuilt ``cities.bin`` without parsing it.

The file (written by ``_build_cities.py``) is one zlib stream: a JSON header line (the
country and admin1 code tables, each section's length), then typed columns, one value per
place, and two sorted indexes of folded names. Loading is one decompression and zero-copy
``memoryview.cast`` views; a place becomes a ``City`` only when a lookup returns it. That is
what keeps 236,000 places within the start-up budget (BENCHMARKS.md, "The gazetteer"),
where building a dict of objects from JSON cost seconds and ~90 MB.
"""

from __future__ import annotations

import json
import sys
import zlib
from importlib.resources import files
from typing import Any, NamedTuple

from service.geo.folding import fold, latin

MAGIC = b"GZC1"
ALIAS_MIN_POPULATION = 15_000  # places whose GeoNames alternate names are indexed ("Kiev")
# (name, typecode), in file order; the builder asserts it writes exactly these
SECTIONS = (
    ("geonameid", "I"),
    ("lat", "f"),
    ("lon", "f"),
    ("population", "I"),
    ("country", "H"),
    ("admin1", "H"),
    ("name_off", "I"),
    ("names", "B"),
    ("keys", "B"),
    ("key_off", "I"),
    ("posts", "I"),
    ("post_off", "I"),
    ("alias_keys", "B"),
    ("alias_key_off", "I"),
    ("alias_posts", "I"),
    ("alias_post_off", "I"),
)
_SIZES = {"B": 1, "H": 2, "I": 4, "f": 4}


class City(NamedTuple):
    geonameid: int
    name: str
    lat: float
    lon: float
    country: str
    admin1: str  # GeoNames admin1 code, "RU.86" ("" when GeoNames gives none)
    population: int


def alias_ok(name: str) -> bool:
    """An alternate name worth indexing: Latin script, a word rather than a code ("MOW"),
    no digits."""
    return (
        len(name) >= 3 and latin(name) and not name.isupper() and not any(c.isdigit() for c in name)
    )


class _Index:
    """Sorted UTF-8 keys and, per key, its places (row numbers)."""

    def __init__(
        self, keys: memoryview, key_off: memoryview, posts: memoryview, post_off: memoryview
    ):
        self._keys, self._key_off, self._posts, self._post_off = keys, key_off, posts, post_off
        self._n = len(key_off) - 1

    def _key(self, i: int) -> bytes:
        return bytes(self._keys[self._key_off[i] : self._key_off[i + 1]])

    def rows(self, key: str) -> list[int]:
        target = key.encode("utf-8")
        lo, hi = 0, self._n
        while lo < hi:
            mid = (lo + hi) // 2
            if self._key(mid) < target:
                lo = mid + 1
            else:
                hi = mid
        if lo < self._n and self._key(lo) == target:
            return list(self._posts[self._post_off[lo] : self._post_off[lo + 1]])
        return []


class Cities:
    def __init__(self) -> None:
        raw = files("service.geo").joinpath("cities.bin").read_bytes()
        if not raw.startswith(MAGIC):
            raise ValueError("cities.bin: not a gazetteer index (rebuild it: NOTICE.md)")
        data = zlib.decompress(raw[len(MAGIC) :])
        end = data.index(b"\n")
        header = json.loads(data[:end])
        self._countries: list[str] = [sys.intern(c) for c in header["countries"]]
        self._admin1: list[str] = [sys.intern(a) for a in header["admin1"]]
        view, at, cols = memoryview(data), end + 1, {}
        for (name, code), length in zip(SECTIONS, header["lengths"], strict=True):
            size = length * _SIZES[code]
            part = view[at : at + size]
            fmt: Any = code  # one of _SIZES' typecodes
            cols[name] = part if code == "B" else part.cast(fmt)
            at += size
        if sys.byteorder != "little":  # written on little-endian machines
            raise RuntimeError("cities.bin is little-endian; this machine is not")
        self._cols = cols
        self.names = _Index(cols["keys"], cols["key_off"], cols["posts"], cols["post_off"])
        self.aliases = _Index(
            cols["alias_keys"], cols["alias_key_off"], cols["alias_posts"], cols["alias_post_off"]
        )

    def __len__(self) -> int:
        return len(self._cols["geonameid"])

    def city(self, row: int) -> City:
        c = self._cols
        name = bytes(c["names"][c["name_off"][row] : c["name_off"][row + 1]]).decode("utf-8")
        return City(
            c["geonameid"][row],
            name,
            round(c["lat"][row], 5),
            round(c["lon"][row], 5),
            self._countries[c["country"][row]],
            self._admin1[c["admin1"][row]],
            c["population"][row],
        )

    def named(self, name: str) -> list[City]:
        """Places with exactly that name (folded), most populous first."""
        return [self.city(r) for r in self.names.rows(fold(name))]

    def aka(self, name: str) -> list[City]:
        """Places with that GeoNames alternate name ("Kiev"), most populous first."""
        return [self.city(r) for r in self.aliases.rows(fold(name))]
