"""What an event found in one sentence takes from the rest of the article: who a body
described is ("a human rights group" → the organisation named next), who organised a
crowd's march, whom the article blames, where a body's name or the dateline puts it, and
which event a "the day before" is told against.

service/grounding/candidates.py calls these once every sentence has been read.
"""

from __future__ import annotations

import re

from service.grounding import mentions as m
from service.grounding._candidate import PHYSICAL, Candidate, family
from service.grounding.anchored import anchored_offset
from service.grounding.evidence import ArticleText
from service.nlp.actors import is_country
from service.nlp.events import blamed, happening_nouns


def named_in_body(initiator: str | None, towns: set[str]) -> str | None:
    """The town a body's name holds ("the Skellefteå District Court", "the municipality of
    Francisco de Orellana"): where its acts were done, when its sentence names no place.
    `towns` are the places the article names, read once for all its events."""
    if initiator is None or not m.is_organisation(initiator):
        return None
    inside = [t for t in towns if re.search(rf"\b{re.escape(t)}\b", initiator)]
    inside = [t for t in inside if not is_country(t)]
    return max(inside, key=len) if inside else None


def anchor(candidates: list[Candidate], article: ArticleText) -> None:
    """What each "the day before"/"la veille" is told against: the latest earlier event of
    the kind its sentence names ("the day before the fighting", "interdit la manifestation
    la veille"), else the event told just before it."""
    for i, event in enumerate(candidates):
        if anchored_offset(event.when) is None:
            continue
        earlier = [c for c in candidates[:i] if c.when and anchored_offset(c.when) is None]
        doc = article.parsed.doc(event.sentence_ids[0] - 1) if article.parsed else None
        named = {family(t) for t in happening_nouns(doc)} if doc is not None else set()
        told = [c for c in earlier if family(c.type) in named]
        if told or earlier:
            event.anchor = (told or earlier)[-1].when


_ORGANISED = re.compile(
    r"\b(?:organi[sz]ed by|called by|convocad[ao]s? por|organizad[ao]s? por|organisée?s? par|"
    r"à l'appel d[eu]|organi[sz]ers (?:from|of|with)|organizadores de|organisateurs d[eu])\s+"
    r"(?:(?:the|el|la|los|las|le|les)\s+|l')?",
    re.IGNORECASE,
)


_CROWD = re.compile(
    r"(?:people|personas|personnes|protesters|demonstrators|marchers|manifestants|"
    r"manifestantes|crowds?|thousands|hundreds|miles|milliers)$",
    re.IGNORECASE,
)


def nobody(initiator: str | None) -> bool:
    """No initiator, or only a crowd ("about 2,000 people", "decenas de miles de personas")."""
    return initiator is None or bool(_CROWD.search(initiator))


def organiser(event: Candidate, article: ArticleText) -> str | None:
    """Who called a march its sentence gives only a crowd for: "convocada por el Sindicato
    de Inquilinas", "Organisers from the Petorca Valley Water Assembly said", in the
    event's sentence or the two after it."""
    first = event.sentence_ids[0]
    for sentence in article.sentences[first - 1 : first + 2]:
        for said in _ORGANISED.finditer(sentence.text):
            names = m.names(sentence.text[said.end() : said.end() + 120])
            if names and names[0].start == 0:
                return names[0].text
    return None


_ATTRIBUTED = re.compile(
    r"\b(?:atribuy[óo]|responsabiliz[óo])\s+(?:el|la|los|las)\s+\w+\s+(?:a|al)\s+(?P<who>[^.;]{1,80})"
)


def blamed_in(article: ArticleText) -> str | None:
    """Whom the article blames for its violence ("The army blamed the Rapid Support Forces
    (RSF)"): the attacker of the attacks whose own sentence names none."""
    parsed = article.parsed
    if parsed is None:  # Spanish, by its words: "atribuyó el ataque a una célula del CJNG"
        for said in _ATTRIBUTED.finditer(article.text):
            names = m.names(said.group("who"))
            if names:
                return names[0].text
        return None
    for doc in parsed.docs:
        if (name := blamed(doc)) is not None:
            return name
    return None


_DESCRIBED = re.compile(
    r"(?:[’']s\s+|^)(?:\w+\s+)?(?:diplomat|minister|president|leader|spokesman|spokeswoman|"
    r"envoy|governor|chief|commander|official)$",
    re.IGNORECASE,
)


def named_later(initiator: str | None, event: Candidate, article: ArticleText) -> str | None:
    """ "Russia’s top diplomat said…" then "…, Foreign Minister Sergey Lavrov told…": news
    copy describes a person first and names them in the next sentence or two."""
    if initiator is not None and _A_BODY.fullmatch(initiator):
        return _body_named_later(initiator, event, article)
    if initiator is None or not _DESCRIBED.search(initiator):
        return initiator
    last = event.sentence_ids[-1]
    for sentence in article.sentences[last : last + 2]:
        for speaker in m.speakers(sentence.text):
            name = m.bare_name(speaker.text)
            if len(name.split()) >= 2 and name[0].isupper():
                return speaker.text
    return initiator


# a body described, not named: "a human rights group", "the monitoring group", "the agency"
_A_BODY = re.compile(
    r"(?:(?:an?|the)\s+)?(?:[a-z][\w-]*\s+){0,3}(?:group|organi[sz]ation|monitor|watchdog|"
    r"agency|charity|NGO)"
)


def _body_named_later(initiator: str, event: Candidate, article: ArticleText) -> str:
    """ "A human rights group said in a report…" then "The report by the Thailand-based
    Myanmar Civilian Protection Monitor (MCPM)…": the first organisation of two words or more
    the next two sentences name, whose last word is the description's own kind of body."""
    parsed = article.parsed
    if parsed is None:
        return initiator
    kind = initiator.split()[-1].lower()
    last = event.sentence_ids[-1]
    any_kind = kind in ("group", "organisation", "organization", "ngo", "charity")
    for entity in parsed.entities(frozenset({"ORG"})):
        words = entity.text.removeprefix("the ").split()
        named = len(words) >= 2 and words[0][0].isupper()
        if (
            named
            and last <= entity.sentence <= last + 1
            and (any_kind or words[-1].lower() == kind)
        ):
            return " ".join(words)
    return initiator


def filed_there(event: Candidate, article: ArticleText) -> bool:
    """Whether an event with no place of its own happened where the story was filed: a
    statement, decision or ruling is made at the dateline; a physical happening only when
    its sentences name no other place ("strikes hit substations that supply two of
    Ukraine's nuclear plants", datelined Kyiv, did not happen in Kyiv)."""
    if event.type not in PHYSICAL:
        return True
    parsed = article.parsed
    if parsed is None:
        return True
    named = {
        e.label
        for e in parsed.entities(frozenset({"GPE", "LOC", "FAC", "NORP"}))
        if e.sentence + 1 in event.sentence_ids and e.start >= m.dateline_end(article.text)
    }
    return not named


def with_acronym(name: str | None, acronyms: dict[str, str]) -> str | None:
    """A body the article defines with an acronym, named both ways as the article does
    ("Municipal Disaster Risk Reduction and Management Office (MDRRMO)"), whichever it used."""
    if name is None:
        return None
    bare = name.removeprefix("the ").removeprefix("The ")
    for short, full in acronyms.items():
        if bare in (short, full) or (len(bare.split()) > 1 and full.startswith(bare)):
            return f"{full} ({short})"
    return name
