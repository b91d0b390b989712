"""Which event type a trigger word names: the field's dictionaries, compiled into tables.

Three tables in data/ (NOTICE.md says where each comes from):
- PETRARCH2's CAMEO verb dictionary (`cameo_verbs.tsv`, `cameo_objects.tsv`, compiled by
  _build_tables.py): 1,780 English verbs, each with its CAMEO code, and the codes its
  patterns give for particular objects ("arrange" + "ceasefire" → 0356). The CAMEO root of
  the code is mapped to one of our types by `CAMEO_TYPES` below;
- Phoenix's agent dictionary (`agents.tsv`): 3,277 nouns for kinds of actor ("judge" → JUD,
  "police" → COP), which decide a verb's sense when CAMEO's does not fit the actor ("a judge
  blocked the merger" is a ruling, not a blockade);
- our own `triggers.tsv`: what CAMEO does not code (natural and technological hazards, after
  the EM-DAT / IRDR peril classification; economic and court events; interceptions), event
  nouns ("talks", "ruling", "landslide"), and the French triggers, each given a CAMEO code
  where CAMEO has one, so both languages map through the same roots.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from schemas import EventType

DATA = Path(__file__).resolve().parent / "data"

CAMEO_TYPES: dict[str, EventType | None] = {
    "01": EventType.STATEMENT,  # make public statement
    "02": EventType.STATEMENT,  # appeal
    "03": EventType.STATEMENT,  # express intent to cooperate (a promise, not a deed)
    "04": EventType.DIPLOMACY,  # consult: visits, meetings, calls, negotiations
    "05": EventType.DIPLOMACY,  # engage in diplomatic cooperation
    "051": EventType.STATEMENT,  # praise or endorse
    "052": EventType.STATEMENT,  # defend verbally
    "055": EventType.STATEMENT,  # apologise
    "056": EventType.STATEMENT,  # forgive
    "057": EventType.AGREEMENT,  # sign formal agreement
    "06": EventType.AGREEMENT,  # material cooperation
    "07": EventType.OTHER,  # provide aid
    "08": EventType.POLICY,  # yield: ease restrictions, accede to demands
    "0841": EventType.LEGAL,  # return, release persons
    "087": EventType.AGREEMENT,  # de-escalate: ceasefires, truces
    "09": EventType.LEGAL,  # investigate
    "10": EventType.STATEMENT,  # demand
    "11": EventType.ACCUSATION,  # disapprove: criticise, accuse, denounce
    "115": EventType.LEGAL,  # bring lawsuit against
    "12": EventType.STATEMENT,  # reject
    "13": None,  # threaten: what has not happened is not an event
    "14": EventType.PROTEST,  # protest: demonstrations, strikes, boycotts, riots
    "15": EventType.OTHER,  # exhibit force posture
    "16": EventType.POLICY,  # reduce relations: sanctions, expulsions
    "17": None,  # coerce, unspecified ("forced hospitals to turn away patients")
    "173": EventType.LEGAL,  # arrest, detain
    "174": EventType.LEGAL,  # expel or deport
    "171": EventType.ATTACK,  # seize or damage property
    "172": EventType.POLICY,  # administrative sanctions: bans, curfews, states of emergency
    "175": EventType.ATTACK,  # violent repression
    "18": EventType.ATTACK,  # assault
    "19": EventType.ATTACK,  # fight
    "20": EventType.ATTACK,  # mass violence
}


def cameo_type(code: str) -> EventType | None:
    """Our type for a CAMEO code: the longest prefix `CAMEO_TYPES` knows."""
    for size in range(len(code), 1, -1):
        if code[:size] in CAMEO_TYPES:
            return CAMEO_TYPES[code[:size]]
    return None


@dataclass(frozen=True, slots=True)
class Sense:
    type: EventType
    code: str | None  # the CAMEO code, where CAMEO codes it
    speech: bool  # a verb of saying: the event is the statement, unless it reports a deed


_SPEECH_ROOTS = ("01", "02", "10", "11", "12")
TRUSTED_ROOTS = ("0841", "057", "11", "14", "16", "17", "18", "19", "20")
"""The CAMEO roots whose verb blocks are taken as they are: disapproval, protest, reduced
relations, coercion and violence, the heart of what CAMEO was built to code. The
cooperative and verbal blocks (01–10) are WordNet synonym sets too broad for news on their
own ("dig" → investigate, "buy" → cooperate, "arrive" → consult): for those the words come
from triggers.tsv, coded with the same roots."""


@dataclass(frozen=True, slots=True)
class _Tables:
    verbs: dict[str, tuple[str, str]]  # lemma → (block, default code)
    objects: dict[tuple[str, str], str]  # (block, object lemma) → code
    agents: dict[str, str]  # noun → Phoenix agent code
    ours: dict[tuple[str, str, str], tuple[str, bool]]  # (lang, lemma, pos) → (type|code, speech)


def _rows(name: str) -> Iterable[list[str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if row and not row[0].startswith("#"):
                yield row


@lru_cache(maxsize=1)
def tables() -> _Tables:
    ours: dict[tuple[str, str, str], tuple[str, bool]] = {}
    for lang, lemma, pos, kind, *rest in _rows("triggers.tsv"):
        ours[(lang, lemma, pos)] = (kind, bool(rest and rest[0] == "speech"))
    return _Tables(
        verbs={v: (b, c) for v, b, c in _rows("cameo_verbs.tsv")},
        objects={(b, o): c for b, o, c in _rows("cameo_objects.tsv")},
        agents=dict(_rows("agents.tsv")),
        ours=ours,
    )


def _sense(kind: str, speech: bool) -> Sense | None:
    if kind[:1].isdigit():
        found = cameo_type(kind)
        return Sense(found, kind, speech or kind.startswith(_SPEECH_ROOTS)) if found else None
    return Sense(EventType(kind), None, speech)


def sense(lemma: str, pos: str, language: str, objects: Iterable[str] = ()) -> Sense | None:
    """What a trigger word means, or None when it names no event we code.

    `pos` is "VERB" or "NOUN"; `objects` are the lemmas of its objects and prepositional
    objects, which pick a CAMEO pattern's code over the verb's default."""
    t = tables()
    lemma = lemma.lower()
    own = t.ours.get((language, lemma, pos))
    if own is not None:
        return _sense(*own)
    if language != "en" or pos != "VERB" or lemma not in t.verbs:
        return None
    block, default = t.verbs[lemma]
    for obj in objects:
        code = t.objects.get((block, obj.lower()))
        if code and code.startswith(TRUSTED_ROOTS):
            return _sense(code, False)
    return _sense(default, False) if default and default.startswith(TRUSTED_ROOTS) else None


def agent_code(words: Iterable[str]) -> str | None:
    """Phoenix's code for the kind of actor a phrase names ("federal judge" → JUD)."""
    agents = tables().agents
    for word in words:
        code = agents.get(word.lower())
        if code:
            return code
    return None
