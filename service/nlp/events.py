"""Events in one parsed sentence: trigger words, their types, and who did them.

A trigger is a verb or an event noun ("attack", "talks", "ruling") whose lemma the field's
dictionaries know (dictionary.py). It is dropped when the clause says it did not happen or
has not happened yet (clauses.py: "did not attack", "threatened to", "could", "will"). The
sentence's happening is the trigger nearest the root that is not a verb of saying; a verb of
saying is the event only when nothing else happened ("the minister said…"). A noun that is
only what someone talks about ("condemned the attack") is the saying's topic, not a second
event. Each trigger's sense is then checked against its words in context, where one word
has several: a lightning strike is a disaster and a general strike a protest; "a judge
blocked" is a ruling; "floods killed" is a flood; "police fired on protesters" a protest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from schemas import EventType
from service.nlp import _words as w
from service.nlp import clauses as c
from service.nlp.dictionary import Sense, sense
from service.nlp.phrases import actor, phrase
from service.nlp.senses import (
    can_act,
    casualty,
    harm_told,
    hazard,
    initials,
    noun_sense,
    verb_sense,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


@dataclass(slots=True)
class Found:
    """A trigger in a sentence, with what syntax says around it (sentence offsets)."""

    type: EventType
    start: int
    end: int
    speech: bool
    token: Token
    initiator: str | None = None
    places: list[str] = field(default_factory=list)
    own_side: bool = False  # "its forces", "their members": the speaker's own people
    # what the speaker says it did itself ("the WFP said it had suspended convoys", "the army
    # said its air defences had intercepted"), other than an attack: a claim of violence stays
    # a statement
    reported: bool = False
    passive: bool = False  # "were detained": the doer is the agent's, or nobody named


def _depth(token: Token) -> int:
    depth = 0
    while token.head.i != token.i and depth < 30:
        token, depth = token.head, depth + 1
    return depth


_DEFINITE = frozenset({"the", "this", "that", "le", "la", "l'", "l’", "ce", "cette", "el"})


def told_again(doc: Doc) -> EventType | None:
    """The type of the happening a sentence names again as its subject, with a definite
    article ("The shooting started … near the village of Kok-Tash", "La marche a été
    dispersée"): news copy tells where and how of an event it reported a sentence or a
    paragraph before."""
    words = [t for t in doc if not t.is_space]
    if len(words) < 3 or words[0].lower_ not in _DEFINITE:
        return None
    noun = words[1]
    if noun.pos_ != "NOUN" or noun.dep_ not in c.SUBJECTS | c.PASSIVE_SUBJECTS:
        return None
    if noun.head.dep_ not in ("ROOT", "ccomp"):
        return None  # "The strike that hit X on Monday killed…" is told here, not again
    found = noun_sense(noun, doc.lang_)
    return found.type if found is not None and not found.speech else None


def happening_nouns(doc: Doc) -> set[EventType]:
    """The kinds of happening a sentence names with a noun ("the day before the fighting",
    "avait interdit la manifestation la veille"): what a date told against another one
    points at."""
    found = (noun_sense(t, doc.lang_) for t in doc if t.pos_ == "NOUN")
    return {f.type for f in found if f is not None and not f.speech}


_INSTITUTIONAL = frozenset(
    {EventType.POLICY, EventType.LEGAL, EventType.AGREEMENT, EventType.ECONOMIC}
)


def _made_by_the_verb(token: Token, doer: Token | None, found: Sense) -> bool:
    """Whether a rule, ruling or deal named as a verb's object is the verb's subject's
    ("the regulator obtained a banning order", "the council expanded its order"): its own
    owner is missing or only a pronoun. A village that suffered an attack did not make it."""
    return (
        found.type in _INSTITUTIONAL
        and token.dep_ in ("dobj", "obj")
        and token.head.pos_ == "VERB"
        and (doer is None or doer.pos_ in ("PRON", "DET"))
        and c.subject(token.head) is not None
    )


_FORCES = frozenset(
    {"troop", "soldier", "force", "fighter", "unit", "gendarme", "soldat", "militaire"}
)


def _bare_forces(token: Token) -> bool:
    """Forces no word names ("the army said troops pursued the attackers"): the speaker's."""
    return token.lemma_.lower() in _FORCES and not any(
        t.dep_ in ("poss", "nmod:poss", "compound", "amod", "nmod") for t in token.children
    )


def _topic(token: Token, speech: set[int]) -> bool:
    """A noun that only says what a saying is about ("condemned the attack")."""
    node = token
    for _ in range(3):
        # "L'attaque a été revendiquée": a passive saying's subject is what it is about
        deps = ("dobj", "obj", "pobj", "prep", "pcomp", "obl", "nmod", "xcomp", *c.PASSIVE_SUBJECTS)
        if node.dep_ not in deps:
            return False
        node = node.head
        if node.i in speech:
            return True
    return False


_ABOUT = frozenset({"about", "on", "into", "over", "regarding", "concerning", "sur"})


def _mentioned(token: Token, triggers: set[int]) -> bool:
    """An event noun that only says what something else is about: "details about Tuesday's
    crash", "operations on the fire", "an investigation into the crash"."""
    prep = token.head
    owner = prep.head
    return (
        token.pos_ == "NOUN"
        and token.dep_ == "pobj"
        and prep.lower_ in _ABOUT
        and owner.pos_ == "NOUN"
        and owner.i not in triggers
        and owner.dep_ in ("nsubj", "nsubjpass", "dobj", "attr")
    )


def _speaker(token: Token) -> str | None:
    doer = c.subject(token)
    if doer is not None:
        return actor(doer)
    return None


def instrument(word: str) -> bool:
    """ "Drones", "missiles": what was used, never who used it."""
    lower = word.lower()
    return lower in w.WEAPONS or lower.rstrip("s") in w.WEAPONS


def according_to(doc: Doc) -> str | None:
    for token in doc:
        if (
            token.lower_ == "according"
            and token.i + 2 < len(doc)
            and doc[token.i + 1].lower_ == "to"
        ):
            objects = [t for t in doc[token.i + 1].children if t.dep_ == "pobj"]
            if objects:
                return phrase(objects[0])
        if token.lower_ in ("selon", "d'après"):
            target = [t for t in token.head.subtree if t.pos_ in ("PROPN", "NOUN")]
            if target:
                return phrase(target[0])
    return None


_RELATIVE = frozenset({"that", "which", "who", "qui", "que", "quien", "quienes"})
_RELATIVE_CLAUSE = frozenset({"relcl", "acl:relcl", "acl"})
_PERSONAL = frozenset({"it", "they", "he", "she", "il", "elle", "ils", "elles"})


def _reporter(token: Token, statements: dict[int, Token]) -> Token | None:
    """The verb of saying whose complement the token's clause is ("the army said its air
    defences had intercepted 14 drones")."""
    node = token
    for _ in range(3):
        if node.dep_ not in ("ccomp", "conj") or node.head.i == node.i:
            return None
        node = node.head
        if node.i in statements:
            return node
    return None


_BLAME = {"blame": "on", "attribute": "to", "attribuer": "à", "imputer": "à"}


def blamed(doc: Doc) -> str | None:
    """Whom the sentence blames for a happening: "the army blamed the Rapid Support Forces",
    "he blamed the attack on fighters loyal to the Islamic State Sahel Province", "a
    attribué l'attaque au JNIM"; a name only, never a quotation or a thing ("blamed army
    air strikes", "blamed poorly planned construction")."""
    for token in doc:
        towards = _BLAME.get(token.lemma_.lower())
        if token.pos_ != "VERB" or towards is None or c.negated(token):
            continue
        held = [
            grand
            for child in token.children
            if child.dep_ == "prep" and child.lower_ in (towards, "au", "aux")
            for grand in child.children
            if grand.dep_ == "pobj"
        ]
        held += [child for child in token.children if child.dep_ == "obl:arg"]
        if not held and token.lemma_.lower() == "blame":
            held = [child for child in token.children if child.dep_ in ("dobj", "obj")]
        for word in held:
            if sense(word.lemma_, "NOUN", doc.lang_) is not None or _quoted(word):
                continue
            for named in word.subtree:
                if named.ent_type_ in ("ORG", "NORP", "GPE") or named.pos_ == "PROPN":
                    return actor(named)
    return None


def _quoted(word: Token) -> bool:
    first = word.left_edge
    before = word.doc[first.i - 1].text if first.i > 0 else ""
    return first.text in _QUOTES or before in _QUOTES


_QUOTES = frozenset({"“", '"', "«"})


def read(doc: Doc, language: str) -> list[Found]:
    """The sentence's triggers, its happening first (then other happenings, then sayings)."""
    senses: list[tuple[Token, Sense]] = []
    for token in doc:
        if token.dep_ in ("compound", "amod") or c.negated(token) or c.unreal(token):
            continue
        if token.pos_ == "VERB":
            found = verb_sense(token, language)
        elif token.pos_ == "NOUN":
            found = noun_sense(token, language)
        else:
            continue
        if found is not None:
            senses.append((token, found))
    senses = [pair for t, s in senses if (pair := casualty(t, s, senses)) is not None]
    speech = {t.i for t, s in senses if s.speech}
    declared = {t.i for t, s in senses if not s.speech and t.lemma_.lower() in w.DECLARE | w.ACT_ON}
    every = {t.i for t, _ in senses}
    kept = [
        (t, s)
        for t, s in senses
        if s.speech
        or not (
            _topic(t, speech) or _topic(t, declared) or c.copular_topic(t) or _mentioned(t, every)
        )
    ]
    kept.sort(
        key=lambda pair: (
            pair[1].speech,
            harm_told(pair[0]),  # the harm comes after what else happened, if anything did
            pair[0].dep_ in ("acl", "relcl", "acl:relcl"),  # "a statement signed by…"
            _depth(pair[0]),
            pair[0].pos_ != "VERB",
            pair[0].i,
        )
    )
    out = []
    nouns = {t.i for t, found in senses if t.pos_ == "NOUN"}
    statements = {t.i: t for t, s in senses if s.speech and s.type is EventType.STATEMENT}
    for token, found in kept:
        doer = c.subject(token)
        if doer is not None and doer.lower_ in _RELATIVE and token.dep_ in _RELATIVE_CLAUSE:
            doer = token.head  # "a ruling by the court that declared the strike illegal"
            if doer.i in every:
                doer = c.subject(doer)
            elif not can_act(doer):
                doer = None  # "a strike on a monastery that killed 11": not the monastery
        # "the district expanded its evacuation order": the order's maker is the verb's subject
        verb = (
            token.head if token.pos_ == "NOUN" and _made_by_the_verb(token, doer, found) else token
        )
        if verb is not token:
            doer = c.subject(verb)
        reporter = None if found.speech else _reporter(verb, statements)
        own_report = reporter is not None and found.type is not EventType.ATTACK
        if reporter is not None and own_report and doer is not None and doer.lower_ in _PERSONAL:
            doer = c.subject(reporter)  # "the WFP said it had suspended convoys": the WFP
        elif own_report and not (doer is not None and c.owned_by_pronoun(doer)):
            own_report = False  # what others did, as the speaker tells it: a statement
        if doer is not None and doer.i in nouns:
            doer = c.subject(doer)  # "Ukrainian strikes knocked out…": whose strikes
        if doer is not None:
            doer = _body_of(c.head_noun(doer))
        if doer is not None and doer.pos_ == "PRON" and doer.lower_ in w.IMPERSONAL:
            doer = None  # "on nous a reçus": nobody in particular
        own_side = doer is not None and (
            c.owned_by_pronoun(doer) or (reporter is not None and _bare_forces(doer))
        )
        if doer is not None and (
            found.type is EventType.OTHER  # "6,000 people fled": the displaced did nothing
            or own_side  # "its forces": the speaker's own (facts.py)
            or doer.lemma_.lower() in w.WEAPONS  # "drones struck": a weapon is nobody
            or instrument(doer.text)  # "Drones struck", read as a name at the sentence's start
            or hazard(doer, language)  # "landslides blocked the highway": nobody did it
            or doer.ent_type_ in ("DATE", "TIME")  # "Tuesday's crash"
        ):
            doer = None
        passive = c.passive(token)
        if doer is None and passive and token.lemma_.lower() in w.POLICE_LEGAL:
            doer = _police(doc)  # "four farmers were detained after a police car was hit"
        if doer is None and harm_told(token):
            doer = _cause_doer(token, senses)  # "one worker was killed when police opened fire"
        out.append(
            Found(
                type=found.type,
                start=token.idx,
                end=token.idx + len(token.text),
                speech=found.speech,
                token=token,
                initiator=actor(doer) if doer is not None else None,
                # "flew to Jajarkot … and promised": coordinated verbs share their setting
                places=c.places(token) or (c.places(token.head) if token.dep_ == "conj" else []),
                own_side=own_side,
                reported=own_report,
                passive=passive,
            )
        )
    return out


def _cause_doer(token: Token, senses: list[tuple[Token, Sense]]) -> Token | None:
    """Who did what the deaths are told with ("was killed … when police opened fire"): the
    subject of a happening below them that names one."""
    below = {t.i for t in token.subtree}
    for cause, found in senses:
        if cause.i != token.i and cause.i in below and not found.speech and cause.pos_ == "VERB":
            doer = c.subject(cause)
            if doer is not None and can_act(doer) and not c.passive(cause):
                return doer
    return None


def _police(doc: Doc) -> Token | None:
    """Who arrests when the sentence does not say: the police it names, if it names them."""
    return next((t for t in doc if t.lemma_.lower() in w.POLICE), None)


def _body_of(token: Token) -> Token:
    """The body its members or spokesman act for: "a spokesman for Myanmar's military
    government", "armed operatives of the DSS", "the agency's spokesman"."""
    lemma = token.lemma_.lower()
    indefinite = any(t.lower_ in ("a", "an", "un", "une") for t in token.children)
    if lemma not in w.MEMBERS and not (lemma in w.LEADERS and indefinite):
        return token  # "a leader of the Viv Ansanm coalition" is the coalition's act
    for child in token.children:
        if child.dep_ in ("poss", "nmod:poss") and can_act(child):
            return child
        if child.dep_ == "prep" and child.lower_ in ("for", "of", "de", "du", "des"):
            body = next((t for t in child.children if t.dep_ == "pobj"), None)
            if body is not None and (can_act(body) or body.pos_ == "PROPN" or initials(body)):
                return body
        if child.dep_ == "nmod" and (can_act(child) or child.pos_ == "PROPN" or initials(child)):
            return child
    return token


def speaker(doc: Doc, found: list[Found]) -> str | None:
    """Who says what the sentence reports: the subject of its verb of saying, or "according
    to X"."""
    for item in found:
        if item.speech and item.initiator:
            return item.initiator
    return according_to(doc)
