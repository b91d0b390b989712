"""What a trigger word means where it stands: its sense from the field's dictionaries
(service/nlp/dictionary.py), turned by its objects, its subject and its particles ("went on
strike", "landslides blocked the highway", "announced it would pay a subsidy"), and whether
deaths told are an event of their own or their cause's.

service/nlp/events.py reads a sentence's triggers with these and fills their slots.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from schemas import EventType
from service.nlp import _words as w
from service.nlp import clauses as c
from service.nlp.dictionary import Sense, agent_code, sense, tables
from service.nlp.phrases import phrase

if TYPE_CHECKING:
    from spacy.tokens import Token

_PARTICLES = frozenset({"back", "out", "off", "up", "down", "away", "in", "over"})


def _lemmas(tokens: list[Token]) -> set[str]:
    return {t.lemma_.lower() for t in tokens}


def noun_sense(token: Token, language: str) -> Sense | None:
    modifiers = _lemmas([t for t in token.children if t.dep_ in ("compound", "amod", "nmod")])
    modifiers |= {t.lower_ for t in token.children if t.dep_ in ("compound", "amod", "nummod")}
    if token.lemma_.lower() in w.ALERTS:
        # "an emergency warning was issued": a directive; "a red warning for rain" is words
        official = modifiers & w.ALERT_KINDS
        return Sense(EventType.POLICY, None, False) if official else None
    if token.lemma_.lower() in ("order", "ordre", "arrêté"):
        if modifiers & w.ORDERS_OF_COURT:
            return Sense(EventType.LEGAL, "17", False)
        return Sense(EventType.POLICY, None, False) if modifiers & w.ORDERS else None
    found = sense(token.lemma_, "NOUN", language)
    if found is None:
        return None
    if modifiers & w.HAZARD_MODIFIERS:
        return Sense(EventType.DISASTER, None, False)
    if token.lemma_.lower() == "strike" and (
        modifiers & w.LABOUR
        or any(t.lower_.endswith(("-hour", "-day", "-week")) for t in token.subtree)
        or (token.head.lower_ == "on" and token.dep_ == "pobj")
        or (token.dep_ in ("dobj", "obj") and token.head.lemma_.lower() in w.STRIKE_CALLS)
    ):
        return Sense(EventType.PROTEST, "143", False)
    if found.type is EventType.DISASTER and modifiers & w.WEAPONS:
        return Sense(EventType.ATTACK, "183", False)
    return found


def verb_sense(token: Token, language: str) -> Sense | None:
    lemma = token.lemma_.lower()
    objects = c.objects(token)
    object_lemmas = _lemmas(objects)
    particles = {t.lower_ for t in token.children if t.dep_ == "prt"}
    if lemma == "shoot" and "down" in particles:
        return Sense(EventType.INTERCEPTION, None, False)
    if lemma in w.LAUNCH and object_lemmas & w.PROJECTILES:
        return Sense(EventType.ATTACK, "195", False)  # "fired 40 missiles at Kyiv", not a downing
    if lemma in w.RATE_VERBS and object_lemmas & w.RATES:
        return Sense(EventType.ECONOMIC, None, False)
    if lemma == "win" and object_lemmas & w.POLLS:
        return Sense(EventType.POLICY, None, False)
    if lemma == "lay" and "off" in particles:
        return Sense(EventType.ECONOMIC, None, False)
    if lemma in w.BLOCKADE and object_lemmas & w.ROADS:
        blocker = c.subject(token)
        if blocker is not None and hazard(blocker, language):
            return Sense(EventType.INFRASTRUCTURE_DAMAGE, None, False)  # "landslides blocked"
        return Sense(EventType.PROTEST, "1413", False)  # "smallholders blocked the road"
    exits = particles | {t.lower_ for t in token.children if t.dep_ == "prep"}
    if lemma == "call" and exits & {"for", "on"}:
        return Sense(EventType.STATEMENT, "02", True)  # an appeal, not a phone call
    if lemma == "walk" and exits & {"off", "out"}:
        return Sense(EventType.PROTEST, "143", False)  # "walked off the job", "walked out"
    if lemma in w.ADOPT and object_lemmas & w.RULES:
        # "the cabinet approved a plan", "Congress rejected the proposed budget": a rule made
        # or unmade is a decision, not words
        return Sense(EventType.POLICY, "172", False)
    if lemma in w.DECLARE:
        # "declared a state of emergency", "announced a ban", "ordered the evacuation"
        for noun in [n for obj in objects for n in c.nouns_of(obj)]:
            own = noun_sense(noun, language) if noun.pos_ == "NOUN" else None
            if own is not None and own.type in _DECLARED:
                return own
    if lemma in w.UNDO and object_lemmas & w.CONTRACTS:
        return Sense(EventType.ECONOMIC, None, False)
    decided = _decided(token) if lemma in w.MAKE_KNOWN else None
    if decided is not None:
        # what it will do says what was decided: "announced that they would meet again"
        own = sense(decided.lemma_, "VERB", language)
        return own if own is not None and not own.speech else Sense(EventType.POLICY, None, False)
    doer_word = c.subject(token)
    if lemma in w.MARKET_MOVES and doer_word is not None and doer_word.lemma_.lower() in w.MARKETS:
        return Sense(EventType.ECONOMIC, None, False)  # "the peso strengthened 1.4%"
    if lemma in ("open", "ouvrir", "abrir") and object_lemmas & {"fire", "feu", "fuego"}:
        return Sense(EventType.ATTACK, "190", False)  # "police opened fire", not a blaze
    if lemma in w.LIGHT:
        # "went on strike", "carried out an attack", "held talks", "protests broke out"
        doer = c.subject(token)
        for noun in [*objects, *([doer] if doer is not None else [])]:
            own = noun_sense(noun, language) if noun.pos_ == "NOUN" else None
            if own is not None:
                return own
        return None
    if lemma in w.NEEDS_OBJECT:
        # "signed an agreement" is one; "a statement signed by its spokesman" is not
        for noun in objects:
            own = noun_sense(noun, language) if noun.pos_ == "NOUN" else None
            if own is not None and own.type is w.NEEDS_OBJECT[lemma]:
                return own
        return None
    if lemma in w.RESCUE and exits & {"from", "out"}:
        return None  # "seventy people were pulled from the water": a rescue, nobody attacked
    if lemma in w.LEAVE and (
        (subject := c.subject(token)) is not None and subject.lemma_.lower() in w.PEOPLE
    ):
        return Sense(EventType.OTHER, None, False)  # "6,000 people have left Mirebalais"
    if lemma in w.VISIT and object_lemmas & w.FACILITIES:
        return None  # "visited the evacuation centre": a leader among their own, no diplomacy
    if lemma in w.TRAVEL:
        doer = c.subject(token)
        if doer is not None and doer.ent_type_ in ("PERSON", "PER"):
            return Sense(EventType.DIPLOMACY, "042", False)  # "Bennani, who arrived in Lisbon"
        return None
    if lemma in w.PUBLISH and (
        object_lemmas & w.DOCUMENTS
        or (token.dep_ in ("acl", "relcl", "acl:relcl") and token.head.lemma_ in w.DOCUMENTS)
    ):
        return None  # "a report released on Wednesday": a document put out, nobody freed
    phrasal = _phrasal(token, lemma)
    found = sense(phrasal or lemma, "VERB", language, [t.lemma_ for t in objects])
    doer = c.subject(token)
    if found is not None and found.type is EventType.ATTACK and object_lemmas & w.PROJECTILES:
        return Sense(EventType.INTERCEPTION, None, False)  # "destroyed 44 drones"
    # "floods destroyed…", "Typhoon Kalmaegi slammed into…, killing 26", "a bus plunged into a
    # gorge, killing 22": nobody attacked
    told_by = token.head if doer is None and token.dep_ == "advcl" else None
    cause = doer if told_by is None else c.subject(told_by)
    if found is not None and found.type is EventType.ATTACK and _nobody(cause, told_by, language):
        return Sense(EventType.DISASTER, None, False)
    if doer is not None and not found_is_speech(found):
        # what a happening did names the happening: "floods killed", "talks collapsed"
        own = noun_sense(doer, language) if doer.pos_ == "NOUN" else None
        if own is not None and not own.speech:
            return own
        if lemma in w.WEAK and doer.lemma_.lower() not in w.WEAPONS | w.PROJECTILES:
            # "a magnitude 6.1 earthquake struck": the happening may sit below the head (not
            # in a weapon's name: "Storm Shadow missiles struck")
            for word in doer.subtree:  # "Typhoon Nakri tore across…", a name's own noun
                own = noun_sense(word, language) if word.pos_ in ("NOUN", "PROPN") else None
                if own is not None and not own.speech:
                    return own
        if lemma in {"explode", "detonate", "exploser"} and doer.lemma_.lower() in w.WEAPONS:
            return Sense(EventType.ATTACK, "183", False)
        kind = agent_code([*phrase(doer).split()[-1:], doer.lemma_])
        if kind in w.COURT_CODES:
            return Sense(EventType.LEGAL, "17", False)
        if kind in w.POLICE_CODES and lemma in w.POLICE_LEGAL:
            return Sense(EventType.LEGAL, "173", False)
    if found is not None and found.type is EventType.ATTACK and object_lemmas & w.CROWDS:
        return Sense(EventType.PROTEST, "145", False)
    if (
        found is not None
        and found.type is EventType.DISASTER
        and objects
        and doer is not None
        and can_act(doer)
        and not hazard(doer, language)
    ):
        return Sense(EventType.ATTACK, "180", False)  # "soldiers burned 30 homes": arson
    if (
        found is not None
        and found.type is EventType.ATTACK
        and doer is not None
        and doer.lemma_.lower() in w.MARKETS | w.ABSTRACT
    ):
        return None  # "high borrowing costs were hurting businesses": a figure of speech
    return found


def _nobody(cause: Token | None, told_by: Token | None, language: str) -> bool:
    """Harm that a hazard did, or that an accident its deaths are told with did."""
    return (cause is not None and hazard(cause, language)) or (
        told_by is not None and told_by.lemma_.lower() in w.ACCIDENTS
    )


_DECLARED = frozenset({EventType.POLICY, EventType.AGREEMENT, EventType.ECONOMIC})


def _decided(token: Token) -> Token | None:
    """What a body announces it will do ("the government announced it would pay a one-off
    subsidy"): the decision is the event. A person's plans stay words ("she said she would")."""
    doer = c.subject(token)
    if doer is None or doer.ent_type_ in ("PERSON", "PER") or doer.pos_ == "PRON":
        return None
    return next(
        (
            child
            for child in token.children
            if child.dep_ in ("ccomp", "xcomp")
            and any(t.lower_ in w.FUTURE or t.lemma_ in w.FUTURE for t in child.children)
        ),
        None,
    )


def hazard(token: Token, language: str) -> bool:
    """A flood, a landslide, a fire, a named storm ("Typhoon Kalmaegi", "Hurricane Melissa",
    by the kind word its name opens on): what did it, but nobody ("Landslides" read as a
    name). Only storms are named so: "the Fire Department" is a body."""
    if token.pos_ == "PROPN" and any(
        t.dep_ == "compound" and t.lower_ in w.STORM_KINDS for t in token.children
    ):
        return True
    words = {token.lemma_, token.lower_, token.lower_.removesuffix("s")}
    return any(
        (found := sense(word, "NOUN", language)) is not None and found.type is EventType.DISASTER
        for word in words
    )


def _phrasal(token: Token, lemma: str) -> str | None:
    """The phrasal verb CAMEO codes apart ("pulled back" is a retreat, not "pull", an
    extraction), when the particle follows the verb."""
    for child in token.rights:
        if child.dep_ in ("prt", "advmod", "compound:prt") and child.lower_ in _PARTICLES:
            phrase = f"{lemma} {child.lower_}"
            return phrase if phrase in tables().verbs else None
    return None


def found_is_speech(found: Sense | None) -> bool:
    return found is not None and found.speech


def _objects_of(token: Token) -> list[Token]:
    return [t for t in token.children if t.dep_ in c.OBJECTS]


def _dated(token: Token) -> bool:
    return any(t.ent_type_ == "DATE" for t in token.subtree)


def harm_told(token: Token) -> bool:
    """Deaths or injuries told of the harmed ("six people died", "23 injured", "were
    killed", "each worker killed"), not an act with its victim as object."""
    lemma = token.lemma_.lower()
    return lemma in w.CASUALTIES or (
        lemma in w.HARMED
        and (
            c.passive(token)
            or not _objects_of(token)
            or (token.dep_ == "acl" and token.tag_ == "VBN")
        )
    )


def casualty(
    token: Token, found: Sense, senses: list[tuple[Token, Sense]]
) -> tuple[Token, Sense] | None:
    """Deaths told with their cause below them ("six people died … after a ferry capsized
    late on Saturday", "were killed in clashes") are the cause's: its trigger is the event
    when it has a date of its own, else the deaths keep the date and take the cause's type."""
    if not harm_told(token):
        return token, found
    if token.dep_ in ("acl", "amod") and token.head.pos_ == "NOUN":
        return None  # "for the family of each worker killed": who, not what happened
    if token.dep_ in c.OBJECTS | c.SUBJECTS | {"pobj", "obl", "nmod"}:
        return None  # "visited the injured", "six of the injured": people, not a happening
    below = {t.i for t in token.subtree}
    causes = [
        (t, s)
        for t, s in senses
        if t.i != token.i
        and t.i in below
        and not s.speech
        and s.type not in (found.type, EventType.OTHER)  # fleeing is no cause of deaths
    ]
    # the cause its own words date, if any ("une attaque lancée dans la nuit de mercredi…")
    cause = next((p for p in causes if _dated(p[0])), causes[0] if causes else None)
    if cause is None:
        return token, found
    if _dated(cause[0]):
        return None
    return token, cause[1]


def initials(token: Token) -> bool:
    return token.text.isupper() and len(token.text) >= 2  # "la PNH", read as a noun


def can_act(token: Token) -> bool:
    """Whether a word can name a doer: a person, a body, a country, or a kind of actor."""
    return token.ent_type_ in ("PERSON", "PER", "ORG", "NORP", "GPE") or (
        agent_code([token.lemma_]) is not None
    )
