"""One sentence read by code: its main trigger, dates, places, speaker, agent and numbers.

The pieces candidates are built from (service/grounding/candidates.py). Every string here
is a slice of the sentence, so it is written in the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from schemas import EventType
from service.grounding import mentions as m
from service.grounding._counts import numbers
from service.grounding.anchored import anchored_offset
from service.grounding.dates import find_date_phrases
from service.grounding.lexicon import ANNOUNCED, Trigger, triggers
from service.grounding.text import Sentence
from service.nlp.events import Found, instrument, speaker
from service.nlp.events import read as events_in

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_QUOTED = re.compile(r"[“\"][^”\"]*[”\"]?")
_OWN_FORCES = re.compile(
    r"\b(?:its|their|our)\s+(?:\w+\s+)?(?:forces|defen[cs]es|fighters|troops|units|military|army)\b",
    re.I,
)
_RESPONSE = re.compile(r"(?:evacu|évacu|rescu)", re.IGNORECASE)
_BY_AGENT = re.compile(r"\bby\s+$", re.I)


@dataclass(slots=True)
class SentenceFacts:
    sentence: Sentence
    main: Trigger | None = None
    event_date: str | None = None  # a date phrase the happening is dated by
    report_date: str | None = None  # a date phrase next to a verb of saying
    places: list[str] = field(default_factory=list)
    speaker: str | None = None
    agent: str | None = None
    agent_is_speaker: bool = False
    quantities: list[tuple[float, str]] = field(default_factory=list)
    killed: int | None = None
    injured: int | None = None
    heading: bool = False
    inside_quote: bool = False
    attacker: str | None = None  # who the parse says attacked, whatever the main happening
    # "Police have arrested two men after residents blocked the road early this evening": a
    # happening of its own, done by someone named, that the dated one hangs from
    governing: Found | None = None
    passive: bool = False  # the parse reads the happening in the passive, with no agent


def _outside_quotes(text: str, trigger: Trigger) -> bool:
    return not any(q.start() <= trigger.start < q.end() for q in _QUOTED.finditer(text))


# "will arrive on Thursday", "is due to travel to Brussels on Thursday": not yet happened.
_FUTURE = re.compile(
    r"\b(?:will|would|is due to|are due to|(?:is|are) expected to|plans? to|scheduled to)\b"
    r"[^,;.]{0,50}$",
    re.IGNORECASE,
)
_REPORTED = re.compile(
    r"(?:said|says|told|reported|announced|stated|added|confirmed|claimed|statement|dijo|"
    r"afirm[óo]|anunci[óo]|indiqué|annoncé|déclaré|affirmé|dit|précisé|expliqué|confirmé|"
    r"estimé|assuré)\b[^,;.“”]{0,40}$",
    re.IGNORECASE,
)


def _happenings(text: str, found: list[Trigger]) -> list[Trigger]:
    """Triggers of a happening the sentence reports (not one a quotation claims)."""
    return [t for t in found if not t.speech and _outside_quotes(text, t)]


def _dates(text: str, found: list[Trigger]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(event dates, report dates) as offsets. A date right after a verb of saying ("said
    Sunday", "said in a statement on X late Saturday") dates the report; so does every date
    of a sentence that reports no happening. The rest date the happening."""
    events, reports = [], []
    happens = bool(_happenings(text, found))
    for start, end in find_date_phrases(text):
        said = _REPORTED.search(text, max(0, start - 60), start)
        if said and any(said.start() < t.start < start for t in found if not t.speech):
            said = None  # "said Russia’s attack on Friday": the date is the attack's
        if _FUTURE.search(text, max(0, start - 60), start):
            continue
        if not happens or said:
            reports.append((start, end))
        else:
            events.append((start, end))
    return events, reports


def _main_trigger(text: str, found: list[Trigger], events: list[tuple[int, int]]) -> Trigger | None:
    """The happening nearest the date that dates it; without one, the most specific
    happening (`triggers` lists them in order of precedence) or else the saying."""
    happenings = _happenings(text, found)
    if events and happenings:
        start, end = events[0]
        return min(happenings, key=lambda t: min(abs(t.start - end), abs(start - t.end)))
    if happenings:
        return happenings[0]
    speech = [t for t in found if t.speech]
    return speech[0] if speech else None


def _agent(text: str, trigger: Trigger, actors: list[m.Mention]) -> str | None:
    """Who did it: a "by X" after the trigger, else the sentence's subject, i.e. the first
    actor before the trigger ("Ukrainian strikes", "parliament on Wednesday passed")."""
    after = [
        a
        for a in actors
        if 0 <= a.start - trigger.end <= 25 and _BY_AGENT.search(text[trigger.end : a.start])
    ]
    if after:
        return after[0].text
    before = [a for a in actors if a.end <= trigger.start and _outside_quotes_at(text, a.start)]
    ordered = sorted(before, key=lambda a: -a.end)
    for n, actor in enumerate(ordered):
        # "Russia’s mass drone and missile strikes", "Ukrainian strikes": whose attack it is
        between = text[actor.end : trigger.start]
        if n == 0 and _SET_OFF.fullmatch(between) and text[: actor.start].rstrip().endswith(","):
            return actor.text  # "El alcalde de Chivay, Edwin Quispe, denunció": the name set off
        if _MODIFIES.fullmatch(between):
            # "la Guardia Nacional y la Fiscalía detuvieron": the first of the two
            earlier = ordered[n + 1] if n + 1 < len(ordered) else None
            if earlier is not None and _AND.fullmatch(text[earlier.end : actor.start]):
                return earlier.text
            return actor.text
    return _first(before)


_SET_OFF = re.compile(r",\s+")
_AND = re.compile(r"\s+(?:and|y|et|e)\s+(?:(?:de|of)\s+)?(?:(?:the|la|el|los|las|le|les)\s+)?")


# what stands between "Russia" and "strikes" in "Russia’s mass drone and missile strikes"
_MODIFIES = re.compile(r"(?:[’']s)?(?:\s+(?:[a-z\-]+|and))*\s+", re.UNICODE)


def _first(actors: list[m.Mention]) -> str | None:
    """The earliest actor; of two that start together, the longer ("Russia’s top diplomat"
    over "Russia")."""
    return min(actors, key=lambda a: (a.start, a.start - a.end)).text if actors else None


def _outside_quotes_at(text: str, offset: int) -> bool:
    return not any(q.start() <= offset < q.end() for q in _QUOTED.finditer(text))


def sentence_facts(
    sentence: Sentence,
    acronyms: dict[str, str],
    article_names: set[str],
    place_names: set[str],
    doc: Doc | None = None,
) -> SentenceFacts:
    """What code reads in one sentence; with its parse (`doc`), the trigger, its type, who
    did it and where come from syntax (service/nlp/events.py), else from the word rules."""
    text = sentence.text
    read = events_in(doc, doc.lang_) if doc is not None else None
    if not read:
        read = None  # nothing the dictionaries know: the word rules may still find one
    found = triggers(text) if read is None else _as_triggers(read, text)
    events, reports = _dates(text, found)
    main = (
        _main_trigger(text, found, events)
        if read is None or doc is None
        else _dated_trigger(text, found, read, doc, events, reports)
    )
    facts = SentenceFacts(sentence=sentence, main=main)
    facts.heading = (
        not text.rstrip().endswith((".", "”", '"', "?", "!", "’", ")")) and len(text) < 90
    )
    facts.event_date = text[slice(*events[0])] if events else None
    facts.report_date = text[slice(*reports[0])] if reports else None
    local_places = m.places(text)
    facts.places = [p.text for p in local_places]
    spans = {(p.start, p.end) for p in local_places}
    actors = [
        _country(a, article_names) if a.text in article_names or " " not in a.text else a
        for a in m.actors(text)
        if (a.start, a.end) not in spans
    ]
    if doc is None:
        # without a parse, a capital at the sentence's start is only a name if the article
        # writes it so elsewhere ("Cinco policías murieron", "Horas después")
        word = re.search(r"\w", text)
        lead = word.start() if word else 0
        actors = [a for a in actors if a.start != lead or " " in a.text or a.text in article_names]
    speakers = m.speakers(text)
    facts.speaker = speakers[0].text if speakers else _subject_of_saying(text, found, actors)
    if read is not None and doc is not None:
        _from_syntax(facts, read, doc, article_names)
        facts.attacker = next(
            (
                f.initiator
                for f in read
                if f.type is EventType.ATTACK and not f.speech and f.initiator
            ),
            None,
        )
    main = facts.main
    if main is not None and not main.speech and main.type in ANNOUNCED and facts.agent is None:
        facts.agent = facts.speaker  # "the minister announced that strike days would be…"
    if (
        facts.agent is None
        and main is not None
        and not main.speech
        and not facts.passive  # "four farmers were detained, the ministry said": not by it
        and (doc is None or doc.lang_ == "en")  # its name finder reads English capitals
    ):
        # the word rules: a "by X" after the trigger, or the actor written before it; with a
        # parse, only a name it agrees is one ("Among the deadliest…" is not), and not a
        # place ("in Kani township") or a weapon ("Drones struck")
        agent = _agent(text, main, actors)
        if agent is not None and (
            doc is None
            or (
                _named_in(doc, text, agent)
                and not any(agent in place for place in facts.places)  # "in Kani township"
                and not instrument(agent)
            )
        ):
            facts.agent = agent
    if (
        main is not None
        and main.type is EventType.DISASTER
        and not _RESPONSE.match(text[main.start : main.end])
    ):
        facts.agent = None  # a flood or a landslide has no initiator; an evacuation has
    if facts.main is not None and not facts.main.speech:
        facts.agent_is_speaker = facts.agent is None and (
            facts.agent_is_speaker or bool(_OWN_FORCES.search(text))
        )
    skip = find_date_phrases(text)
    facts.quantities, facts.killed, facts.injured = numbers(text, skip)
    return facts


def _named_in(doc: Doc, text: str, name: str) -> bool:
    """Whether the parse reads the name's words as a proper name or an entity."""
    at = text.find(name)
    span = doc.char_span(at, at + len(name), alignment_mode="expand") if at >= 0 else None
    return span is not None and any(t.pos_ == "PROPN" or t.ent_type_ for t in span)


def _as_triggers(read: list[Found], text: str) -> list[Trigger]:
    return [Trigger(f.type, f.start, f.end, f.speech) for f in read]


def _dated_trigger(
    text: str,
    found: list[Trigger],
    read: list[Found],
    doc: Doc,
    events: list[tuple[int, int]],
    reports: list[tuple[int, int]],
) -> Trigger | None:
    """The happening the date phrase hangs from in the parse ("…, meeting on Tuesday,
    approved a plan": the approval), else the one nearest the root; a saying outside quotes
    only when nothing happened."""
    # "The day after the pact was signed, …": the signing is what the date is told
    # against, not the event it dates
    anchors = [
        (end, comma if (comma := text.find(",", end)) >= 0 else len(text))
        for start, end in (*events, *reports)
        if anchored_offset(text[start:end]) is not None
    ]
    happenings = [
        t for t in _happenings(text, found) if not any(a <= t.start < b for a, b in anchors)
    ]
    starts = {t.start: t for t in happenings}
    accusing = {f.start: f for f in read if f.speech and f.type is EventType.ACCUSATION}
    heard = {f.start: f for f in read if f.reported}
    told = [t for t in happenings if t.start in heard]
    if told and reports and events and _below(doc, events, heard[told[0].start].token, starts):
        # "the WFP said on Monday it had suspended convoys after a truck was hit last week":
        # what the speaker did is dated by the saying; the date below it is the cause's
        events[:] = [reports[0]]
        return told[0]
    for start, end in events:
        span = doc.char_span(start, end, alignment_mode="expand")
        node = span.root if span is not None else None
        while node is not None:
            if node.idx in starts:
                events.insert(0, (start, end))  # the date that dates it dates the event
                return starts[node.idx]
            said = _as_triggers([accusing[node.idx]], text)[0] if node.idx in accusing else None
            if said is not None and _outside_quotes(text, said):
                return said  # "on Thursday rejected the findings"
            node = None if node.head.i == node.i else node.head
    if told and reports and not events:
        # "the army said on Sunday its air defences had intercepted 14 drones": what the
        # statement says happened is the event, dated by the statement
        events.insert(0, reports[0])
        return told[0]
    sayings = [t for t in found if t.speech and _outside_quotes(text, t)]
    if happenings and (events or not reports or not sayings or happenings[0].type in ANNOUNCED):
        return happenings[0]
    # "… said in a statement on Sunday that 11 other people had died": with nothing dated
    # but the saying, the saying is what the sentence dates
    return sayings[0] if sayings else (happenings[0] if happenings else None)


def _below(
    doc: Doc, dates: list[tuple[int, int]], token: Token, happenings: dict[int, Trigger]
) -> bool:
    """Whether every date phrase dates another happening in a clause subordinate to the
    token ("suspended convoys after a truck was hit last week"), none the token itself."""
    for start, end in dates:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return False
        dated = next((a for a in span.root.ancestors if a.idx in happenings), None)
        if dated is None or dated.i == token.i or token not in dated.ancestors:
            return False
        path = [dated, *(a for a in dated.ancestors if token in a.ancestors)]
        if not any(node.dep_ == "advcl" for node in path):
            return False  # "destroyed or intercepted 44 drones during the night": the same act
    return True


def _from_syntax(
    facts: SentenceFacts, read: list[Found], doc: Doc, article_names: set[str]
) -> None:
    """Slots from the parse: the main trigger's subject or agent (never its object), the
    speaker of the saying that reports it, and the places attached to its clause first."""
    main = next((f for f in read if facts.main and f.start == facts.main.start), None)
    if main is not None and not main.speech and main.initiator:
        name = main.initiator
        where = facts.sentence.text.find(name)
        facts.agent = _country(m.Mention(name, where, where + len(name)), article_names).text
    facts.speaker = speaker(doc, read) or facts.speaker  # else the word rules' "X said"
    facts.agent_is_speaker = main is not None and main.own_side
    facts.passive = main is not None and main.passive and main.initiator is None
    if main is not None and not main.speech:
        # the dated happening is told as the other's circumstance: "after…", "when…"
        above = _governors(main.token)
        facts.governing = next(
            (
                f
                for f in read
                if f.token.i in above
                and not f.speech
                and f.token.pos_ == "VERB"
                and f.initiator
                and f.type is not main.type
            ),
            None,
        )
    if main is not None:
        facts.places = [*main.places, *(p for p in facts.places if p not in main.places)]


def _governors(token: Token) -> set[int]:
    """The verbs a subordinate clause ("after residents blocked the road") hangs from."""
    heads: set[int] = set()
    node = token
    while node.head.i != node.i:
        if node.dep_ == "advcl":
            heads.add(node.head.i)
        node = node.head
    return heads


def _subject_of_saying(text: str, found: list[Trigger], actors: list[m.Mention]) -> str | None:
    """ "On Thursday, the Ituri Conflict Observatory, an independent monitoring group …, said":
    with nothing named right before the verb, the sentence's first actor speaks."""
    speech = [t for t in found if t.speech and _outside_quotes(text, t)]
    if not speech:
        return None
    before = [a for a in actors if a.end <= speech[0].start and _outside_quotes_at(text, a.start)]
    return _first(before)


def _country(mention: m.Mention, article_names: set[str]) -> m.Mention:
    """ "Ukrainian" → "Ukraine" when the article writes both: a demonym names its country."""
    word = mention.text
    if " " in word or not re.search(r"(?:ian|ean|ese|ish|an|i)$", word):
        return mention
    stem = word[:5]
    for name in article_names:
        if name != word and " " not in name and name.startswith(stem) and len(name) < len(word) + 2:
            return m.Mention(name, mention.start, mention.end)
    return mention
