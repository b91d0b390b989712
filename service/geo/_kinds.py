"""What kind of place a name is, from its own words and the words around its mention: a
facility ("the Rivne nuclear power plant"), a region ("Bryansk Oblast", "la provincia de
Caylloma", "the governor of X"), else a settlement (`geocode.py`'s docstring, step 1).
"""

from __future__ import annotations

import re

from service.geo._containers import containers
from service.geo._context import WORD, Context, held
from service.geo._gazetteer import Gazetteer, Region

# a plant only with what it makes ("nuclear power plant"): "its Zwickau plant" is a factory
# in the town, not a facility named after its region
_FAC = (
    r"(?:(?:(?:nuclear|hydroelectric|thermal|coal|power|water|treatment|hydro|gas)\s+)+"
    r"(?:plants?|stations?)|(?:(?:nuclear|hydroelectric|thermal|coal|power|water|treatment|"
    r"hydro|gas)\s+)*(?:reservoirs?|dams?|airports?|air\s?bases?|bases?|refiner(?:y|ies)"
    r"|mines?|ports?|bridges?|prisons?|terminals?|depots?))"
)
_REG = (
    r"(?:regions?|oblasts?|provinces?|states?|governorates?|prefectures?|districts?"
    r"|count(?:y|ies)|krai|townships?|regenc(?:y|ies)|cercles?|territor(?:y|ies)"
    r"|provincias?|regi[oó]n(?:es)?|departamentos?|d[ée]partements?|estados?)"
)
_OF = r"(?:of|de|del|du|de\s+la|des)"  # "the province of", "la provincia de", "département du"
# a region's chief, who is named for it ("the governor of X", "le préfet de X")
_CHIEF = r"(?:governor|prefect|préfet|prefecto|gobernador|gouverneur|intendente)"
_LIST = r"(?:\s*(?:,|and|or|&)\s+(?:the\s+)?[A-Z][\w'’-]*)*"
FAC_AFTER = re.compile(rf"^(?:'s|’s)?{_LIST}\s+{_FAC}\b", re.I)
REG_AFTER = re.compile(rf"^{_LIST}\s+{_REG}\b")
REG_BEFORE = re.compile(
    rf"(?:\b{_REG}\s*(?:{_OF}|,|:)\s*(?:the\s+)?|\b{_CHIEF}\s+{_OF}\s+(?:the\s+)?)"
    rf"(?:[A-Z][\w'’-]*\s*(?:,|and|or)\s*)*$",
    re.I,
)
FAC_IN_QUERY = re.compile(rf"\b{_FAC}$", re.I)
# "la provincia de Caylloma", "Bryansk Oblast", and Spanish and French without the "de":
# "departamento Punilla", "région Centre"
REG_IN_QUERY = re.compile(
    rf"^(?:{_REG} {_OF} )|(?: {_REG})$|^(?:departamento|provincia|regi[oó]n|d[ée]partement"
    r"|estado|distrito|municipio) (?=(?-i:[A-ZÀ-Þ]))",
    re.I,
)


def mention_cue(text: str, name: str, anchor: str | None) -> str | None:
    """The kind the words around the mention nearest the anchor give: facility or region."""
    pat = re.escape(name).replace("'", "['’]").replace("’", "['’]")
    spans = [m.span() for m in re.finditer(rf"(?<!\w){pat}(?!\w)", text, re.I)]
    if not spans:
        return None
    s, e = spans[0]
    pos = text.find(anchor[:80]) if anchor else -1
    if pos >= 0 and anchor:
        end = pos + len(anchor)
        s, e = min(
            spans,
            key=lambda sp: 0 if pos <= sp[0] < end else min(abs(sp[0] - pos), abs(sp[0] - end)),
        )
    after, before = text[e : e + 80], text[max(0, s - 60) : s]
    if FAC_AFTER.match(after):
        return "facility"
    if REG_AFTER.match(after) or _region_before(before):
        return "region"
    return None


def _region_before(before: str) -> bool:
    """A region cue before the name ("the district of X"), but not "the Bab Xolo district of
    X", a named quarter of the city X."""
    m = REG_BEFORE.search(before)
    quarter = m is not None and m.group(0).lower().startswith("district")
    return m is not None and not (quarter and _NAMED.search(before[: m.start()]))


_NAMED = re.compile(r"[A-ZÀ-Þ][\w'’-]*\s*$")  # "Bab Xolo " (not "the southern Spanish ")


def inside(gz: Gazetteer, name: str, text: str, anchor: str | None, ctx: Context) -> Region | None:
    """The region the article puts the place in, next to its mention ("X, Y region", "Y's
    X"), when that region is in a country the article supports."""
    for container in containers(text, name, anchor):
        key = REG_IN_QUERY.sub("", container).strip()
        supported = [r for r in gz.regions_named(key) if held(ctx, r)]
        if supported:
            return max(supported, key=lambda r: (r.level == 1, r.population))
    return None


def units(gz: Gazetteer, sentence: str, ctx: Context) -> list[Region]:
    """The supported regions a sentence names ("the Mykolaiv region")."""
    found: list[Region] = []
    for m in WORD.finditer(sentence):
        after, before = sentence[m.end() : m.end() + 40], sentence[: m.start()]
        if REG_AFTER.match(after) or _region_before(before):
            key = REG_IN_QUERY.sub("", m.group(0)).strip()
            found += [r for r in gz.regions_named(key) if held(ctx, r)]
    return found
