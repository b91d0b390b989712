"""Dates told against another happening: "the day before the fighting", "la veille",
"la víspera", "le lendemain".

The publication date cannot resolve them: news copy writes them for what happened a day
before or after an event the story has already dated ("Le ministère avait interdit la
manifestation la veille"). Verification resolves them from the date words of the
happening they are told against, which the staged rules name (candidates.py, `anchor`),
else from the nearest event told before them that has a day (service/grounding/verify.py);
with neither, they stay unknown, as any phrase nothing anchors.
"""

from __future__ import annotations

import re

_BEFORE = re.compile(
    r"(?<!\w)(?:the day before(?! yesterday)|the previous day|a day earlier|the eve|"
    r"la veille|la v[íi]spera|el d[íi]a anterior|un d[íi]a antes)(?!\w)"
)
_AFTER = re.compile(
    r"(?<!\w)(?:the day after(?! tomorrow)|the next day|the following day|a day later|"
    r"le lendemain|al d[íi]a siguiente|el d[íi]a siguiente|un d[íi]a despu[ée]s)(?!\w)"
)
FINDERS = (_BEFORE, _AFTER)
"""For `dates.find_date_phrases`: lowercase patterns, as its other finders."""


def anchored_offset(phrase: str | None) -> int | None:
    """Days from the anchoring event (-1 the day before, 1 the day after), or None when the
    phrase is not told against another happening."""
    if not phrase:
        return None
    text = phrase.lower()
    if _BEFORE.search(text):
        return -1
    if _AFTER.search(text):
        return 1
    return None
