"""Names folded for matching: accents off, case folded, spaces unified.

Public because matching a place or a name the way the gazetteer indexes it is needed
outside `service.geo` too (the headline's names, the merge's places).
"""

from __future__ import annotations

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
