"""The names a headline or summary states must be the article's.

The model's headline and summary cite no spans, so until now only their numbers were checked
(checks.numbers_problem). A small model also invents or swaps names: it wrote "Nigerian
gunmen" for an attack in Niger and "Russian strikes" for Ukrainian ones (seeds/EVAL.md, run
E). Every named entity and demonym in them must occur in the article, directly, word for
word ("Central Bank of Kenya" for "Kenya's central bank"), or as its country's name or
demonym ("Ukrainian" where the article writes "Ukraine"); otherwise verification replaces
the string from verified material and says so in meta.dropped.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from service.geo.countries import country_code, country_words
from service.geo.folding import fold
from service.grounding import mentions as m
from service.nlp.pipeline import pipeline

if TYPE_CHECKING:
    from service.grounding.evidence import ArticleText

_NAME_LABELS = frozenset(
    {"PERSON", "PER", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "MISC", "PRODUCT", "LAW"}
)
_SINGLE_WORD_LABELS = frozenset({"PERSON", "PER", "GPE", "LOC", "NORP"})
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
_POSSESSIVE = re.compile(r"['’]s?$")
_FILLER = frozenset(
    "the of and for in on at a an to de la le les du des el los las y s".split()
)  # fmt: skip


def folded_words(text: str) -> set[str]:
    """The text's words without accents, case or possessive, fillers left out."""
    words = (_POSSESSIVE.sub("", w) for w in _WORD.findall(fold(text)))
    return {w for w in words if w not in _FILLER and len(w) > 1}


def lowercase_words(text: str) -> set[str]:
    return {_POSSESSIVE.sub("", fold(w)) for w in _WORD.findall(text) if w[:1].islower()}


def _truecase(text: str, article: ArticleText) -> str:
    """A title-case headline in the article's own casing: a word the article writes only in
    lower case is lowered ("Strikes Target Russian Cities" → "strikes target Russian cities"),
    so the parser does not read common words as names."""
    lower = article.lower_words
    return _WORD.sub(
        lambda w: w[0].lower() if w[0][:1].isupper() and fold(w[0]) in lower else w[0], text
    )


def _names(text: str, language: str) -> list[str]:
    """What the text names: the parse's entities (people and places, and names of two words
    or more: a lone capitalised word the small model calls an organisation is too often a
    common word), or capitalised runs without a parse; and every country or demonym."""
    nlp = pipeline(language)
    found = (
        [
            e.text
            for e in nlp(text).ents
            if e.label_ in _NAME_LABELS and (len(e) > 1 or e.label_ in _SINGLE_WORD_LABELS)
        ]
        if nlp is not None
        else [n.text for n in m.names(text)]
    )
    found += [w for w in _WORD.findall(text) if w[:1].isupper() and country_code(w)]
    return list(dict.fromkeys(found))


def _stated(name: str, article_words: set[str]) -> bool:
    # the words written as a name's ("Vitali Klitschko", not the "defence" of "Russia's
    # defence ministry", which an article may spell "defense")
    words = folded_words(" ".join(w for w in _WORD.findall(name) if w[:1].isupper()))
    if words <= article_words:
        return True
    code = country_code(name)
    return code is not None and any(
        set(key.split()) <= article_words for key in country_words(code)
    )


def unstated_names(text: str, article: ArticleText) -> list[str]:
    """The names and demonyms in `text` that the article does not state."""
    article_words = article.words
    names = _names(_truecase(text, article), article.language)
    return [n for n in names if not _stated(n, article_words)]
