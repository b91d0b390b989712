"""Event candidates found by code: which sentences report a happening, its type and slots.

The staged extractor starts here (service/llm/staged.py). A sentence reports an event when
it holds a trigger (service/grounding/lexicon.py) and says when: news copy dates what
happened ("late on Saturday", "on Tuesday") and leaves background undated ("months of
strikes", "last winter"). A statement is an event when the saying is dated. The sentences
that follow in the same paragraph and carry the story on ("Some 20,000 households were
affected, he said.", the rest of a quote) join the event as evidence.

Each slot is filled from the mentions the sentence holds (service/grounding/mentions.py),
so everything here is written in the article; nothing is guessed across paragraphs except
an attack's initiator, which the story's lede usually names once ("Ukrainian strikes…")
and later sentences leave out ("A missile strike … also caused").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from schemas import EventType
from service.grounding import mentions as m
from service.grounding._candidate import BLAMEABLE, VIOLENCE, family
from service.grounding._candidate import Candidate as Candidate  # the type the rules return
from service.grounding.chunks import paragraphs
from service.grounding.context import (
    anchor,
    blamed_in,
    filed_there,
    named_in_body,
    named_later,
    nobody,
    organiser,
    with_acronym,
)
from service.grounding.dates import find_date_phrases
from service.grounding.evidence import ArticleText
from service.grounding.facts import SentenceFacts, sentence_facts
from service.grounding.lexicon import ANNOUNCED, SPEECH_TYPES
from service.grounding.text import Sentence
from service.nlp.actors import is_country
from service.nlp.events import told_again

if TYPE_CHECKING:
    from spacy.tokens import Doc

RULES_VERSION = "9"
"""Bump on any change to the rules here or in facts, mentions and lexicon: it is part of
every cache key (through the staged extractor's prompt version), as a prompt's version is."""

_CONTINUES = re.compile(r"^(?:[“\"]|(?:he|she|it|they|the statement|some|this|that)\b)", re.I)


@dataclass(slots=True)
class _Story:
    """What earlier sentences established: who spoke last, who has been striking."""

    acronyms: dict[str, str]
    last_person: str | None = None
    last_organisation: str | None = None
    last_attacker: str | None = None
    lede_attacker: str | None = None
    blamed: str | None = None  # whom the article blames for its violence, if anyone
    setting: str | None = None  # the town or region the lede names, if any
    bodies: list[str] = field(default_factory=list)  # organisations named so far, in order

    def resolve(self, name: str | None) -> str | None:
        if name is None:
            return None
        if named := self._named_body(name):
            return named
        if m.is_pronoun(m.Mention(name, 0, 0)):
            if name.lower() in ("it", "its"):  # a body, not a person
                return self.last_organisation or self.last_person
            return self.last_person
        if m.GENERIC.match(name):
            return self.last_organisation or name
        return self.acronyms.get(name, name)

    def _named_body(self, name: str) -> str | None:
        """ "The court" after "the Skellefteå District Court": the latest body named with
        that word as its last."""
        words = name.split()
        if len(words) > 2 or (len(words) == 2 and words[0].lower() not in ("the", "this")):
            return None
        head = words[-1].lower()
        if head not in _INSTITUTIONS:
            return None
        return next((b for b in reversed(self.bodies) if b.lower().endswith(head)), None)


_TOWNS = frozenset({"GPE", "LOC"})
_INSTITUTIONS = frozenset(
    {"court", "tribunal", "ministry", "council", "commission", "agency", "authority", "board",
     "parliament", "assembly", "committee", "regulator"}
)  # fmt: skip


def _starts_event(facts: SentenceFacts) -> tuple[EventType, str] | None:
    """The event type and date phrase if this sentence reports a dated event, else None."""
    if facts.heading or facts.main is None:
        return None
    kind = facts.main.type
    when = facts.event_date
    if when is None and kind in ANNOUNCED:
        when = facts.report_date
    if when is None:
        return None
    return kind, when


def _continues(facts: SentenceFacts, event: Candidate) -> bool:
    """Whether the sentence carries on the event before it rather than starting one."""
    if facts.inside_quote:
        return True
    if _tells_who(facts, event):
        return True
    if not _CONTINUES.match(facts.sentence.text):
        return False
    if facts.places and event.place and facts.places[0] != event.place:
        return False
    return (
        facts.main is None or family(facts.main.type) == family(event.type) or (facts.main.speech)
    )


def _tells_who(facts: SentenceFacts, event: Candidate) -> bool:
    """An undated sentence that tells who did the event before it, which named nobody
    ("… à l'annonce du jugement." "Le tribunal correctionnel de Lyon l'a condamné à …")."""
    main = facts.main
    return (
        event.initiator is None
        and main is not None
        and not main.speech
        and main.type is event.type
        and facts.agent is not None
        and facts.event_date is None
        and facts.report_date is None
    )


def _fill(event: Candidate, facts: SentenceFacts, story: _Story, first: bool) -> None:
    """Slots from one sentence of the event; the first sentence's values win."""
    event.sentence_ids.append(facts.sentence.id)
    if event.place is None and facts.places:
        event.place = facts.places[0]
    if event.when is None and facts.event_date is not None:
        event.when = facts.event_date
    speaker = story.resolve(facts.speaker)
    if event.source is None and speaker:
        event.source = speaker
    for value, unit in facts.quantities:
        if (value, unit) not in event.quantities:
            event.quantities.append((value, unit))
    event.killed = event.killed if event.killed is not None else facts.killed
    event.injured = event.injured if event.injured is not None else facts.injured
    if not first and _tells_who(facts, event):
        event.initiator = story.resolve(facts.agent)
    if first:
        if event.type in SPEECH_TYPES:
            # "El alcalde de Chivay, Edwin Quispe, denunció…": no verb of saying, its doer
            event.initiator = speaker or story.resolve(facts.agent)
        else:
            event.initiator = story.resolve(facts.agent) or (
                speaker if facts.agent_is_speaker else None
            )
        if event.type in VIOLENCE:
            event.initiator = event.initiator or story.lede_attacker
            if event.type in BLAMEABLE:
                event.initiator = event.initiator or story.blamed
            event.initiator = event.initiator or story.last_attacker


def _start(
    facts: SentenceFacts, when: str, story: _Story, kind: EventType | None = None
) -> Candidate:
    assert facts.main is not None
    event = Candidate(
        type=kind or facts.main.type, sentence_ids=[], summary=_summary(facts.sentence), when=when
    )
    _fill(event, facts, story, first=True)
    return event


def _when(facts: SentenceFacts) -> str | None:
    return facts.event_date or facts.report_date


def _undated_happening(facts: SentenceFacts) -> SentenceFacts | None:
    main = facts.main
    if main is None or main.speech or facts.heading or facts.event_date or facts.report_date:
        return None
    return facts


def _remember(story: _Story, facts: SentenceFacts, event: Candidate | None, lede: bool) -> None:
    for name in m.names(facts.sentence.text):
        if m.is_organisation(name.text):
            story.last_organisation = story.acronyms.get(name.text, name.text)
            story.bodies.append(story.last_organisation)
    speaker = story.resolve(facts.speaker)
    if speaker and not m.is_pronoun(m.Mention(speaker, 0, 0)) and " " in speaker.strip():
        story.last_person = speaker
    if event is not None and event.type in VIOLENCE and event.initiator:
        story.last_attacker = event.initiator
    if lede and facts.main is not None and facts.main.type in VIOLENCE and facts.agent:
        story.lede_attacker = story.resolve(facts.agent)


def find_candidates(article: ArticleText) -> list[Candidate]:
    """Dated events in article order, each with the sentences that state it."""
    story = _Story(m.acronyms(article.text))
    # names written somewhere other than at the start of a sentence ("Power knocked out…")
    starts = {s.start for s in article.sentences} | {m.dateline_end(article.text)}
    article_names = {n.text for n in m.names(article.text) if n.start not in starts}
    place_names = {p.text for p in m.places(article.text)} | set(m.dateline_places(article.text))
    candidates: list[Candidate] = []
    open_quote = False
    parsed = article.parsed
    story.blamed = blamed_in(article)
    copy_starts = m.dateline_end(article.text)
    lede_read = False  # the copy's first sentence, after any headline and dateline
    for paragraph in paragraphs(article.sentences, article.text):
        current: Candidate | None = None
        pending: SentenceFacts | None = None  # an undated happening the next sentence may date
        dated: SentenceFacts | None = None  # a dated sentence with no happening in it
        for sentence in paragraph:
            doc = parsed.doc(sentence.id - 1) if parsed is not None else None
            read_as = _without_dateline(sentence, copy_starts)
            facts = sentence_facts(read_as, story.acronyms, article_names, place_names, doc)
            facts.sentence = sentence
            facts.inside_quote = open_quote and current is not None
            open_quote = _leaves_quote_open(sentence.text, open_quote)
            started = _starts_event(facts)
            earlier = _told_again(facts, doc, candidates) if doc is not None else None
            if earlier is not None:
                # "The shooting started … near the village of Kok-Tash": where it was
                _refine(earlier, facts)
                current, started = earlier, None
            elif dated is not None and started is None and _undated_happening(facts):
                # "The week’s uneasy calm broke late Wednesday on a road outside Cabildo." "About
                # 100 smallholders had blocked the road…": the first dates the second.
                current = _start(facts, _when(dated) or "", story)
                current.sentence_ids.insert(0, dated.sentence.id)
                current.place = current.place or (dated.places[0] if dated.places else None)
                candidates.append(current)
            elif pending is not None and facts.event_date and _CONTINUES.match(sentence.text):
                # "A drone strike … cut heating to parts of Voronezh." "He said … during the
                # night": the second sentence dates the first one's happening.
                current = _start(pending, facts.event_date, story)
                _fill(current, facts, story, first=False)
                candidates.append(current)
            elif started is not None and not (current and _continues(facts, current)):
                current = _start(facts, started[1], story, started[0])
                candidates.append(current)
                candidates.extend(_governing(facts, current, story))
            elif current is not None and _continues(facts, current):
                _fill(current, facts, story, first=False)
            else:
                current = None
            pending = _undated_happening(facts) if current is None or started is None else None
            if current is not None and current.sentence_ids[-1] == sentence.id:
                pending = None
            # with no trigger, no saying either: its date is a happening's, told next
            dated = facts if facts.main is None and _when(facts) else None
            lede = not lede_read and not facts.heading and sentence.end > copy_starts
            lede_read = lede_read or lede
            if lede:
                story.setting = next((p for p in facts.places if not is_country(p)), None)
            _remember(story, facts, current, lede=lede)
            if lede and story.lede_attacker is None:
                # "Myanmar's military carried out 212 air strikes…, a rights group said"
                story.lede_attacker = facts.attacker
    dateline = m.dateline_places(article.text)
    towns = place_names | {e.text for e in parsed.entities(_TOWNS)} if parsed is not None else set()
    for candidate in candidates:
        candidate.initiator = with_acronym(
            named_later(candidate.initiator, candidate, article), story.acronyms
        )
        if candidate.type is EventType.PROTEST and nobody(candidate.initiator):
            candidate.initiator = organiser(candidate, article) or candidate.initiator
        candidate.source = with_acronym(candidate.source, story.acronyms)
        candidate.place = candidate.place or named_in_body(candidate.initiator, towns)
        placed_by_lede = story.setting is not None and candidate.type is EventType.POLICY
        if candidate.place is None and dateline and not placed_by_lede:
            candidate.place = dateline[0] if filed_there(candidate, article) else None
    anchor(candidates, article)
    merged = _merge_mentions(candidates)
    for candidate in merged:
        if candidate.place is None and story.setting and candidate.type is EventType.POLICY:
            # a decision applies where the lede says the story is ("a quake shook Caylloma
            # province": the state of emergency is declared there), not where the story was
            # filed; after merging, which only the events' own words decide. A statement can
            # be made anywhere, and a physical happening with no place of its own is left to
            # the merger's article context (service/merge).
            candidate.place = story.setting
    return merged


def _governing(facts: SentenceFacts, event: Candidate, story: _Story) -> list[Candidate]:
    """The other happening of the sentence, the one the dated one hangs from ("Police have
    arrested two men after residents blocked the road early this evening": an arrest and a
    blockade), when it is of another kind and names who did it."""
    other = facts.governing
    if other is None or family(other.type) == family(event.type) or other.type in SPEECH_TYPES:
        return []
    return [
        Candidate(
            type=other.type,
            sentence_ids=list(event.sentence_ids),
            summary=event.summary,
            when=event.when,
            place=other.places[0] if other.places else event.place,
            initiator=story.resolve(other.initiator),
        )
    ]


def _told_again(facts: SentenceFacts, doc: Doc, candidates: list[Candidate]) -> Candidate | None:
    """The earlier event this sentence names again as its subject ("The blockade near the
    village of Topolčani was organised by…"): the latest of that type, when the sentence
    dates nothing else."""
    again = told_again(doc)
    if again is None:
        return None
    earlier = next((c for c in reversed(candidates) if family(c.type) == family(again)), None)
    if earlier is None or not (
        facts.event_date is None or _same_when(facts.event_date, earlier.when)
    ):
        return None  # "The strike on Monday…" after Sunday's: another one
    return earlier


_BROAD = re.compile(r"\b(?:region|province|state|district|county|department|oblast)$", re.I)


def _refine(event: Candidate, facts: SentenceFacts) -> None:
    """The sentence joins the event as evidence, and its place replaces a broader one."""
    event.sentence_ids.append(facts.sentence.id)
    where = facts.places[0] if facts.places else None
    if where is not None and (
        event.place is None or is_country(event.place) or _BROAD.search(event.place)
    ):
        event.place = where


def _without_dateline(sentence: Sentence, copy_starts: int) -> Sentence:
    """The sentence with the dateline blanked ("PESHAWAR, Pakistan, Jan 14 (AFP) - "): the
    filing place and day are not the happening's (offsets kept)."""
    cut = copy_starts - sentence.start
    if cut <= 0:
        return sentence
    text = " " * min(cut, len(sentence.text)) + sentence.text[cut:]
    return Sentence(sentence.id, sentence.start, sentence.end, text)


def _leaves_quote_open(text: str, was_open: bool) -> bool:
    opens, closes = text.count("“"), text.count("”")
    if opens == closes == 0:
        return was_open
    return opens > closes or (was_open and opens == closes and not text.lstrip().startswith("“"))


def _summary(sentence: Sentence) -> str:
    text = re.sub(r"^(?:Elsewhere|Meanwhile|But|And|Also),\s+", "", sentence.text.strip())
    return text[:1].upper() + text[1:]


def _merge_mentions(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per happening: a later mention with the same type family, date phrase
    resolution and place (or both placeless, with the same initiator) is folded into the
    first."""
    kept: list[Candidate] = []
    for c in candidates:
        same = next(
            (
                k
                for k in kept
                if family(k.type) == family(c.type)
                and (k.type is EventType.INTERCEPTION) == (c.type is EventType.INTERCEPTION)
                and k.type not in SPEECH_TYPES
                and _same_when(k.when, c.when)
                and k.place == c.place
                and (k.place is not None or k.initiator == c.initiator)
            ),
            None,
        )
        if same is None:
            kept.append(c)
            continue
        same.sentence_ids = sorted({*same.sentence_ids, *c.sentence_ids})
        same.source = same.source or c.source
        same.quantities += [q for q in c.quantities if q not in same.quantities]
    return kept


def _same_when(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a == b
    return _when_words(a) == _when_words(b)


def _when_words(phrase: str) -> set[str]:
    return set(re.findall(r"\w+", phrase.lower())) - {"on", "late", "early", "the"}


def date_phrases(text: str) -> list[str]:
    """Every date phrase the resolver recognises, as written, once each."""
    seen: dict[str, None] = {}
    for start, end in find_date_phrases(text):
        seen.setdefault(text[start:end], None)
    return list(seen)
