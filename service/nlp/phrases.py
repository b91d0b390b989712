"""The words a parse gives for an actor or a place: its entity, or its compounds and
modifiers, with whose it is and what it is of where those are names."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


def phrase(token: Token) -> str:
    """The words that name an actor: its entity, else its compounds and modifiers ("federal
    judge", "Kenyan police", "the Rapid Support Forces")."""
    left, right = _bounds(token)
    return token.doc[left:right].text.strip()


def actor(token: Token) -> str:
    """An actor's words with whose it is and what it is of, where those are names: "Kenya's
    central bank", "Prime Minister Elena Dimova's cabinet", "la section sénégalaise
    d'Amnesty International"; "the cabinet" alone names nobody a reader can look up."""
    left, right = _extent(token, 0)
    return token.doc[left:right].text.strip()  # a blanked dateline is whitespace


_OF = frozenset({"of", "de", "d'", "du", "des"})


def _named(token: Token) -> bool:
    return token.pos_ == "PROPN" or token.ent_type_ in ("ORG", "GPE", "NORP", "PERSON", "PER")


def _extent(token: Token, depth: int) -> tuple[int, int]:
    left, right = _bounds(token)
    if depth > 3:
        return left, right
    if token.pos_ == "NOUN" and not token.ent_type_:
        for child in token.lefts:
            if (
                child.dep_ in ("poss", "nmod:poss")
                and _named(child)
                and child.right_edge.i + 1 == left
            ):
                left = child.left_edge.i
    # "la Coordination des syndicats" + "d'enseignants" + "du Sénégal"
    while (complement := _named_complement(token.doc[left:right], right)) is not None:
        right = max(right, _extent(complement, depth + 1)[1])
    return left, right


def _named_complement(words: Span, right: int) -> Token | None:
    """The "of" complement that starts where the words end and holds a name, if any."""
    for word in words:
        for child in word.rights:
            starts_here = child.left_edge.i == right or (child.dep_ == "prep" and child.i == right)
            complement = _of_complement(child) if starts_here else None
            if complement is not None and any(_named(t) for t in complement.subtree):
                return complement
    return None


def _of_complement(child: Token) -> Token | None:
    """ "of Ministers" (English: the preposition's object), "d'Amnesty" (French: the noun)."""
    if child.dep_ == "prep" and child.lower_ in _OF:
        objects = [t for t in child.children if t.dep_ == "pobj"]
        return objects[0] if objects else None
    if child.dep_ == "nmod" and any(t.dep_ == "case" and t.lower_ in _OF for t in child.children):
        return child
    return None


def _left(token: Token) -> int:
    """Where the modifiers written before a word start ("federal judge", "the
    Dilling-Kadugli road": a modifier's own modifiers and hyphens too)."""
    left = token.i
    for child in sorted(token.lefts, key=lambda c: -c.i):
        if child.i == left - 1 and child.text in ("-", "–") and child.dep_ == "punct":
            left = child.i
            continue
        modifies = child.dep_ in ("compound", "amod", "flat", "nmod")
        if child.i == left - 1 and modifies and child.pos_ in ("PROPN", "ADJ", "NOUN"):
            left = _left(child)
            continue
        break
    return left + 1 if token.doc[left].text in ("-", "–") else left


def _trimmed(token: Token, start: int, end: int) -> tuple[int, int]:
    """An entity without the article or preposition the small models take in with it
    ("the Regional Labour Court", "Macomia in"), never past the token itself."""
    doc = token.doc
    while start < token.i and doc[start].pos_ in ("DET", "ADP", "PUNCT"):
        start += 1
    while end - 1 > token.i and doc[end - 1].pos_ in ("DET", "ADP", "PUNCT", "CCONJ"):
        end -= 1
    return start, end


def _bounds(token: Token) -> tuple[int, int]:
    if token.ent_type_ and token.ent_iob_ in ("B", "I"):
        for ent in token.doc.ents:
            if ent.start <= token.i < ent.end:
                return _trimmed(token, ent.start, ent.end)
    left = _left(token)
    right = token.i + 1
    for child in token.rights:
        if child.i == right and (
            child.dep_ in ("flat", "flat:name")
            or (child.dep_ == "amod" and token.lang_ != "en")  # "le groupe écologiste"
        ):
            right = child.i + 1
    return left, right
