"""The offline gazetteer: loading and indexing, built once per process, lazily, under a lock.

Data, all read from installed files, never the network:

- ``cities.bin``: every GeoNames place of 500+ people (the ``cities500`` tier) with
  population, coordinates, country and admin1 code, and indexes of their names and
  alternate names, prebuilt by ``python -m service.geo._build_cities`` (``_cities.py``
  reads it without parsing);
- ``regions.tsv.gz``: GeoNames first- and second-level subdivisions with English names,
  aliases, ISO 3166-2 codes, centroids and populations, and ``countries.tsv``: names,
  aliases, demonyms and a representative point per country. Both are generated once by
  ``python -m service.geo._build_regions`` (NOTICE.md says from what).

Call ``warm()`` at process start to take the load off the first request (BENCHMARKS.md,
"The gazetteer": a fraction of a second).
"""

from __future__ import annotations

import gzip
import re
import sys
import threading
from dataclasses import dataclass
from importlib.resources import files

from service.geo._cities import Cities, City
from service.geo.folding import fold, latin, variants

__all__ = ["City", "Gazetteer", "Region", "gazetteer", "region_keys", "warm"]

DATA = files("service.geo")

# Words naming a kind of subdivision; stripped from names ("Rivne Oblast" -> "rivne").
REGION_WORDS = (
    "oblast",
    "oblast'",
    "region",
    "province",
    "state",
    "governorate",
    "prefecture",
    "krai",
    "kray",
    "republic",
    "county",
    "district",
    "department",
    "territory",
    "okrug",
    "raion",
    "rayon",
    "obshtina",
    "municipality",
    "cercle",
    "regency",
    "shire",
    "division",
    "parish",
    "canton",
)
# and the Spanish and French prefixes: "Departamento de Punilla", "Provincia de Caylloma"
_LOCAL_WORDS = "departamento|partido|provincia|municipio|distrito|comuna|departement|commune"
_STRIP = re.compile(
    "^(?:(?:{w}) of )|(?: (?:{w}))$|^(?:{local}) (?:de la |del |de |du |d')".format(
        w="|".join(re.escape(w) for w in REGION_WORDS), local=_LOCAL_WORDS
    )
)


def region_keys(names: tuple[str, ...]) -> frozenset[str]:
    """Keys of a region: each Latin name folded, with and without its type word."""
    keys: set[str] = set()
    for name in names:
        if not latin(name) or not (key := fold(name)):
            continue
        keys.add(key)
        if stripped := _STRIP.sub("", key).strip():
            keys.add(stripped)
    return frozenset(keys)


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # GeoNames code: "RU.86" (admin1) or "NP.6.12095476" (admin2)
    level: int  # 1 or 2
    country: str  # ISO 3166-1 alpha-2
    parent: str | None  # the admin1's code, for an admin2
    iso: str | None  # ISO 3166-2, when GeoNames links one
    name: str  # English display name
    local: str | None  # the GeoNames/ISO name, where it differs ("Sulawesi Utara")
    lat: float | None
    lon: float | None
    population: int

    @property
    def admin1(self) -> str:
        return self.parent or self.code


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name: str
    lat: float | None
    lon: float | None


class _Regions:
    """regions.tsv's rows by GeoNames code; each a `Region` when first asked for, so a
    process builds the few an article names, not 51,000."""

    def __init__(self, cols: list[str], lines: list[str]) -> None:
        self._cols, self._lines = cols, lines
        self._built: dict[int, Region] = {}
        self._rows: dict[str, int] = {}
        for i, line in enumerate(lines[1:], start=1):
            cc, admin1, admin2 = line.split("\t", 3)[:3]
            self._rows[f"{cc}.{admin1}.{admin2}" if admin2 else f"{cc}.{admin1}"] = i

    def row(self, i: int) -> Region:
        if (region := self._built.get(i)) is None:
            row = dict(zip(self._cols, self._lines[i].split("\t"), strict=True))
            region = self._built[i] = _region(row)
        return region

    def get(self, code: str) -> Region | None:
        i = self._rows.get(code)
        return None if i is None else self.row(i)

    def __getitem__(self, code: str) -> Region:
        return self.row(self._rows[code])

    def __contains__(self, code: object) -> bool:
        return code in self._rows


def _region(row: dict[str, str]) -> Region:
    admin1 = sys.intern(f"{row['country']}.{row['admin1']}")
    return Region(
        code=f"{admin1}.{row['admin2']}" if row["admin2"] else admin1,
        level=2 if row["admin2"] else 1,
        country=sys.intern(row["country"]),
        parent=admin1 if row["admin2"] else None,
        iso=row["iso"] or None,
        name=row["name"],
        local=row["local"] or None,
        lat=float(row["lat"]) if row["lat"] else None,
        lon=float(row["lon"]) if row["lon"] else None,
        population=int(row["population"]),
    )


class Gazetteer:
    def __init__(self) -> None:
        self.regions = _Regions([], [])
        self.region_index: dict[str, list[int]] = {}  # folded name -> rows of regions
        self.namesakes: set[int] = set()  # cities inside a region of their own name
        self.countries: dict[str, Country] = {}
        self.country_index: dict[str, str] = {}  # folded name or alias -> alpha-2
        self.demonyms: dict[str, str] = {}  # "ukrainian" -> "UA"
        self.cities = Cities()
        self._load_regions()
        self._load_countries()

    def _load_regions(self) -> None:
        raw = gzip.decompress(DATA.joinpath("regions.tsv.gz").read_bytes()).decode("utf-8")
        lines = raw.splitlines()
        cols = lines[0].split("\t")
        self.regions = _Regions(cols, lines)
        index: dict[str, list[int]] = {}
        at = {name: cols.index(name) for name in ("namesakes", "keys")}
        for i, line in enumerate(lines):
            if i == 0:
                continue
            row = line.split("\t")
            for key in row[at["keys"]].split("|"):
                index.setdefault(key, []).append(i)
            if row[at["namesakes"]]:
                self.namesakes.update(map(int, row[at["namesakes"]].split("|")))
        self.region_index = index

    def _load_countries(self) -> None:
        lines = DATA.joinpath("countries.tsv").read_text(encoding="utf-8").splitlines()
        cols = lines[0].split("\t")
        for line in lines[1:]:
            row = dict(zip(cols, line.split("\t"), strict=True))
            cc = row["country"]
            lat, lon = (float(row["lat"]), float(row["lon"])) if row["lat"] else (None, None)
            self.countries[cc] = Country(cc, row["name"], lat, lon)
            for name in (row["name"], *row["aliases"].split("|")):
                if name:
                    self.country_index.setdefault(fold(name), cc)
            for name in row["demonyms"].split("|"):
                if name:
                    self.demonyms.setdefault(fold(name), cc)

    def cities_named(self, name: str) -> list[City]:
        """Places with exactly that name; else those with it as a GeoNames alternate name."""
        return self.cities.named(name) or self.cities.aka(name)

    def cities_like(self, name: str) -> list[City]:
        """Places under another spelling of the name (`folding.variants`): "Al-Turbah" is
        GeoNames' "At Turbah"."""
        return next((found for v in variants(fold(name)) if (found := self.cities.named(v))), [])

    def regions_like(self, name: str) -> list[Region]:
        return next((found for v in variants(fold(name)) if (found := self.regions_named(v))), [])

    def country(self, text: str) -> str | None:
        return self.country_index.get(fold(text))

    def regions_named(self, name: str) -> list[Region]:
        return [self.regions.row(i) for i in self.region_index.get(fold(name), ())]


_lock = threading.Lock()
_instance: Gazetteer | None = None


def gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built on first use."""
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                _instance = Gazetteer()
    return _instance


def warm() -> None:
    """Load the gazetteer now (call at process start), not on the first request."""
    gazetteer()
