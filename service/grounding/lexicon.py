"""Trigger words per event type: how code, not the model, finds and types event candidates.

GDELT's coders (TABARI, PETRARCH) find events without any model, from dictionaries of verbs
and nouns per event type; the small embedded models could not (asked to type 33 sentences
they answered "statement" 33 times, see docs/quality.md, "Measured facts"). These patterns
are the same idea at our scale: English and Spanish, whole words, case-folded; with a parse,
service/nlp/ reads triggers from the field's dictionaries instead, and these are the
fallback.

Order matters: when a sentence holds triggers of several types, the most specific wins
(an interception over an attack, a protest's "strike" over an air strike), so the tuple is
in order of precedence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schemas import EventType


@dataclass(frozen=True, slots=True)
class Trigger:
    type: EventType
    start: int
    end: int
    speech: bool  # a verb of saying: the event is the statement itself


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


_LABOUR = (
    r"(?:went on strike|on strike|joined the strike|general strike|huelga|walked off the job|"
    r"\d+-(?:hour|day|week) strike|(?:national|nationwide|labou?r) strike|stoppage|walkout)"
)

LEXICON: tuple[tuple[EventType, re.Pattern[str]], ...] = (
    (
        EventType.INTERCEPTION,
        _words(
            r"shot down",
            r"shoot down",
            r"downed",
            r"intercept(?:ed|s|ing|ion|ions)?",
            r"(?:electronically )?jammed",
            r"neutrali[sz]ed",
            r"air defen[cs]es?",
            r"derribad[oa]s?",
            r"derrib[óo]",
        ),
    ),
    (EventType.PROTEST, _words(_LABOUR)),
    (
        EventType.ATTACK,
        _words(
            r"(?:drone|missile|air|rocket|artillery|air ?strikes?|military) ?strikes?",
            r"strikes?",
            r"attack(?:s|ed|ing)?",
            r"shell(?:ed|ing)",
            r"bomb(?:ed|ing|ings|ardment)",
            r"fired (?:at|on|into)",
            r"mortar rounds?",
            r"rocket fire",
            r"raids?",
            r"ambush(?:ed)?",
            r"assault(?:ed)?",
            r"ataques?",
            r"bombarde(?:o|os|ó)",
            r"clash(?:ed|es)",
            r"pursued",
            r"gunmen",
            r"emboscadas?",
            r"enfrentamientos?",
            r"se enfrentaron",
            r"enfrent[óo]",
            r"balaceras?",
            r"tiroteos?",
            r"dispararon",
            r"asesinaron",
            r"atacaron",
            r"atac[óo]",
            r"mataron",
            r"secuestr(?:aron|ó|o)",
            r"incendiaron",
        ),
    ),
    (
        EventType.INFRASTRUCTURE_DAMAGE,
        _words(
            r"blackouts?",
            r"power (?:cuts?|outages?)",
            r"cut (?:power|heating|electricity)",
            r"power was cut",
            r"knocked out",
            r"damage to",
            r"serious damage",
            r"severed",
            r"homes were damaged",
            r"damaged or flooded",
        ),
    ),
    (
        EventType.DISASTER,
        _words(
            r"(?:flash )?floods?",
            r"flooding",
            r"earthquake",
            r"quake",
            r"landslides?",
            r"storms?",
            r"hurricane",
            r"cyclone",
            r"typhoon",
            r"wildfires?",
            r"explosion",
            r"blast",
            r"burst its banks",
            r"tsunami",
            r"inundaciones",
            r"terremoto",
            r"flooded",
            r"evacuat(?:ed|ion)",
            r"incendio",
            r"sismo",
            r"hurac[áa]n",
            r"deslaves?",
            r"derrumbes?",
            r"explosi[óo]n",
            r"deslizamientos?(?: de tierra)?",
            r"aludes?",
            r"inundaci[óo]n",
            r"tormentas?",
        ),
    ),
    (
        EventType.PROTEST,
        _words(
            r"protest(?:s|ed|ing)?",
            r"tear gas",
            r"water cannons?",
            r"rubber bullets",
            r"dispersed?",
            r"rall(?:y|ied|ies)",
            r"marched",
            r"marches",
            r"demonstrat(?:ion|ions|ors|ed)",
            r"walkout",
            r"blocked (?:the|a) road",
            r"sit-in",
            r"manifestaci\w+",
            r"protestas?",
            r"marcha",
            r"recorrieron",
            r"se manifestaron",
            r"bloquearon",
            r"bloqueos?",
            r"plant[óo]n",
        ),
    ),
    (
        EventType.LEGAL,
        _words(
            r"sentenced",
            r"convicted",
            r"acquitted",
            r"charged with",
            r"indicted",
            r"found \w+ guilty",
            r"guilty",
            r"verdict",
            r"sought a \S+ sentence",
            r"jailed",
            r"ruled",
            r"condenad[oa]",
            r"detuvieron",
            r"detuvo",
            r"detenid[oa]s?",
            r"arrestaron",
            r"capturaron",
            r"prisi[óo]n preventiva",
            r"vinculad[oa]s? a proceso",
            r"sentenci[óo]",
            r"arrest[óo]",
            r"captur[óo]",
            r"desbloque(?:ó|o|aron)",
            r"desaloj(?:ó|o|aron)",
            r"dispers(?:ó|o|aron)",
            r"allan(?:ó|o|aron)",
            r"imputad[oa]s?",
            r"impugnaci[óo]n",
            r"recuento",
            r"fallo",
            r"absolvi[óo]",
            r"orden[óo] (?:el|la|los|las) (?:recuento|liberaci[óo]n|detenci[óo]n|captura|arresto)",
        ),
    ),
    (
        EventType.AGREEMENT,
        _words(
            r"signed (?:an|the|a) (?:\w+ )?(?:agreement|accord|deal|treaty|memorandum)",
            r"signed an agreement",
            r"signing the accord",
            r"agreed to",
            r"reached (?:an|a) deal",
            r"ceasefire",
            r"firmaron",
            r"acuerdo",
            r"tregua",
            r"alto el fuego",
        ),
    ),
    (
        EventType.ECONOMIC,
        _words(
            r"(?:raised|cut|lowered|held|lift(?:ed)?) (?:its |the )?(?:\w+ )?(?:\w+ )?rate",
            r"basis points",
            r"inflation (?:rose|fell|climbed|eased|rate)",
            r"gdp",
            r"econom(?:y|ic) (?:grew|shrank|contracted)",
            r"interest rates?",
        ),
    ),
    (
        EventType.POLICY,
        _words(
            r"passed (?:a|the) (?:\w+ )?(?:law|bill)",
            r"law passed",
            r"state of emergency",
            r"decree",
            r"approved (?:a|the) (?:\w+ )?(?:law|bill|budget|plan|decree)",
            r"imposed",
            r"banned",
            r"would release",
            r"will release",
            r"aprob[óo]",
            r"anteproyecto",
            r"decret[óo]",
            r"prohibi[óo]",
            r"suspendi[óo]",
            r"suspendid[oa]s?",
            r"suspendieron",
            r"estado de (?:emergencia|excepci[óo]n|sitio)",
            r"toque de queda",
            r"impuso",
            r"clausur[óo]",
            r"cerr[óo] (?:el|la|los|las)",
            r"despliegue",
            r"env[íi]o de \d[\d.,]* (?:elementos|efectivos|soldados|agentes|militares)",
        ),
    ),
    (
        EventType.DIPLOMACY,
        _words(
            r"met",
            r"meet(?:ing)?",
            r"talks",
            r"summit",
            r"visit(?:ed)?",
            r"negotiat\w+",
            r"reuni[óo]n?",
            r"se reunieron",
            r"visit[óo]",
            r"cumbre",
            r"conversaciones",
        ),
    ),
    (
        EventType.ACCUSATION,
        _words(
            r"accus(?:ed|es|ing)",
            r"blam(?:ed|es|ing)",
            r"condemn(?:ed|s)",
            r"denounc\w+",
            r"criticis\w+",
            r"criticiz\w+",
            r"acus[óo]",
            r"acusa",
            r"denunci[óo]",
            r"critic[óo]",
            r"conden[óo]",
            r"culp[óo]",
            r"responsabiliz[óo]",
        ),
    ),
)

SPEECH = _words(
    r"said",
    r"says",
    r"told",
    r"stated",
    r"announced",
    r"reported",
    r"added",
    r"insisted",
    r"urged",
    r"warned",
    r"claimed",
    r"denied",
    r"dismissed",
    r"rejected",
    r"confirmed",
    r"in a statement",
    r"dijo",
    r"afirm[óo]",
    r"añadi[óo]",
    r"respondi[óo]",
    r"anunci[óo]",
    r"record[óo]",
    r"rechaz[óo]",
    r"según",
    r"issued (?:a|an) (?:\w+ )?(?:warning|alert|statement)",
    r"promised",
    r"vowed",
)
# Verbs that say something was hit, not what hit it: a happening only when the sentence
# names nothing more specific ("an earthquake struck", "the strike targeted").
WEAK = (
    EventType.ATTACK,
    re.compile(r"(?<!\w)(?:struck|targeted|hit|killed|killing)(?!\w)", re.IGNORECASE),
)
"""Verbs of saying. A date written right after one ("said Sunday") dates the report,
not the happening the sentence reports."""


SPEECH_TYPES = frozenset({EventType.STATEMENT, EventType.ACCUSATION})
ANNOUNCED = frozenset(
    {EventType.LEGAL, EventType.AGREEMENT, EventType.ECONOMIC, EventType.POLICY,
     EventType.DIPLOMACY, *SPEECH_TYPES}
)  # fmt: skip
"""Types whose date may be the date it was said or announced ("the bank said on Thursday it
raised…"); a strike's report date ("officials reported Sunday") is not the strike's."""


def triggers(sentence: str) -> list[Trigger]:
    """Every trigger in the sentence, speech verbs included, in order of precedence."""
    found = [
        Trigger(event_type, m.start(), m.end(), speech=False)
        for event_type, pattern in LEXICON
        for m in pattern.finditer(sentence)
    ]
    if not found:
        found = [
            Trigger(WEAK[0], m.start(), m.end(), speech=False) for m in WEAK[1].finditer(sentence)
        ]
    found += [
        Trigger(EventType.STATEMENT, m.start(), m.end(), speech=True)
        for m in SPEECH.finditer(sentence)
    ]
    return found
