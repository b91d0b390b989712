"""An actor's country, by code: what its name, demonym or organisation implies.

"Kenyan police" → KE and "Russia's defense ministry" → RU by the gazetteer's country names
and demonyms; "Sergey Lavrov" → RU and "the RSF" → SD by the field's actor dictionary
(service/nlp/actors.py), an acronym read through the article's own definition ("the Rapid
Support Forces (RSF)"). None when nothing in the name says. The merge compares initiators by
it (service/merge/rules.py): "Taras Hlushko" and "Ukraine's foreign ministry" are one side.
"""

from __future__ import annotations

import re

from service.geo.countries import country_code
from service.nlp.actors import named_actor_country

_WORD = re.compile(r"[^\W\d_][\w\-]*")
_POSSESSIVE = re.compile(r"[’']s?\b")


def actor_country(
    name: str, acronyms: dict[str, str] | None = None, before: str = ""
) -> str | None:
    """ISO 3166-1 alpha-2 of the country an actor's name implies, or None; `before`, the
    words the article writes just before the name, counts too ("Ukraine's foreign ministry
    spokesman Taras Hlushko")."""
    return _in_words(name) or _named(name, acronyms or {}) or _in_words(before)


def _named(name: str, acronyms: dict[str, str]) -> str | None:
    full = acronyms.get(name.removeprefix("the ").strip(), name)
    return named_actor_country(full) or named_actor_country(name)


def _in_words(text: str) -> str | None:
    bare = _POSSESSIVE.sub("", text)
    words = _WORD.findall(bare)
    for size in (3, 2, 1):  # "United Arab Emirates" before "Arab"
        for i in range(len(words) - size + 1):
            phrase = " ".join(words[i : i + size])
            if phrase[:1].isupper() and (code := country_code(phrase)):
                return code
    return None
