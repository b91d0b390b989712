"""What an article names: people and bodies, places, speakers, dates, numbers.

Pure code over the article's own text. Every value returned is written in the article
(offsets into it), so whatever is built from these mentions passes verification by
construction, and the same lists are the closed choices a model may be offered.

The rules are those of news copy, not of any one article: names are runs of capitalised
words; a place follows a locative word ("in", "over the city of") or heads the dateline; a
speaker stands next to a verb of saying; "Full Name, or ACR," defines an acronym.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from service.grounding.lexicon import SPEECH

# capitals of the Latin alphabets ("SÃO PAULO", "ŁÓDŹ", "ÅRHUS"), Latin-1 and Extended-A
_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĴĶĹĻĽĿŁŃŅŇŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
_TOKEN = rf"(?:(?:[{_UPPER}]\.){{2,}}|[{_UPPER}][\w\-]*(?:[’'][a-rt-z]\w*)?\.?|[{_UPPER}]\.)"
_JOIN = r"(?:\s+(?:of|for|and|the|de|del|la|las|los|y|du|van|von|al|bin)){0,2}\s+"
_NAME = re.compile(rf"(?<![\w’'])(?:{_TOKEN})(?:{_JOIN}(?:{_TOKEN}))*")
_POSSESSIVE = re.compile(r"[’']s?$")

# Capitalised words that begin sentences or are dates, not names.
_NOT_NAMES = frozenset(
    """a an the but and or so yet if as at by in on of to for from with while when where after
    before during elsewhere meanwhile however also still some several many most months weeks
    years days there this that these those it its he she they we our his her their who what
    one two three four five six seven eight nine ten thousands hundreds dozens decenas miles
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december jan feb mar apr jun jul aug
    sept oct nov dec el la los las un una en de del según por para con anoche ayer hoy lunes
    martes miércoles jueves viernes sábado domingo analysis update breaking""".split()
)
_TITLES = frozenset(
    """gov. gov sen. rep. gen. lt. col. sgt. capt. maj. adm. mr. mrs. ms. dr. prof. rev. judge
    president minister secretary governor mayor spokesman spokeswoman spokesperson director
    chief commander foreign defense defence interior justice prime deputy army police
    regional local former state general""".split()
)
_BODY = (
    r"(?:ministry|army|military|forces|government|police|bank|central bank|court|parliament|"
    r"diplomat|president|minister|cabinet|authorities|officials|navy|air force|prosecutors?|"
    r"militia|coalition|administration|council|agency|statistics office)"
)
_BODY_RE = re.compile(rf"(?:\w+\s+){{0,2}}{_BODY}\b", re.IGNORECASE)
_COMMON_ACTORS = re.compile(
    r"(?<!\w)(?:(?:the|a|an)\s+)?(?:group|militia|company|organi[sz]ation|institute|union|"
    r"court|police|prosecutors|parliament|the army|the government|the military|"
    r"rescue teams|protesters|demonstrators|officials|residents|smallholders|strikers|"
    r"lawmakers|the court|investigators|troops|gunmen|"
    r"(?:the\s+)?(?:(?!(?:from|of|to|in|at|by|for|with|and|said|says)\b)[a-z]+\s+){0,2}"
    r"(?:ministry|agency|"
    r"department|service|authorities|office))(?!\w)",
    re.IGNORECASE,
)
_LOCATIVE = re.compile(
    r"(?:(?:regions?|provinces?|cities|towns|villages|areas),\s+$)|"
    r"(?:\b(?:in|over|near|at|outside|across|into|around|through|toward|towards|en|cerca de"
    r"|(?:city|cities|town|towns|village|villages|region|regions|province|provinces|district|"
    r"districts|parts|centre|center|centro|"
    r"outskirts|suburbs|capital|port|island|municipio|comunidad|ciudad|localidad|pueblo|"
    r"barrio|afueras|región|provincia|estado|zona) (?:of|de))"
    r"(?:\s+the)?(?:\s+(?:eastern|western|northern|southern|northeastern|northwestern|"
    r"southeastern|southwestern|central|coastal|border|capital|port|nearby|southern|el))?"
    r"\s+)$",
    re.IGNORECASE,
)
_PLACE_AFTER = re.compile(
    r"^\s+(?:region|province|oblast|district|county|state|valley|river|reservoir)\b",
    re.IGNORECASE,
)
_ORG_WORDS = re.compile(
    r"\b(?:ministry|court|bank|union|association|council|agency|party|alliance|commission|"
    r"institute|assembly|observatory|bureau|directorate|service|committee|organisation|"
    r"organization|company|group|forces|army|police|government|agency|sindicato|consejo|"
    r"delegación|palace|secretary|minister|president|state)\b",
    re.IGNORECASE,
)
# "Ukrainian border", "Russian refineries": a people's adjective, not a place.
_DEMONYM = re.compile(
    r"(?:ian|ean|ese|ish|ic|an|i)\s+(?!(?:and|or|on|in|at|to|for|with|from|by|late|early|last"
    r"|this|was|were|is|has|had|said|says|y|el|la|en|de)\b)[a-z]"
)
# "KYIV, Ukraine (AP) —", "PESHAWAR, Pakistan, Jan 14 (AFP) -", "BAGHDAD —",
# "SANTIAGO, Jan 31 (Andes Markets Report) —"
_DATELINE = re.compile(
    rf"\s*(?P<place>[{_UPPER}][{_UPPER}\s.’']+?)\s*(?:,\s*(?P<rest>[^—–\n(]*?))?\s*"
    r"(?:\([^()\n]{1,40}\))?\s*(?:—|–|-)\s+"
)
_ACRONYM = re.compile(rf"(?P<full>{_NAME.pattern}),?\s+(?:or|\()\s*(?P<short>[A-Z]{{2,6}})\b")
_BRACKETED = re.compile(
    rf"(?P<full>[{_UPPER}][\w’'\-]*(?:\s+(?:(?:of|for|and|the|on|de|du|des|la|le|el|y|del)\s+)*"
    rf"[{_UPPER}][\w’'\-]*)+)\s*\(\s*(?P<short>[A-Z][A-Za-z]{{1,11}})\s*\)"
)
_PRONOUN_SPEAKER = re.compile(r"^(?:he|she|they|it)$", re.IGNORECASE)
# "the group said": a body named only by its kind stands for the organisation named last.
GENERIC = re.compile(
    r"^(?:(?:the|a|an)\s+)?(?:group|militia|company|organi[sz]ation|agency|institute|bank|union)$",
    re.IGNORECASE,
)


def is_organisation(name: str) -> bool:
    return bool(_ORG_WORDS.search(name)) or (name.isupper() and 2 <= len(name) <= 6)


@dataclass(frozen=True, slots=True)
class Mention:
    text: str
    start: int  # offsets into the article
    end: int


_LEADING_WORD = re.compile(r"(\S+)\s+")


def _clean(text: str, start: int) -> Mention | None:
    """A name without leading sentence words or a trailing possessive, or None."""
    while (m := _LEADING_WORD.match(text)) and m.group(1).lower().strip("’'") in _NOT_NAMES:
        text, start = text[m.end() :], start + m.end()
    text = _POSSESSIVE.sub("", text)
    if not text.endswith(("U.S.", "U.N.", "U.K.", "E.U.")):
        text = text.rstrip(".")
    if not text or text.lower() in _NOT_NAMES or not text[0].isupper():
        return None
    return Mention(text, start, start + len(text))


_AND = re.compile(r"\s+(?:and|y)\s+")


def _split_lists(text: str, start: int) -> list[tuple[str, int]]:
    """ "Bryansk and Rostov" is two names; "Institute of Meteorology and Hydrology" is one."""
    parts: list[tuple[str, int]] = []
    last = 0
    for m in _AND.finditer(text):
        left, right = text[last : m.start()], text[m.end() :]
        if " of " in f" {left} " and " " not in right.strip():
            continue
        parts.append((left, start + last))
        last = m.end()
    parts.append((text[last:], start + last))
    return parts


def names(text: str, offset: int = 0) -> list[Mention]:
    """Capitalised phrases, possessives dropped ("Russia’s" → "Russia"), lists split,
    sentence-initial words and dates left out."""
    found = []
    for m in _NAME.finditer(text):
        for part, start in _split_lists(m.group(), m.start()):
            mention = _clean(part, start)
            if mention is not None and offset:
                mention = Mention(mention.text, offset + mention.start, offset + mention.end)
            if mention is not None:
                found.append(mention)
    return found


def bare_name(name: str) -> str:
    """A name without the titles in front of it: "regional Gov. Alexander Gusev" → "Alexander
    Gusev"; a name that is all title ("Foreign Minister") is kept."""
    words = name.split()
    i = 0
    while i < len(words) - 1 and words[i].lower() in _TITLES:
        i += 1
    return " ".join(words[i:])


def places(text: str, offset: int = 0) -> list[Mention]:
    """Names that follow a locative word or precede "region"/"province", organisations and
    people's titles left out."""
    found = []
    for mention in names(text):
        local = mention.start
        before = text[max(0, local - 60) : local]
        after = text[mention.end : mention.end + 20]
        if not (_LOCATIVE.search(before) or _PLACE_AFTER.search(after)):
            continue
        if _ORG_WORDS.search(mention.text) or _DEMONYM.search(mention.text + after):
            continue
        found.append(Mention(mention.text, offset + mention.start, offset + mention.end))
    return found


_HEADING = re.compile(r"[^\n]{1,160}\n+")


def _dateline(text: str) -> re.Match[str] | None:
    """The dateline that opens the copy: at the very start, or after the headline and byline
    lines a page puts above it (lines without a full stop)."""
    pos = 0
    for _ in range(4):
        found = _DATELINE.match(text, pos)
        if found is not None:
            return found
        line = _HEADING.match(text, pos)
        if line is None or line.group().rstrip().endswith((".", "”", '"', "?", "!")):
            return None
        pos = line.end()
    return None


def dateline_end(text: str) -> int:
    """Where the copy starts after a dateline ("KYIV, Ukraine (AP) — "), 0 without one."""
    m = _dateline(text)
    return 0 if m is None else m.end()


def dateline_places(text: str) -> list[str]:
    """ "KYIV, Ukraine (AP) —" → ["Kyiv", "Ukraine"]: where the story was filed."""
    m = _dateline(text)
    if m is None:
        return []
    found = [m["place"].strip().title()]
    # "Pakistan, Jan 14": the filing day is not a place
    rest = ", ".join(p.strip() for p in (m["rest"] or "").split(",") if not re.search(r"\d", p))
    if rest and rest[0].isupper() and len(rest) < 40:
        found.append(rest)
    return found


def acronyms(text: str) -> dict[str, str]:
    """ "Union for the Defence of Djugu, or UDD" → {"UDD": "Union for the Defence of Djugu"};
    "the National Economic Prosecutor's Office (FNE)" too: an acronym may be in another
    language, so only a capital initial is asked of the name, and for a parenthesis not even
    that."""
    found: dict[str, str] = {}
    for m in _ACRONYM.finditer(text):
        full = _clean(m["full"], 0)
        if full is not None and full.text.split()[0][0] == m["short"][0]:
            found[m["short"]] = full.text
    for m in _BRACKETED.finditer(text):
        full = _clean(m["full"], 0)
        if full is None:
            continue
        words = full.text.split()
        # "Fighters of the Rapid Support Forces (RSF)": the name starts at the acronym's letter
        starts = [i for i, w in enumerate(words) if w[0] == m["short"][0]]
        name = " ".join(words[starts[0] :] if starts else words)
        if len(name.split()) >= 2:
            found.setdefault(m["short"], name)
    for m in _PARENTHESISED.finditer(text):
        initialled = _initialled(text[: m.start()], m["short"])
        if m["short"] not in found and initialled is not None:
            found[m["short"]] = initialled
    return found


_PARENTHESISED = re.compile(r"\s*\(\s*(?P<short>[A-Z][A-Za-z]{1,11})\s*\)")
_LINKS = frozenset(
    {"of", "for", "and", "the", "on", "in", "de", "du", "des", "d", "la", "le", "les", "l",
     "el", "los", "las", "y", "del", "et", "à", "au", "aux"}
)  # fmt: skip
_WORD_BACK = re.compile(r"[\w’'\-]+$")


def _initialled(before: str, short: str) -> str | None:
    """The words before "(CSES)" whose initials spell it, small words skipped, whatever
    their case: "Coordination des syndicats d'enseignants du Sénégal (CSES)"."""
    letters = short.upper()
    end = len(before)
    cut = end
    while letters:
        word = _WORD_BACK.search(before[:cut].rstrip())
        if word is None:
            return None
        cut = word.start()
        bare = re.sub(r"^[dl][’']", "", word.group(), flags=re.IGNORECASE)
        if bare.lower() in _LINKS or not bare:
            if len(before[cut:end].split()) > 3 * len(short):
                return None
            continue
        if bare[0].upper() != letters[-1]:
            return None
        letters = letters[:-1]
        if re.match(r"[dl][’']", word.group(), re.IGNORECASE):
            cut = word.start() + 2
    name = before[cut:end].strip()
    return name if len(name.split()) >= 2 and name[0].isupper() else None


_POSSESSIVE_S = re.compile(r"[’']s\s+")


def bodies(text: str, offset: int = 0) -> list[Mention]:
    """Actors written in lower case: "police", "Russia’s defense ministry", "the army"."""
    return _bodies(text, names(text), offset)


def _bodies(text: str, named: list[Mention], offset: int = 0) -> list[Mention]:
    """`bodies`, given the text's `names` (at offset 0)."""
    found = [
        Mention(m.group(), offset + m.start(), offset + m.end())
        for m in _COMMON_ACTORS.finditer(text)
    ]
    for name in named:
        poss = _POSSESSIVE_S.match(text, name.end)
        if poss and (body := _BODY_RE.match(text, poss.end())):
            end = body.end()
            found.append(Mention(text[name.start : end], offset + name.start, offset + end))
    return found


def actors(text: str) -> list[Mention]:
    """Names and bodies outside the dateline; a body that overlaps a name without holding it
    whole ("the Ministry" of "Ministry of Social Affairs") gives way to the name. A capital
    that opens a sentence stays a name ("Gunmen attacked…", and, wrongly, "Annual inflation
    rose…"): measured on the gold sets, dropping them lost more initiators than it saved."""
    return list(_actors(text))


@lru_cache(maxsize=512)
def _actors(text: str) -> tuple[Mention, ...]:
    """`actors`, kept for recent sentences: the closed choices, the staged rules and
    `speakers` all ask for the actors of the same sentences (mentions are immutable)."""
    start = dateline_end(text)
    every = names(text)
    named = [n for n in every if n.start >= start]
    kept = [
        b
        for b in _bodies(text, every)
        if b.start >= start
        and not any(
            b.start < n.end and n.start < b.end and not (b.start <= n.start and n.end <= b.end)
            for n in named
        )
    ]
    return (*named, *kept)


_PRONOUN_BEFORE = re.compile(r"(?<!\w)(he|she|they)\s+$", re.IGNORECASE)
_QUOTE_CLOSED = re.compile(r"[,”\"]\s*$")
_ACCORDING_TO = re.compile(r"according to\s+", re.IGNORECASE)


def speakers(text: str, offset: int = 0) -> list[Mention]:
    """Who a sentence says is speaking: the name or body right before a verb of saying, or
    right after one ("said Gov. X"), or after "according to"."""
    found: list[Mention] = []
    candidates = _actors(text)
    for verb in SPEECH.finditer(text):
        before = [c for c in candidates if 0 <= verb.start() - c.end <= 3]
        after = [c for c in candidates if 0 <= c.start - verb.end() <= 1]
        pronoun = _PRONOUN_BEFORE.search(text[: verb.start()])
        if before:
            found.append(max(before, key=lambda c: c.end - c.start))
        elif after and _QUOTE_CLOSED.search(text[: verb.start()]):  # "…,” said Gov. X"
            found.append(after[0])
        elif pronoun:
            found.append(Mention(pronoun.group(1), pronoun.start(1), pronoun.end(1)))
    for m in _ACCORDING_TO.finditer(text):
        after = [c for c in candidates if 0 <= c.start - m.end() <= 4]
        if after:
            found.append(after[0])
    return [Mention(s.text, offset + s.start, offset + s.end) for s in found]


def is_pronoun(mention: Mention) -> bool:
    return _PRONOUN_SPEAKER.match(mention.text) is not None
