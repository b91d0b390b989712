"""What a clause says in syntax: who did it, to whom, whether it happened, where.

Written for the dependency labels of spaCy's English pipeline (ClearNLP: nsubj, nsubjpass,
agent, dobj, pobj, neg, aux) and of its French one (Universal Dependencies: nsubj,
nsubj:pass, obj, obl:agent, obl:arg, case). Both are read by the same functions; where the
languages differ the label sets below carry both.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from service.nlp.actors import is_country
from service.nlp.phrases import phrase

if TYPE_CHECKING:
    from spacy.tokens import Token

SUBJECTS = frozenset({"nsubj", "csubj", "expl:subj"})
PASSIVE_SUBJECTS = frozenset({"nsubjpass", "nsubj:pass", "csubjpass"})
OBJECTS = frozenset({"dobj", "obj", "attr", "oprd", "dative", "iobj"})
_NEGATIONS = frozenset({"not", "n't", "never", "no", "pas", "jamais", "aucun", "aucune", "ni"})
_MODALS = frozenset(
    {"could", "would", "might", "may", "should", "can", "must", "will", "shall", "ought",
     "'ll", "wo", "ca", "pouvoir", "devoir"}
)  # fmt: skip
# heads whose complement has not happened: "threatened to strike", "plans to", "is due to"
_UNREAL_HEADS = frozenset(
    {"threaten", "plan", "expect", "intend", "hope", "want", "seek", "aim", "try", "attempt",
     "vow", "pledge", "promise", "prepare", "propose", "consider", "refuse", "decline", "fail",
     "schedule", "due", "set", "likely", "poised", "call", "urge", "demand", "ask", "fear",
     "warn", "risk", "would", "could", "may", "might", "wish", "offer", "agree", "decide",
     "menacer", "prévoir", "envisager", "vouloir", "espérer", "tenter", "projeter", "compter",
     "promettre", "appeler", "exiger", "demander", "craindre", "risquer", "devoir", "pouvoir",
     "aller", "chercher", "proposer", "refuser", "deny", "démentir", "nier", "negar"}
)  # fmt: skip
_DUE = frozenset(
    {"schedule", "due", "set", "expect", "plan", "slate", "likely", "poised", "prévoir",
     "programmer", "attendre"}
)  # fmt: skip
_CONDITIONALS = frozenset({"if", "unless", "whether", "si", "lest"})
_CLAUSES = frozenset(
    {"ccomp", "xcomp", "advcl", "relcl", "acl", "acl:relcl", "parataxis", "csubj", "conj"}
)
_LOCATIVES = frozenset(
    {"in", "near", "at", "outside", "inside", "across", "around", "throughout", "on", "into",
     "off", "along", "over", "from", "to", "à", "dans", "en", "près", "au", "aux", "sur", "vers"}
)  # fmt: skip
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


def negated(token: Token) -> bool:
    """ "did not attack", "never met", "no attack was reported", "n'a pas attaqué"."""
    for child in token.children:
        if child.dep_ == "neg" or (
            child.lower_ in _NEGATIONS and child.dep_ in ("advmod", "det", "neg", "advmod:neg")
        ):
            return True
        if child.dep_ in SUBJECTS | PASSIVE_SUBJECTS and any(
            d.dep_ == "det" and d.lower_ == "no" for d in child.children
        ):
            return True  # "no drone of ours was shot down"
    return False


def unreal(token: Token) -> bool:
    """Not (yet) happened: a modal or future ("could attack", "will meet", "frappera"), a
    condition ("if they attack"), or the complement of a plan, threat or forecast, however
    deep ("threatened to launch strikes")."""
    if "Fut" in token.morph.get("Tense", []) or "Cnd" in token.morph.get("Mood", []):
        return True
    for child in token.children:
        if child.dep_ in ("aux", "aux:tense", "aux:pass") and child.lemma_.lower() in _MODALS:
            return True
        if child.dep_ == "mark" and child.lower_ in _CONDITIONALS:
            return True
    if token.dep_ in SUBJECTS | PASSIVE_SUBJECTS and token.head.lemma_.lower() in _DUE:
        return True  # "its next meeting is scheduled for Dec. 10"
    node = token
    for _ in range(4):
        head = node.head
        if head.i == node.i:
            break
        appeal = head.lemma_.lower() == "call" and any(
            t.lower_ in ("for", "on") for t in [*node.children, *head.children]
        )  # "called for the union to reopen talks"
        if appeal and node.dep_ in ("advcl", "xcomp", "ccomp"):
            return True
        if node.dep_ in ("xcomp", "ccomp", "dobj", "obj", "pobj", "prep", "acl", "nmod", "obl"):
            if head.lemma_.lower() in _UNREAL_HEADS and not (
                head.lemma_.lower() in {"call", "agree", "decide"} and node.dep_ != "xcomp"
            ):
                return True
            if head.pos_ in ("VERB", "AUX") and (negated(head) or _modal(head)):
                return True
        if node.dep_ not in ("pobj", "prep", "dobj", "obj", "xcomp", "nmod", "case", "obl"):
            break
        node = head
    return False


def _modal(token: Token) -> bool:
    return any(
        c.dep_ in ("aux", "aux:tense") and c.lemma_.lower() in _MODALS for c in token.children
    )


def subject(token: Token) -> Token | None:
    """Who did it: the active subject, the passive's agent ("killed by gunmen", "tué par"),
    a noun's possessor or proper-noun modifier ("Russia's strikes", "Hamas attack"); through
    coordination and control ("arrived and met", "went on to attack"); never the object."""
    for _ in range(3):
        for child in token.children:
            if child.dep_ == "agent":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0]
            if child.dep_ == "obl:agent":
                return child
        subjects = [child for child in token.children if child.dep_ in SUBJECTS]
        if subjects:
            # of two (a misparse: "A magnitude 6.1 earthquake struck"), the one next to the verb
            before = [child for child in subjects if child.i < token.i]
            return before[-1] if before else subjects[0]
        if token.pos_ == "NOUN":
            return _noun_owner(token)
        if token.dep_ in ("conj", "xcomp") and token.head.i != token.i:
            token = token.head
            continue
        return None
    return None


def _noun_owner(token: Token) -> Token | None:
    for child in token.children:
        if child.dep_ in ("poss", "nmod:poss"):
            return child
    for child in token.children:
        if child.dep_ in ("acl", "acl:relcl") and child.pos_ == "VERB":
            # "the march organised by the union", "la marche organisée par la CSES"
            for grand in child.children:
                if grand.dep_ == "obl:agent":
                    return grand
                if grand.dep_ == "agent":
                    objects = [t for t in grand.children if t.dep_ == "pobj"]
                    if objects:
                        return objects[0]
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "by":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
    for child in token.children:
        if child.dep_ in ("compound", "amod") and (
            child.ent_type_ in ("NORP", "GPE", "ORG")
            or (child.pos_ in ("ADJ", "PROPN") and child.text[:1].isupper() and child.i > 0)
        ):
            return child  # "Hamas attack", "Ukrainian strikes"
    return None


_COLLECTIVES = frozenset(
    {"troop", "force", "member", "fighter", "soldier", "officer", "unit", "element", "agent",
     "militant", "supporter", "staff", "official", "representative", "delegation", "militaire",
     "mediator", "negotiator", "envoy", "delegate", "investigator", "inspector", "expert",
     "soldat", "élément", "membre", "combattant", "partisan", "section", "branche"}
)  # fmt: skip
_QUANTITIES = frozenset(
    {"thousand", "hundred", "dozen", "score", "million", "number", "group", "some", "many",
     "several", "all", "most", "millier", "centaine", "dizaine", "des", "plusieurs"}
)  # fmt: skip


def head_noun(token: Token) -> Token:
    """ "Thousands of workers" → workers: a quantity names no one."""
    for child in token.children:
        if child.dep_ == "appos" and (child.pos_ == "PROPN" or child.ent_type_):
            return child  # "the head of the committee, Faleh al-Khazali"
        if _bare_apposition(child):
            return child  # "la nouvelle maire, Sophie Bernardin, a annoncé"
    lemma = token.lemma_.lower()
    if lemma in _QUANTITIES or lemma in _COLLECTIVES or token.pos_ == "NUM":
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in ("of", "from", "de", "d'"):
                objects = [t for t in child.children if t.dep_ == "pobj"]
                if objects and (lemma not in _COLLECTIVES or objects[0].pos_ == "PROPN"):
                    return objects[0]
            if child.dep_ == "nmod" and (lemma not in _COLLECTIVES or child.pos_ == "PROPN"):
                return child
    return token


def _bare_apposition(child: Token) -> bool:
    """A name set off by a comma after its title, which the French model attaches as a
    modifier without a preposition ("la nouvelle maire, Sophie Bernardin,")."""
    return (
        child.dep_ == "nmod"
        and child.ent_type_ in ("PER", "PERSON")
        and child.i > 0
        and child.doc[child.i - 1].text == ","
        and not any(t.dep_ == "case" for t in child.children)
    )


def owned_by_pronoun(token: Token) -> bool:
    """ "its forces", "their fighters": whose they are is said elsewhere."""
    return token.pos_ != "PRON" and any(
        t.dep_ in ("poss", "nmod:poss", "det:poss") and t.pos_ in ("PRON", "DET")
        for t in token.children
    )


def nouns_of(token: Token) -> list[Token]:
    """The noun and what it is "of": "a state of emergency" → state, emergency."""
    found = [token]
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in ("of", "de", "d'"):
            found.extend(t for t in child.children if t.dep_ == "pobj")
        elif child.dep_ == "nmod":
            found.append(child)
    return found


_COPULAS = frozenset({"be", "prove", "remain", "seem", "appear", "become", "look", "être"})


def copular_topic(token: Token) -> bool:
    """ "the ruling was politically motivated": a happening talked about, not reported;
    unless the noun carries its own date ("the strike on Tuesday has proved contentious")."""
    head = token.head
    judged = token.dep_ in SUBJECTS | PASSIVE_SUBJECTS and (
        head.lemma_.lower() in _COPULAS or head.pos_ == "ADJ"
    )
    # "the ruling was politically motivated": a passive that names no doer judges its subject
    judged = judged or (
        token.dep_ in PASSIVE_SUBJECTS
        and head.pos_ == "VERB"
        and not any(c.dep_ in ("agent", "obl:agent") for c in head.children)
        and any(c.dep_ == "advmod" for c in head.children)
    )
    return judged and not any(t.ent_type_ in ("DATE", "TIME") for t in token.subtree)


def passive(token: Token) -> bool:
    return any(c.dep_ in PASSIVE_SUBJECTS or c.dep_ == "auxpass" for c in token.children)


def objects(token: Token) -> list[Token]:
    """Objects and prepositional objects: what CAMEO's patterns are keyed on."""
    found = []
    for child in token.children:
        if child.dep_ in OBJECTS or child.dep_ in PASSIVE_SUBJECTS:
            found.append(child)
        elif child.dep_ in ("prep", "prt"):
            found.extend(c for c in child.children if c.dep_ == "pobj")
        elif child.dep_ in ("obl", "obl:arg", "nmod"):
            found.append(child)
    if not any(t.dep_ in OBJECTS for t in found):
        # "destroyed or intercepted 44 drones": coordinated verbs share the object
        for child in token.children:
            if child.dep_ == "conj" and child.pos_ == "VERB":
                found.extend(t for t in child.children if t.dep_ in OBJECTS)
    return found


def clause(token: Token) -> Iterator[Token]:
    """The token's own clause: its subtree without the clauses embedded in it (a noun keeps
    its participles: "la marche organisée à Dakar")."""
    yield token
    for child in token.children:
        embedded = child.dep_ in _CLAUSES and child.pos_ in ("VERB", "AUX")
        if embedded and not (token.pos_ == "NOUN" and child.dep_ == "acl"):
            continue
        yield from clause(child)


_PLACE_NOUNS = frozenset(
    {"city", "town", "village", "district", "province", "region", "state", "county", "area",
     "municipality", "suburb", "outskirts", "north", "south", "east", "west", "northwest",
     "northeast", "southwest", "southeast", "kilometre", "kilometer", "km", "mile", "capital",
     "port", "island", "township", "most", "part", "much", "all", "rest", "ville", "région",
     "stretch", "section", "portion", "segment", "coast", "shore", "coastline", "waters",
     "vicinity", "edge", "centre", "center", "heart", "border", "side",
     "côte", "large", "environs", "périphérie", "abords", "centre-ville", "frontière",
     "département", "commune", "quartier", "banlieue", "nord", "sud", "est", "ouest"}
)  # fmt: skip
# "la prison civile de Mirebalais", "the airport of Goma": a facility is where its town is
_FACILITY_NOUNS = frozenset(
    {"prison", "jail", "hospital", "airport", "station", "stadium", "market", "university",
     "school", "church", "mosque", "mine", "plant", "factory", "camp", "base", "harbour",
     "commissariat", "gendarmerie", "mairie", "hôpital", "aéroport", "gare", "marché",
     "université", "école", "église", "mosquée", "usine", "centrale", "caserne"}
)  # fmt: skip
_OF_CASES = frozenset({"de", "d'", "d’", "du", "des", "del"})
_TOWN_NOUNS = frozenset(
    {"city", "town", "village", "municipality", "township", "suburb", "port", "ville",
     "commune", "quartier"}
)  # fmt: skip
_ROUTES = frozenset(
    {"road", "highway", "motorway", "route", "bridge", "corridor", "crossing", "railway",
     "pass", "tunnel", "expressway", "freeway", "carretera", "autopista", "puente",
     "autoroute", "pont"}
)  # fmt: skip
_DOERS = SUBJECTS | PASSIVE_SUBJECTS | {"nsubj:pass"}
_NOT_PLACES = frozenset({"PERSON", "PER", "ORG", "DATE", "TIME", "MONEY", "PERCENT", "CARDINAL"})


def places(token: Token) -> list[str]:
    """Places attached to the token's clause by a locative ("in Bannu", "near Kasese", "à
    Dakar"): place entities, or proper nouns the small model mislabels ("Kasese" as NORP),
    nearest the trigger first."""
    found: dict[str, int] = {}
    for node in clause(token):
        # a proper noun, or a capitalised word the small models tag as a noun ("à Dakar")
        named = node.pos_ == "PROPN" or (node.i > 0 and node.text[:1].isupper())
        person = node.ent_type_ in ("PERSON", "PER")
        root = node
        while root.dep_ in ("compound", "flat", "flat:name") and root.head.i != root.i:
            root = root.head
        route = root.lemma_.lower() in _ROUTES  # "the Dilling-Kadugli road", read as an ORG
        if not named or (node.ent_type_ in _NOT_PLACES and not person and not route):
            continue
        marker = root.head.lower_ if root.head.dep_ == "prep" else ""
        place_word = root.head.head.lemma_.lower() if marker == "of" else ""
        named_town = place_word in _TOWN_NOUNS  # "the town of Macomia", not "the capital of X"
        if place_word in _PLACE_NOUNS or place_word in _FACILITY_NOUNS:
            marker = "in"  # "the city of Kadugli", "12 km northwest of Fort St. James"
        elif person and not (
            root.lemma_.lower() in _PLACE_NOUNS  # "in Kani township"
            or (root.i == node.i and _a_town_read_as_a_person(root, marker))
        ):
            continue
        cases = [t.lower_ for t in root.children if t.dep_ == "case"]
        if set(cases) & _OF_CASES and root.head.lemma_.lower() in _PLACE_NOUNS | _FACILITY_NOUNS:
            marker = "in"  # "la prison civile de Mirebalais", "la ville de Goma"
        left = token.lemma_.lower() in _LEFT and root.head.i == token.i
        if root.dep_ in ("dobj", "obj") and (root.ent_type_ in PLACE_LABELS or left):
            marker = "in"  # "drones struck Kadugli", "6,000 people fled Pimbo"
        if root.dep_ == "poss" and root.ent_type_ in PLACE_LABELS and root.head.dep_ == "pobj":
            marker = root.head.head.lower_  # "the strike on Fataki's market"
        if marker == "from" and root.head.head.dep_ in _DOERS:
            continue  # "border guards from Kyrgyzstan": where they come from, not where it was
        if marker in _LOCATIVES or any(w in _LOCATIVES for w in cases):
            # towns and regions before buildings ("at the Necessidades Palace in Lisbon"),
            # countries after both ("near the village of Kok-Tash" in "Kyrgyzstan")
            town = (
                root.ent_type_ in ("GPE", "LOC")
                or named_town
                or (person and root.i == node.i)
                or root.lemma_.lower() in _PLACE_NOUNS  # "Kyrgyzstan's southern Batken region"
            )
            rank = 0 if town else 500 if not root.ent_type_ else 1000
            name = _bare(phrase(root))
            rank += 300 if is_country(name) else 0
            # "in Dori, the capital of Burkina Faso's Sahel region": what Dori is, not where
            rank += 600 if any(a.dep_ == "appos" for a in _up_to(root, token)) else 0
            found.setdefault(name, rank + abs(root.i - token.i))
    return sorted(found, key=lambda name: found[name])


def _up_to(node: Token, top: Token) -> Iterator[Token]:
    """The node's heads below `top`."""
    while node.head.i != node.i and node.head.i != top.i:
        node = node.head
        yield node


_LEFT = frozenset({"flee", "leave", "fuir", "quitter", "abandonner", "huir", "abandonar"})
_MOTION = frozenset(
    {"fly", "travel", "go", "arrive", "return", "head", "march", "move", "drive", "rush", "come"}
)


def _a_town_read_as_a_person(root: Token, marker: str) -> bool:
    """The small models read an unfamiliar town as a person ("flew to Jajarkot", "the port
    of Rotterdam"): one word after "in"/"near", or after "to" a verb of going."""
    following = root.doc[root.i + 1] if root.i + 1 < len(root.doc) else None
    if root.ent_iob_ != "B" or (following is not None and following.ent_iob_ == "I"):
        return False
    if marker in ("in", "near", "outside"):
        return True
    return marker == "to" and root.head.head.lemma_.lower() in _MOTION


def _bare(name: str) -> str:
    return name[4:] if name.lower().startswith("the ") else name
