"""What an article says about where it is: the countries, admin1s and big cities it names.

`geocode.py` scores each candidate place against this; a candidate in no country the article
supports is not pinned (its docstring, step 3).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from service.geo import _abbreviations as abbreviations
from service.geo._containers import home
from service.geo._gazetteer import City, Gazetteer, Region
from service.geo.folding import fold

WORD = re.compile(
    r"U\.[SK]\.|[A-Z][\w'’-]*(?:\s+(?:(?:of|de|del|du|des|la|and)\s+)?[A-Z][\w'’-]*){0,4}"
)  # "Bay of Plenty", "Santiago del Estero", one name
_JOINS = frozenset({"of", "de", "del", "du", "des", "la", "and"})
CONTEXT_CITY = 100_000  # a city this big, named in the article, votes for its country
TOWN = 15_000  # a place this big, named beside a landmark, may be where the landmark is
KNOWN_CITY = 1_000_000  # a city this big is itself enough support for its country


@dataclass
class Context:
    countries: set[str]
    admin1: set[str]
    votes: Counter[str]
    on: bool = True  # off: population alone decides (what the tests compare against)


# One capitalised n-gram: (folded, country named, admin1 codes named, country voted for).
Mention = tuple[str, str | None, tuple[str, ...], str | None]


def grams(words: list[str]) -> list[str]:
    return [
        " ".join(words[j : j + n])
        for n in range(1, len(words) + 1)
        for j in range(len(words) - n + 1)
    ]


def mentions(gz: Gazetteer, text: str) -> list[Mention]:
    """The article's capitalised names that are countries, demonyms, admin1s or big cities.
    A word the article also writes in lower case ("north", "coast", "forest") is a word,
    not a place, and a name shared by admin1s of three countries or more ("Northern",
    "Central") says nothing of where the story is."""
    lower = set(re.findall(r"\b[a-z][a-z'’-]+\b", text))
    out: list[Mention] = []
    for m in WORD.finditer(text):
        words = m.group(0).split()
        taken: set[int] = set()  # words of a longer name found ("Bay" of "Bay of Plenty")
        for n in range(len(words), 0, -1):
            for j in range(len(words) - n + 1):
                if taken & set(range(j, j + n)) or {words[j], words[j + n - 1]} & _JOINS:
                    continue
                gram = " ".join(words[j : j + n]).removesuffix("’s").removesuffix("'s")
                k = fold(gram)
                if cc := gz.country_index.get(k) or gz.demonyms.get(k):
                    out.append((k, cc, (), None))
                    taken.update(range(j, j + n))
                    continue
                if n == 1 and (k in lower or len(k) < 3):
                    continue
                subs = [s for s in gz.regions_named(k) if s.level == 1]
                if len({s.country for s in subs}) >= 3:
                    subs = []
                big = [c for c in gz.cities.named(k) if c.population >= CONTEXT_CITY]
                city = max(big, key=lambda c: c.population, default=None)
                sub = max(subs, key=lambda s: s.population, default=None)
                # a province named like a big city elsewhere votes for its own country
                # when it holds more people than that city
                vote = (
                    sub.country
                    if sub and (city is None or sub.population > city.population)
                    else city.country
                    if city
                    else None
                )
                if subs or vote:
                    out.append((k, None, tuple(s.code for s in subs), vote))
                    taken.update(range(j, j + n))
    for short, code in abbreviations.admin1s(text):  # "Paris, Tenn.", "Kempsey, NSW"
        out.append((fold(short), None, (code,), code.split(".")[0]))
    for name in home(text):  # the filing town votes whatever its size
        towns = [c for c in gz.cities.named(name) if c.population >= TOWN]
        if towns:
            out.append((fold(name), None, (), max(towns, key=lambda c: c.population).country))
    return out


def context(mentions: list[Mention], own: str, on: bool = True) -> Context:
    ctx = Context(set(), set(), Counter(), on)
    voted: set[str] = set()  # each place votes once, however often it is named
    for k, cc, subs, vote in mentions if on else ():
        if k == own or own in k.split():
            continue
        if cc:
            ctx.countries.add(cc)
        ctx.admin1.update(subs)
        if vote and k not in voted:
            ctx.votes[vote] += 1
            voted.add(k)
    return ctx


def score(ctx: Context, cc: str, admin1: str | None) -> tuple[bool, bool, int]:
    return (admin1 in ctx.admin1, cc in ctx.countries, ctx.votes[cc])


def may_hold(ctx: Context, city: City) -> bool:
    """A town the landmark may be in: a big city, or a town of a supported country."""
    return city.population >= CONTEXT_CITY or (city.population >= TOWN and held(ctx, city))


def held(ctx: Context, place: City | Region) -> bool:
    return any(score(ctx, place.country, place.admin1))


# country domains sold as generic names ("bit.ly", "x.co", "news.io"): no country's outlet
_VANITY = frozenset(
    {"io", "co", "tv", "me", "fm", "ai", "ly", "to", "cc", "ws", "gg", "so", "sh", "ac", "gl",
     "im", "la", "am", "nu", "vc", "ag", "gs", "st", "tk", "ms", "dj", "cx", "mu", "ps"}
)  # fmt: skip


def outlet_country(url: str | None) -> str | None:
    """The country of an outlet's country domain ("www.smh.com.au" → AU, ".co.uk" → GB)."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    except ValueError:  # "http://[bad": a client's URL is metadata, never a reason to fail
        return None
    tld = host.rsplit(".", 1)[-1].lower()
    if len(tld) != 2 or not tld.isalpha() or tld in _VANITY:
        return None
    return "GB" if tld == "uk" else tld.upper()
