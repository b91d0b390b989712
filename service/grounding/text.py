"""Sentence splitting and quote location that always resolve to offsets in the original text.

The model sees numbered sentences and may cite either an id or a quote. Both must come back as
``(start, end)`` offsets with ``article[start:end]`` being real article text, so every function
here works on the untouched original string and never returns a normalised copy as evidence.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache

__all__ = [
    "NormalisedText",
    "Sentence",
    "contains_phrase",
    "locate",
    "normalise",
    "normalised_text",
    "split_sentences",
]


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence plus its offsets, so citations by id can be turned into exact spans."""

    id: int
    start: int
    end: int
    text: str


# --- sentence splitting -------------------------------------------------------------------------

_LINE_RE = re.compile(r"[^\r\n]+")
# Terminal punctuation, optional closers, then whitespace; the next visible char decides the split.
_BOUNDARY_RE = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+(\S))")
_OPENERS = frozenset("\"'“‘([")
_ABBREVIATIONS = frozenset(
    (
        "Gov.", "Govs.", "Sen.", "Sens.", "Rep.", "Reps.", "Gen.", "Gens.", "Lt.", "Col.",
        "Sgt.", "Capt.", "Maj.", "Adm.", "Cmdr.", "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "Mt.",
        "Ft.", "Jr.", "Sr.", "Prof.", "Rev.", "No.", "vs.", "etc.", "Jan.", "Feb.", "Aug.",
        "Sept.", "Sep.", "Oct.", "Nov.", "Dec.",
    )
)  # fmt: skip
# "J." (an initial) and dotted acronyms such as U.S., U.N., E.U., a.m., e.g., i.e.
_INITIALISM_RE = re.compile(r"[A-Z]\.|(?:[A-Za-z]\.){2,}")
_TOKEN_LEAD = "\"'“‘(["


def _is_abbreviation(text: str, dot: int, line_start: int) -> bool:
    """Checks the word ending at ``dot``; walking back is cheaper than slicing the whole line."""
    i = dot
    while i > line_start and not text[i - 1].isspace():
        i -= 1
    token = text[i : dot + 1].lstrip(_TOKEN_LEAD)
    return token in _ABBREVIATIONS or _INITIALISM_RE.fullmatch(token) is not None


def _emit(text: str, start: int, end: int, out: list[Sentence]) -> None:
    """Trims whitespace and drops pieces with nothing readable (rules like '***' or '—')."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    piece = text[start:end]
    if any(ch.isalnum() for ch in piece):
        out.append(Sentence(len(out) + 1, start, end, piece))


def split_sentences(text: str) -> list[Sentence]:
    """Splits on line breaks and sentence punctuation, keeping offsets into ``text``.

    Every line is a boundary because scraped news puts headings and captions on lines of their
    own without terminal punctuation. Within a line we split only when the next sentence visibly
    starts (capital, digit or opening quote), which keeps 'Gov. Alexander Gusev' and
    'U.S.-led' intact; known abbreviations and initials never end a sentence.
    """
    out: list[Sentence] = []
    for line in _LINE_RE.finditer(text):
        line_start, line_end = line.span()
        start = line_start
        for m in _BOUNDARY_RE.finditer(text, line_start, line_end):
            nxt = m.group(1)
            if not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS):
                continue
            if m.group(0) == "." and _is_abbreviation(text, m.start(), line_start):
                continue
            _emit(text, start, m.end(), out)
            start = m.end()
        _emit(text, start, line_end, out)
    return out


# --- normalisation with an offset map -----------------------------------------------------------

_PUNCT = str.maketrans(
    {
        "‘": "'", "’": "'", "‚": "'", "‛": "'",
        "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"',
        "–": "-", "—": "-", "‒": "-", "−": "-", "‐": "-", "‑": "-", "―": "-",
        "…": "...",
    }
)  # fmt: skip
# Invisible characters that scrapers leave in text; they must not block a match.
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
# A base character plus combining marks, so NFKC can compose 'e' + U+0301 the same in both texts.
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_CLUSTER_RE = re.compile(rf".[{_COMBINING}]*", re.DOTALL)
_HAS_COMBINING_RE = re.compile(rf"[{_COMBINING}]")
_char_cache: dict[str, str] = {}


def _fold(cluster: str) -> str:
    """Normalises one cluster; done per cluster so each output char knows its source span."""
    if cluster in _INVISIBLE:
        return ""
    return unicodedata.normalize("NFKC", cluster).translate(_PUNCT).casefold()


def _build(text: str) -> tuple[str, list[int], list[int]]:
    """Returns the normalised text and, per normalised char, the source cluster's start and end.

    Lengths change under NFKC and casefold ('ß' -> 'ss', 'ﬁ' -> 'fi', '…' -> '...'), so a
    single offset shift cannot map back; a per-character table can.
    """
    simple = _build_one_to_one(text)
    return _build_clusters(text) if simple is None else simple


_SPACE_RUN_RE = re.compile(r"  +")


def _build_one_to_one(text: str) -> tuple[str, list[int], list[int]] | None:
    """`_build` for the usual text, whose every character folds to exactly one character
    (no combining marks, nothing invisible, nothing that expands such as 'ß' or '…'); None
    for any other. Each character then maps to itself: the text folds in one `translate`,
    whitespace to a plain space, and only the runs of two or more spaces (paragraph breaks)
    and the ends need the table's care. A run becomes one space mapping to the whole run,
    leading and trailing ones go, as in `_build_clusters`, which walks every character."""
    if _HAS_COMBINING_RE.search(text):
        return None
    table: dict[int, str] = {}
    for ch in set(text):
        folded = _char_cache.get(ch)
        if folded is None:
            folded = _char_cache[ch] = _fold(ch)
        if len(folded) != 1:
            return None
        table[ord(ch)] = " " if folded.isspace() else folded
    folded_text = text.translate(table)
    lo, hi = 0, len(folded_text)
    while lo < hi and folded_text[lo] == " ":
        lo += 1
    while hi > lo and folded_text[hi - 1] == " ":
        hi -= 1
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    at = lo
    for run in _SPACE_RUN_RE.finditer(folded_text, lo, hi):
        a, b = run.span()
        pieces += (folded_text[at:a], " ")
        starts += range(at, a)
        starts.append(a)
        ends += range(at + 1, a + 1)
        ends.append(b)
        at = b
    pieces.append(folded_text[at:hi])
    starts += range(at, hi)
    ends += range(at + 1, hi + 1)
    return "".join(pieces), starts, ends


def _build_clusters(text: str) -> tuple[str, list[int], list[int]]:
    """`_build` for any text, cluster by cluster."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    gap_start = gap_end = -1
    if _HAS_COMBINING_RE.search(text):
        clusters = [(m.group(), m.start(), m.end()) for m in _CLUSTER_RE.finditer(text)]
    else:
        clusters = [(ch, i, i + 1) for i, ch in enumerate(text)]
    for cluster, s, e in clusters:
        folded = _char_cache.get(cluster) if len(cluster) == 1 else None
        if folded is None:
            folded = _fold(cluster)
            if len(cluster) == 1:
                _char_cache[cluster] = folded
        for ch in folded:
            if ch.isspace():
                if gap_start < 0:
                    gap_start = s
                gap_end = e
                continue
            if gap_start >= 0:
                if chars:  # leading whitespace is stripped, inner runs become one space
                    chars.append(" ")
                    starts.append(gap_start)
                    ends.append(gap_end)
                gap_start = -1
            chars.append(ch)
            starts.append(s)
            ends.append(e)
    return "".join(chars), starts, ends


class NormalisedText:
    """A text normalised once, with the map from each normalised char back to the original.

    Everything that matches model output against an article (evidence quotes, names, date
    phrases, the words of a name) works on this one object, so a request normalises its
    article once (``ArticleText.normalised``) however many checks run, in the draft's
    validators and in verification alike. Offsets are kept as compact int arrays. What is
    derived from it (the word set, phrase lookups) is computed on first use and kept.
    """

    def __init__(self, text: str) -> None:
        norm, starts, ends = _build(text)
        self.norm = norm
        self.starts = array("q", starts)
        self.ends = array("q", ends)
        self._phrases: dict[str, bool] = {}

    @cached_property
    def words(self) -> frozenset[str]:
        """Every word of the normalised text (``\\w+`` runs), for the name check."""
        return frozenset(_WORD_RE.findall(self.norm))

    def contains(self, phrase: str) -> bool:
        """Whether ``phrase`` occurs here as whole words, up to normalisation (see
        ``contains_phrase``); each distinct phrase is searched for once."""
        found = self._phrases.get(phrase)
        if found is None:
            found = self._phrases[phrase] = _contains(self.norm, phrase)
        return found

    def locate(self, quote: str) -> tuple[int, int] | None:
        """``locate(quote, text)`` on the text this was built from."""
        return _locate(quote, self)


_WORD_RE = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=32)
def normalised_text(text: str) -> NormalisedText:
    """The index of a plain string, kept for the last 32 texts: a text is often matched
    against many quotes. A request's article has its own (``ArticleText.normalised``)."""
    return NormalisedText(text)


def normalise(text: str) -> str:
    """Folds away quote style, dash style, whitespace and case so matching ignores them.

    Implemented on the same per-cluster path as ``locate`` so a quote and the article can never
    be normalised differently.
    """
    return _build(text)[0]


# --- locating quotes ----------------------------------------------------------------------------

_DECORATION = frozenset(" \"'.")  # after normalisation: whitespace, quotes, periods, ellipses


def _bounded(norm: str, a: int, b: int) -> bool:
    """Rejects matches that start or end inside a word or a number.

    Without this, '20,000 households' would be 'found' inside '120,000 households' and '5' in
    '5.6', which is exactly the kind of invented detail the guard exists to catch.
    """
    first, last = norm[a], norm[b - 1]
    if a > 0 and first.isalnum() and norm[a - 1].isalnum():
        return False
    if a > 1 and first.isdigit() and norm[a - 1] in ".," and norm[a - 2].isdigit():
        return False
    if b < len(norm) and last.isalnum() and norm[b].isalnum():
        return False
    return not (b + 1 < len(norm) and last.isdigit() and norm[b] in ".," and norm[b + 1].isdigit())


def locate(quote: str, text: str) -> tuple[int, int] | None:
    """Finds ``quote`` in ``text`` up to normalisation and returns the original ``(start, end)``.

    Surrounding quote marks, ellipses, whitespace and a final period are treated as decoration:
    the core must match exactly (on word boundaries), and decoration is re-attached only where
    the article really has it. A changed word therefore yields None rather than a near miss.
    """
    return _locate(quote, normalised_text(text))


def _locate(quote: str, mapped: NormalisedText) -> tuple[int, int] | None:
    nq = normalise(quote)
    i, j = 0, len(nq)
    while i < j and nq[i] in _DECORATION:
        i += 1
    while j > i and nq[j - 1] in _DECORATION:
        j -= 1
    core = nq[i:j]
    if len(core) < 3:
        return None
    norm, starts, ends = mapped.norm, mapped.starts, mapped.ends

    def is_start(k: int) -> bool:
        return k == 0 or starts[k - 1] != starts[k]

    def is_end(k: int) -> bool:
        return k == len(norm) or starts[k] != starts[k - 1]

    pos = norm.find(core)
    while pos >= 0:
        a, b = pos, pos + len(core)
        if is_start(a) and is_end(b) and _bounded(norm, a, b):
            a = _extend(norm, a, nq[:i], -1, is_start)
            b = _extend(norm, b, nq[j:], 1, is_end)
            return starts[a], ends[b - 1]
        pos = norm.find(core, pos + 1)
    return None


def _extend(norm: str, k: int, decoration: str, step: int, aligned: Callable[[int], bool]) -> int:
    """Grows a match over quote marks/periods the quote also had, never over whitespace."""
    budget = Counter(decoration.replace(" ", ""))
    origin = k
    while 0 <= (probe := k - 1 if step < 0 else k) < len(norm) and budget[norm[probe]] > 0:
        budget[norm[probe]] -= 1
        k += step
    while k != origin and not aligned(k):
        k -= step  # never cut a multi-char cluster such as '…' in half
    return k


# --- phrases ------------------------------------------------------------------------------------


def contains_phrase(haystack: str, phrase: str) -> bool:
    """Tells whether a name or date phrase occurs as whole words, so 'Kyiv' misses 'Kyivstar'."""
    return _contains(normalised_text(haystack).norm, phrase)


def _contains(norm: str, phrase: str) -> bool:
    needle = normalise(phrase)
    if not needle:
        return False
    lead = r"(?<!\w)" if re.match(r"\w", needle[0]) else ""
    tail = r"(?!\w)" if re.match(r"\w", needle[-1]) else ""
    return re.search(lead + re.escape(needle) + tail, norm) is not None
