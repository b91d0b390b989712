"""Where the article puts a place the gazetteer does not hold.

A hamlet, a neighbourhood, a road or a showground is rarely in GeoNames, but the article
usually says what it is in: "Konabari in Gazipur", "Bahodopi, Morowali", "the Kempsey
Showground", "Gazipur's Konabari", "plaza San Martín in Lima". That containing place, once
resolved, stands in for it at its own precision (a city's point, a region's centroid), as
ACLED codes an event it cannot place exactly to the smallest unit it can. A landmark keeps
`facility` true. Nothing is said of a place the article does not contain anywhere.
"""

from __future__ import annotations

import re

_NAME = r"[A-ZÀ-Þ][\w'’.-]*(?:\s+(?:de\s+|del\s+|of\s+|la\s+)?[A-ZÀ-Þ][\w'’.-]*){0,3}"
# after the mention: ", Gazipur", " in Gazipur", " near the town of Kadugli", " à Lima"
_AFTER = re.compile(
    r"^(?:\s*,\s*(?:(?:a|an|the|un|une|el|la|le)\s+(?:[a-zà-ÿ'’-]+\s+){0,4}?)?"
    r"(?:(?:in|dans|en|near|à)\s+)?|"
    # "the Bab al-Tabbaneh district of Tripoli", "the Konabari area in Gazipur"
    r"\s+(?:(?:district|neighbou?rhood|quarter|suburb|area|section|quartier|barrio)\s+)?"
    r"(?:in|near|outside|at|en|à|dans|près\s+de|cerca\s+de|"
    r"de|of)\s+)(?:(?:the|la|le|el|les|los|l'|l’)\s*)?"
    r"(?:(?:city|town|village|district|province|region|state|county|municipality|shire|"
    r"township|regency|territory|ville|commune|municipio|provincia|región|département|"
    r"municipalité|municipalidad|comuna|"
    r"cercle|centre|center|centro|heart|outskirts|afueras|suburbs|banlieue|"
    r"northern|southern|eastern|western|central|north|south|east|west|capital)\s+"
    r"(?:(?:of|de|du|del)\s+(?:la\s+)?)?)?"
    rf"(?P<name>(?>{_NAME}))"
    # not the first of a list ("Bogotá, Cali and Medellín"); "El Fasher, Sudan" is one place
    r"(?!(?:\s*,\s*[A-ZÀ-Þ][\w'’.-]*(?:\s+[A-ZÀ-Þ][\w'’.-]*)*)*\s*,?\s*(?:and|y|et|e)\s+[A-ZÀ-Þ])"
)
# before it: "Gazipur's Konabari", "the Kempsey Showground" (a landmark named for its town)
_BEFORE = re.compile(rf"(?P<name>{_NAME})['’]s\s+(?:\w+\s+){{0,2}}$")
_LANDMARK = re.compile(
    r"\b(?:showground|forest|park|highway|road|street|avenue|avenida|calle|rue|boulevard|"
    r"square|plaza|plazoleta|place|stadium|estadio|stade|camp|market|mercado|marché|bridge|"
    r"pont|puente|zone|axe|axis|crossing|junction|roundabout|airport|port|harbour|station|"
    r"hospital|school|university|prison|mosque|church|cathedral|palace|embassy|ministry|"
    r"hotel|mall|plant|mine|dam|reservoir|base|terminal|depot|beach|lake|river|valley|wadi|"
    r"exchange|court|palacio|palais|headquarters|parliament|office|police|route|ruta|"
    r"carretera|autoroute|motorway|expressway|rodovia|"
    r"(?:community|health|shopping|evacuation|detention|treatment|medical) cent(?:re|er))s?\b",
    re.IGNORECASE,
)


# landmarks that stand in the town they are named for ("Kempsey Showground"); a road is
# named for where it leads ("Sargodha Road"), a lake or a forest for anything
_IN_TOWN = re.compile(
    r"\b(?:showground|stadium|estadio|stade|market|mercado|marché|airport|station|harbour|"
    r"hospital|university|prison|city hall|town hall|camp|community cent(?:re|er)|mine)s?\b",
    re.IGNORECASE,
)


def landmark(name: str) -> bool:
    """The name is a landmark's, not a settlement's ("Sargodha Road", "pont Faidherbe")."""
    return bool(_LANDMARK.search(name))


def sentence_of(text: str, name: str, anchor: str | None) -> str:
    """The sentence of the mention nearest the anchor (the whole text if none is found)."""
    spans = _spans(text, name, anchor)
    if not spans:
        return ""
    start, end = spans[0]
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    stops = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    return text[left : min(stops) if stops else len(text)]


def paragraph_of(text: str, name: str, anchor: str | None) -> str:
    """The line (a paragraph, in the article's text) of the mention nearest the anchor."""
    spans = _spans(text, name, anchor)
    if not spans:
        return ""
    start = spans[0][0]
    end = text.find("\n", start)
    return text[text.rfind("\n", 0, start) + 1 : end if end >= 0 else len(text)]


def _spans(text: str, name: str, anchor: str | None) -> list[tuple[int, int]]:
    pattern = re.escape(name).replace("'", "['’]").replace("’", "['’]")
    spans = [m.span() for m in re.finditer(rf"(?<!\w){pattern}(?!\w)", text)]
    if anchor and (pos := text.find(anchor[:80])) >= 0:
        spans.sort(key=lambda span: abs(span[0] - pos))
    return spans


def containers(text: str, name: str, anchor: str | None) -> list[str]:
    """The places the article says `name` is in, nearest the anchor's mention first: the
    name after it (", X", "in X") and the possessive before it ("X's"); for a landmark, its
    leading name too where it stands in its town ("the Kempsey Showground" is in Kempsey)."""
    spans = _spans(text, name, anchor)
    found: list[str] = []
    for start, end in spans[:3]:
        if after := _AFTER.match(text[end : end + 120]):
            name_after = after.group("name").replace("’", "'")
            owner, mark, owned = name_after.partition("'s ")  # "Sagaing's Ye-U township"
            found += [owned, owner] if mark else [name_after.removesuffix("'s")]
        if before := _BEFORE.search(text[max(0, start - 60) : start]):
            found.append(before.group("name"))
    if _IN_TOWN.search(name):
        found += _heads(_IN_TOWN.split(name, maxsplit=1)[0])
    if len(parts := re.split(r"\s+(?:and|y|et|&)\s+", name)) == 2:
        found += parts  # "Kingston and St Andrew": each part, the first first
    return [f for f in dict.fromkeys(found) if f != name and name not in f]


def _heads(head: str) -> list[str]:
    """The town a landmark's name opens on: "Kakuma refugee camp" is in Kakuma, "Lodwar
    County Referral Hospital" in Lodwar. Only its capitalised opening words, less the
    words that describe the landmark, not the town; never a shorter part of the town's
    name ("Port" of "Port Moresby General Hospital" is another place)."""
    words: list[str] = []
    for word in head.split()[:4]:
        if not word[0].isupper():
            break
        words.append(word.strip(",'’"))
    while words and _DESCRIBES.fullmatch(words[-1]):
        words.pop()
    return [" ".join(words)] if words else []


# what a landmark's name says of it after its town's name: "County Referral", "General"
_DESCRIBES = re.compile(
    r"(?:county|district|provincial|province|state|regional|region|municipal|city|town|"
    r"referral|general|central|community|teaching|national|memorial|main|new|old|"
    r"gold|copper|coal|refugee|international|public|police)",
    re.IGNORECASE,
)


_DATELINE = re.compile(r"^([A-ZÀ-Þ][A-ZÀ-Þ'’. -]{2,40}?)(?=,|\s*\(|\s+[—–-]\s|:\s)")
_AREA = re.compile(
    r"\b(?:area|neighbourhood|neighborhood|suburb|quartier|barrio|colonia|estate|slum)s?\b",
    re.IGNORECASE,
)
# what stands inside a town (not a reservoir, a forest or a camp outside it)
_URBAN = re.compile(
    r"\b(?:road|street|avenue|avenida|calle|rue|boulevard|square|plaza|place|stadium|estadio|"
    r"stade|market|mercado|marché|bridge|pont|puente|zone|exchange|court|palace|palacio|palais|"
    r"terminal|station|hospital|school|university|prison|mosque|church|cathedral|embassy|"
    r"ministry|hotel|mall|headquarters|parliament)s?\b",
    re.IGNORECASE,
)
# a named part of a town or municipality, by its own name ("Sitio Lamut", "Colonia Roma")
_QUARTER = re.compile(
    r"(?:sitio|purok|barangay|barrio|colonia|kampung|kelurahan|mohalla|quartier|bairro)\s",
    re.IGNORECASE,
)
# a town's numbered part ("Latifabad Unit 7", "Sector 62", "Block B")
_NUMBERED = re.compile(r"\b(?:unit|sector|block|phase|ward)\s+(?:\d{1,3}|[A-Z])$", re.IGNORECASE)
_ROUTE = re.compile(r"\b(?:highway|motorway|expressway|autoroute|carretera)\b|\w-\w+ road\b", re.I)


_OPENING = re.compile(rf"^\s*(?:In|At|À|En|Dans)\s+(?P<name>{_NAME})\s*,")


def opening(text: str, name: str, anchor: str | None) -> str | None:
    """The town a sentence opens on ("In Lima, …", "À Dakar, …"): where what it tells is."""
    m = _OPENING.match(sentence_of(text, name, anchor))
    return m.group("name") if m and m.group("name") != name else None


def home(text: str) -> list[str]:
    """Where the story was filed: the dateline of one of its first lines ("DHAKA, Nov 6 (…)
    -", "FAISALABAD:"). Not a page's section line ("Le Quotidien de Saint-Louis | Politique
    | Nouakchott"): it names what the story is about as often as where it was written."""
    found: list[str] = []
    for line in text.splitlines()[:6]:
        if m := _DATELINE.match(line.strip()):
            found.append(m.group(1).strip().title())
    return found


def urban(text: str, name: str, anchor: str | None) -> bool:
    """A place in a town, not a village out of it: a landmark that is not a route between
    towns ("Sargodha Road", "the Three Arms Zone", not "the Halsema Highway"), or what
    its sentence calls an area or a neighbourhood ("the Konabari area")."""
    if _URBAN.search(name):
        return not _ROUTE.search(name)
    if _QUARTER.match(name) or _NUMBERED.search(name):
        return True  # "Sitio Lamut", "Latifabad Unit 7": a named part of the town it is in
    spans = _spans(text, name, anchor)
    return bool(spans) and bool(_AREA.match(text[spans[0][1] : spans[0][1] + 20].strip()))
