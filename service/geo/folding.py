"""Names folded for matching: accents off, case folded, spaces unified.

Public because matching a place or a name the way the gazetteer indexes it is needed
outside `service.geo` too (the headline's names, the merge's places).
"""

from __future__ import annotations

import re
import unicodedata

# Letters NFKD does not decompose, and apostrophe variants.
_FOLDS = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
    }
)


def ascii_name(text: str) -> str:
    """Drop accents and fold the few letters NFKD keeps: "Gdańsk" -> "Gdansk"."""
    if text.isascii() and "`" not in text:
        return text
    text = unicodedata.normalize("NFKD", text.translate(_FOLDS))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """The matching key: no accents, case folded, spaces unified, outer punctuation off."""
    return " ".join(ascii_name(text).split()).strip(" .,;:").casefold()


def latin(text: str) -> bool:
    return text.isascii() or all(ord(ch) < 0x250 or unicodedata.combining(ch) for ch in text)


_SUN = "t|th|d|dh|r|z|s|sh|n|l"
_ARTICLE = re.compile(rf"^(?:al|el|a[{'tdrzsnl'}]|a(?:th|dh|sh))[- ]")


def variants(key: str) -> list[str]:
    """Other spellings of a folded name, for a place the index does not hold as written:
    transliterations differ in the Arabic article ("al-turbah", "at turbah", "turbah"), a
    final "h" ("maqbana", "maqbanah"), hyphens and a final soft sign ("kyzyl-bel'")."""
    stems = {key}
    if m := _ARTICLE.match(key):
        rest = key[m.end() :]
        stems |= {rest, f"al-{rest}", f"al {rest}", f"el-{rest}", f"el {rest}"}
        if sun := re.match(rf"(?:{_SUN})", rest):
            stems |= {f"a{sun.group(0)} {rest}", f"a{sun.group(0)}-{rest}"}
    out: set[str] = set()
    for stem in stems:
        for form in (stem, stem.replace("-", " "), stem.replace(" ", "-")):
            out |= {form, form + "'"}
            if form.endswith("ah"):
                out.add(form[:-1])
            elif form.endswith("a"):
                out.add(form + "h")
    out.discard(key)
    return sorted(out)
