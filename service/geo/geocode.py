"""Resolve an event's place, as written in the article, to a gazetteer entry, offline.

``resolve_places(places, article_text, anchors=None)`` returns one ``Resolved`` per place.
``Resolved.precision`` says what the coordinates stand for; ``facility`` says the text names
a facility (its coordinates are then those of the region or city admin1 it is named after).

The rule, in order (``Resolved.rule`` names the step that decided):

1. **Kind of place.** The place string and the words around one mention of it in the
   article decide whether it names a *facility*, a *region* or a *settlement*. The mention
   used is the one nearest the place's anchor (an evidence fragment of the event), or the
   first mention when there is no anchor or it is not in the text.
   - facility: the string, or the words right after the mention (allowing a list, as in
     "Khmelnytskyi and Rivne nuclear power plants"), name a plant, station, reservoir, dam,
     airport, base, refinery, mine, port, bridge or prison;
   - region: the string ends in, or the words around the mention say, region(s), oblast,
     province, state, governorate, prefecture, district, county, krai, township, regency,
     cercle, territory, or their Spanish and French words ("two southwestern regions,
     Bryansk and Rostov", "the province of Petorca", "la provincia de Caylloma",
     "governor of X", "Borno State");
   - otherwise a settlement, unless the string is a country name (then *country*).
2. **Candidates.** Settlements: GeoNames places of 500+ people of exactly that name
   (accents and case ignored), else of that alternate name ("Kiev"; places of 15,000+),
   else of another spelling (``folding.variants``: "Al-Turbah" is "At Turbah"). Regions:
   first- and second-level subdivisions whose name or an alias, with or without its type
   word ("Rivne Oblast" -> "Rivne"), is that name. A "township" or "cercle" no unit bears
   is its seat town ("Ye-U township").
3. **Context score**, compared as a tuple, larger wins: (the candidate's admin1 is named
   in the article; its country is named in the article, by name, alias or demonym; the
   number of *other* places named in the article that lie in its country: cities of
   100,000+ people and first-level subdivisions, each counted for its most populous
   match). The place's own name never counts as its context. Ties: the most populous
   candidate (a region counts the people of its gazetteer places).
   - The outlet's country domain (``outlet``, the article's URL) and the wire's state
     abbreviations ("Tenn.", "NSW") count as such mentions.
   - **No pin in a country the article does not support** (the score is all-false): such
     a candidate is dropped, unless it is a city of a million people (100,000 when the
     article supports no country at all), which is known by name anywhere. "Blackheath"
     in a New South Wales story is not London's; with no Australian namesake it would be
     no pin.
   - **Ambiguous namesakes are no pin**: when the winner's admin1 is not named and
     another namesake in the same country lies 100 km away without being ten times
     smaller ("near the village of Shevchenkove", of which Ukraine has dozens), which one
     is meant is not said: unknown (rule ``ambiguous``).
   - **The unit the article puts it in**: among namesakes, the one in a region its
     sentence names ("Officials in the Mykolaiv region said … near Shevchenkove"); when
     the text puts it in a region right after it ("San Luis, in Napo province") and no
     namesake lies there, that region stands in.
4. **Settlement or region with the same name**, no cue: the city wins when it lies in a
   subdivision of the same name (Voronezh in Voronezh Oblast, Madrid); otherwise the
   better (context score, population) wins, so "Texas" is the state, not a small town.
5. **Facilities are never given a city's coordinates.** A facility named after a region
   resolves to that region (precision "region", ``facility=True``, the region's centroid);
   one named after a city resolves to that city's admin1. Either only when the article
   supports it (the region's context score is not all-false; the city's country is named);
   anything else is unknown (``facility=True`` still).
   - **A place the gazetteer lacks** (a hamlet, a neighbourhood, a road) takes the city or
     region the article puts it in (``_containers.py``): the one named right after or
     before it ("Konabari, Gazipur", "plaza San Martín in Lima", "Gazipur's Konabari"),
     else, for a landmark in a town or what its sentence calls an area, the dateline's
     city when its paragraph names no other town ("FAISALABAD: … on Sargodha Road"), else
     the one region its sentence names, else the one district (a second-level unit) the
     whole article names, when its sentence names no other. Its precision is that place's;
     a landmark keeps ``facility=True``. Nothing found: unknown.
   - A landmark that stands in its town is in the town its name opens on ("Kakuma refugee
     camp", "Lodwar County Referral Hospital"), never in a shorter part of that name; a
     named quarter is in the city it is "of" ("the Bab al-Tabbaneh district of Tripoli");
     a town's numbered part ("Latifabad Unit 7") is in the filing town.
   - No district (a second-level unit) in a country the article does not support, when
     it supports one: "departamento Punilla" from Córdoba is not Chile's Punilla.
6. Coordinates: a city's own; a region's: the midpoint of the bounding box of its GeoNames
   places (null if it has none); a country's: countryinfo's ``latlng``, a rough centre.
   Nothing matched: name, admin1, country and coordinates null, precision "unknown".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from service.geo._containers import (
    containers,
    home,
    landmark,
    opening,
    paragraph_of,
    sentence_of,
    urban,
)
from service.geo._context import (
    CONTEXT_CITY,
    KNOWN_CITY,
    WORD,
    Context,
    Mention,
    grams,
    held,
    may_hold,
    outlet_country,
    score,
)
from service.geo._context import context as context_of
from service.geo._context import mentions as mentions_in
from service.geo._gazetteer import City, Gazetteer, Region, gazetteer
from service.geo._kinds import FAC_IN_QUERY, REG_IN_QUERY, inside, mention_cue, units
from service.geo._resolved import Precision, Resolved, city, unknown
from service.geo._resolved import region as region_of
from service.geo.distance import km
from service.geo.folding import fold

__all__ = ["FAR_KM", "Precision", "Resolved", "resolve_places"]

FAR_KM = 100.0  # a namesake this far from where the article puts the place is another place


def resolve_places(
    places: Sequence[str | None],
    article_text: str,
    anchors: Sequence[str | None] | None = None,
    *,
    context: bool = True,
    outlet: str | None = None,
) -> list[Resolved]:
    """Resolve each place against the article (see the module docstring for the rule).

    ``anchors[i]``, optional, is an evidence fragment of the event: the mention of the
    place nearest it decides the kind of place. ``context=False`` ignores the article's
    countries and places (population alone decides): the tests' way to show the context
    rule is what gets a pin right. ``outlet``, the article's URL: a country domain
    ("smh.com.au") supports its country as a big city named in the article does.
    """
    gz = gazetteer()
    mentions = mentions_in(gz, article_text)
    if cc := outlet_country(outlet):
        mentions.append(("@outlet", None, (), cc))
    out: list[Resolved] = []
    for i, place in enumerate(places):
        anchor = anchors[i] if anchors and i < len(anchors) else None
        got = _resolve(gz, place or "", article_text, anchor, mentions, context)
        if got.precision == "unknown" and place:
            got = _contained(gz, got, article_text, anchor, mentions, context)
        elif got.precision == "city" and context:
            got = _elsewhere(gz, got, article_text, anchor, mentions) or got
        out.append(got)
    return out


def _contained(
    gz: Gazetteer,
    lost: Resolved,
    text: str,
    anchor: str | None,
    mentions: list[Mention],
    context: bool,
) -> Resolved:
    """A place the gazetteer lacks takes the city or region the article puts it in
    (``_containers.py``), at that place's precision."""
    for name in containers(text, lost.query, anchor):
        got = _resolve(gz, name, text, None, mentions, context)
        if got.precision in ("city", "region"):
            facility = got.facility or lost.facility or landmark(lost.query)
            return replace(got, query=lost.query, facility=facility, rule=f"in:{got.rule}")
    if not context:
        return lost
    ctx = context_of(mentions, fold(lost.query))
    facility = lost.facility or landmark(lost.query)
    filed = (
        _filed_in(gz, lost, text, anchor, mentions, ctx)
        if urban(text, lost.query, anchor)
        else None
    )
    if filed is not None:
        return replace(filed, query=lost.query, facility=facility, rule="in:dateline")
    # "…clashes in Lopa, … across Djugu territory": the one unit its sentence names
    here = {r.code: r for r in units(gz, sentence_of(text, lost.query, anchor), ctx)}
    if len(here) == 1:
        (unit,) = here.values()
        return replace(region_of(gz, lost.query, unit, "in:sentence"), facility=facility)
    # "near the village of Bagan", in a story about "Kurram district": the one district
    # the article names, when its sentence names no other place
    districts = {r.code: r for r in units(gz, text, ctx) if r.level == 2}
    if len(districts) == 1 and not here:
        (unit,) = districts.values()
        return replace(region_of(gz, lost.query, unit, "in:article"), facility=facility)
    return lost


def _filed_in(
    gz: Gazetteer,
    lost: Resolved,
    text: str,
    anchor: str | None,
    mentions: list[Mention],
    ctx: Context,
) -> Resolved | None:
    """The dateline's city, for a landmark or an area in a town ("a boiler exploded … on
    Sargodha Road", filed from FAISALABAD), unless the landmark's paragraph names another
    town it may be in ("À Saint-Louis, … sur le pont Faidherbe", filed from NOUAKCHOTT)."""
    paragraph = paragraph_of(text, lost.query, anchor).replace(lost.query, " ")
    named = {
        fold(gram)
        for m in WORD.finditer(paragraph)
        for gram in grams(m.group(0).split())
        if any(may_hold(ctx, c) for c in gz.cities.named(gram))
    }
    for name in home(text):
        got = _resolve(gz, name, text, None, mentions, True)
        if got.precision == "city" and named <= {fold(name), fold(got.name or "")}:
            return got
    return None


def _elsewhere(
    gz: Gazetteer, got: Resolved, text: str, anchor: str | None, mentions: list[Mention]
) -> Resolved | None:
    """The place the article puts a town in, when the namesake chosen is far from it: "X, a
    village in the municipality of Y" or a sentence opening "In Y, …" name where it is; a
    namesake 100 km away, or in another admin1, is another place."""
    town = opening(text, got.query, anchor)
    for name in [*containers(text, got.query, anchor), *([town] if town else [])]:
        there = _resolve(gz, name, text, None, mentions, True)
        if there.precision in ("city", "region") and _apart(got, there):
            facility = landmark(got.query) or name == town  # "In Y, the Palace of X …"
            return replace(there, query=got.query, facility=facility, rule=f"in:{there.rule}")
    return None


def _apart(a: Resolved, b: Resolved) -> bool:
    """`a` (a town) is not in or near `b`: another admin1 than region `b`'s, or 100 km from
    town `b`."""
    if b.precision == "region" or None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return (a.country, a.admin1_code or a.admin1) != (b.country, b.admin1_code or b.admin1)
    return km(a.latitude, a.longitude, b.latitude, b.longitude) > FAR_KM  # type: ignore[arg-type]


def _resolve(
    gz: Gazetteer,
    query: str,
    text: str,
    anchor: str | None,
    mentions: list[Mention],
    context: bool = True,
) -> Resolved:
    q = re.sub(r"^the\s+(?=\S)", "", query.strip(), flags=re.I) if query.strip() else ""
    if not q:
        return unknown(query, "empty")
    kind: str | None = None
    if FAC_IN_QUERY.search(q):
        kind, q = "facility", FAC_IN_QUERY.sub("", q).strip(" ,'’s")
    elif REG_IN_QUERY.search(q) and not gz.regions_named(q):
        kind, q = "region", REG_IN_QUERY.sub("", q).strip()
    full = query.strip()
    kind = kind or mention_cue(text, full, anchor) or mention_cue(text, q, anchor)
    ctx = context_of(mentions, fold(q), context)
    if kind == "facility":
        return _facility(gz, query, q, ctx)
    if kind is None and (cc := gz.country(q) or gz.country(full)):
        c = gz.countries[cc]
        return Resolved(query, c.name, None, cc, c.lat, c.lon, "country", False, "country")
    region = _best_region(gz, q, ctx)
    if ctx.on and region is not None and region.level == 2 and not held(ctx, region):
        # no district in a country the article does not support: "departamento Punilla" in
        # a story from Córdoba is not Chile's Punilla Province. An article that supports no
        # country at all leaves the choice to the cue and population, as for a city.
        region = None if ctx.countries or ctx.votes else region
    if kind == "region" and region is not None:
        return region_of(gz, query, region, "region-cue")
    # no unit of that name: a township or a cercle is named for its seat ("Ye-U township")
    exact = gz.cities.named(q) or gz.cities.named(full)
    cands = exact or gz.cities.aka(q) or gz.cities.aka(full) or gz.cities_like(q)
    if ctx.on:
        cands = _in_support(ctx, cands, gz.cities.aka(q) if exact else [])
        # "Officials in the Mykolaiv region said … near the village of Shevchenkove": the
        # namesake in a unit its sentence names
        named = {r.admin1 for r in units(gz, sentence_of(text, full, anchor), ctx)}
        cands = [c for c in cands if c.admin1 in named] or cands
        unit = inside(gz, full, text, anchor, ctx)
        if unit is not None and cands and all(c.admin1 != unit.admin1 for c in cands):
            # "San Luis, in Napo province": no namesake known there; the unit stands in
            return region_of(gz, query, unit, "in:region")
    if not cands:
        found = region or exact or gz.cities.aka(q)
        rule = "no-supported-country" if found else "no-match"
        return region_of(gz, query, region, "no-city") if region else unknown(query, rule)
    best = max(cands, key=lambda c: (score(ctx, c.country, c.admin1), c.population))
    best_score = score(ctx, best.country, best.admin1)
    if region is not None and best.geonameid not in gz.namesakes and not _seat(best, region, q):
        rscore = score(ctx, region.country, region.admin1)
        if (rscore, region.population) > (best_score, best.population):
            return region_of(gz, query, region, "region-beats-city")
    if ctx.on and _ambiguous(best, cands, ctx):
        return unknown(query, "ambiguous")
    return city(gz, query, best, "city:context" if any(best_score) else "city:population")


def _ambiguous(best: City, cands: list[City], ctx: Context) -> bool:
    """Namesakes 100 km apart in the country the article supports, none in an admin1 it
    names, none ten times the other's size: which one is meant is not said, and a guess is
    a pin in the wrong place half the time. No pin."""
    if score(ctx, best.country, best.admin1)[0]:
        return False
    return any(
        c.country == best.country
        and 10 * c.population > best.population
        and km(c.lat, c.lon, best.lat, best.lon) > FAR_KM
        for c in cands
        if c is not best
    )


def _in_support(ctx: Context, cands: list[City], also: list[City]) -> list[City]:
    """The candidates in a country the article supports (it names the country, or the
    admin1, or a big city or admin1 of it), trying the alternate names too ("Santiago" for
    Santiago de los Caballeros in a Dominican story). None there: only a city known by name
    anywhere stays (a million people; 100,000 when the article supports no country at all);
    a same-name town elsewhere is no pin ("Blackheath" in an Australian story is not
    London's, "Kani township" in a Myanmar story is not Kani, Japan)."""
    kept = [c for c in cands if held(ctx, c)] or [c for c in also if held(ctx, c)]
    # a supported city of a million people beats its small namesakes nearby
    kept = [c for c in kept if c.population >= KNOWN_CITY] or kept
    known = KNOWN_CITY if ctx.countries or ctx.votes else CONTEXT_CITY
    return kept or [c for c in cands if c.population >= known]


def _seat(city: City, region: Region, query: str) -> bool:
    """The city is the seat of the district of its name (its own name, the same admin1, half
    its people or more), a link GeoNames does not always make."""
    return (
        region.level == 2
        and region.admin1 == city.admin1
        and 2 * city.population >= region.population
        and fold(city.name) == fold(query)
    )


def _best_region(gz: Gazetteer, name: str, ctx: Context) -> Region | None:
    subs = gz.regions_named(name) or gz.regions_like(name)
    if not subs:
        return None
    return max(
        subs,
        key=lambda s: (score(ctx, s.country, s.admin1), s.level == 1, s.population),
    )


def _facility(gz: Gazetteer, query: str, stem: str, ctx: Context) -> Resolved:
    """A facility gets its namesake region's centroid, never a city's coordinates."""
    region = _best_region(gz, stem, ctx)
    if region is not None and any(score(ctx, region.country, region.admin1)):
        return region_of(gz, query, region, "facility:namesake-region", True)
    named = [c for c in gz.cities_named(stem) if c.country in ctx.countries]
    if named:
        city = max(named, key=lambda c: c.population)
        if city.admin1 in gz.regions:
            sub = gz.regions[city.admin1]
            return region_of(gz, query, sub, "facility:namesake-city-admin1", True)
    return unknown(query, "facility:no-namesake", True)
