"""Resolve an event's date phrase, as written in the article, against the publication date.

The model copies the phrase verbatim ("late on Saturday", "Nov. 3", "last week") because it can
be checked against the article; turning it into calendar dates is arithmetic, which code does
reliably and a small model does not. Every rule prefers ``unknown`` to a guess: a relative phrase
without a publication date, or a phrase we do not recognise, resolves to nothing rather than to
something plausible-looking.
"""

import re
from calendar import monthrange
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from service.grounding.anchored import FINDERS as ANCHORED

Precision = Literal["day", "week", "month", "year", "unknown"]


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    """An inclusive date range; ``end`` is None for a single day so a point is never a span."""

    start: date | None
    end: date | None
    precision: Precision


_UNKNOWN = ResolvedDate(None, None, "unknown")

# A date written without a year may lie a little after publication ("on Jan. 5" in a December
# article announces something upcoming); anything further ahead is read as last year's.
_FUTURE_WINDOW = timedelta(days=61)

_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTHS = {name[:3]: number for number, name in enumerate(_MONTH_NAMES, 1)}
# Words that are months only in context: "protesters may march" names no month.
_AMBIGUOUS_MONTHS = frozenset({"may", "march"})
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_NUMBERS = {"a": 1, "an": 1} | {word: n for n, word in enumerate(_NUMBER_WORDS, 1)}
_SHIFT = {"this": 0, "last": -1, "next": 1}
_STRICTLY_PAST = frozenset({"last", "previous", "past", "this past"})

_MON = (
    r"\b(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_DAY_NUM = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\b"
_OPT_YEAR = r"(?:,?\s*(?P<y>\d{4})(?!\d))?"
_ISO_RE = re.compile(r"\b(\d{4})[-/](\d{2})[-/](\d{2})(?!\d)")
_MDY_RE = re.compile(rf"{_MON}\s*{_DAY_NUM}{_OPT_YEAR}")
_DMY_RE = re.compile(rf"\b{_DAY_NUM}\s+(?:of\s+)?{_MON}{_OPT_YEAR}")
_MONTH_RE = re.compile(
    r"(?:\b(?P<mod>in|last|next|early|late|mid|since|by|during|until|through|from|of|this)"
    rf"[\s-]+)?{_MON}(?:,?\s*(?:of\s+)?(?P<y>\d{{4}})(?!\d))?"
)
_YEAR_RE = re.compile(r"\b((?:18|19|20)\d{2})\b")
_WEEKDAY_RE = re.compile(
    rf"(?:\b(?P<mod>this past|last|next|previous|past|this)\s+)?\b(?P<wd>{'|'.join(_WEEKDAYS)})\b"
)
_REL_UNIT_RE = re.compile(r"\b(?P<mod>this|last|next) (?P<unit>week|month|year)\b")
_AGO_RE = re.compile(
    rf"\b(?P<n>\d{{1,3}}|an?|{'|'.join(_NUMBER_WORDS)})\s+"
    r"(?P<unit>day|week|month|year)s?\s+ago\b"
)
_OVERNIGHT_RE = re.compile(r"\bovernight\b|\b(?:during|in|through) the night\b")
# Longer phrases first: "the day before yesterday" must not be read as "yesterday".
_RELATIVE_DAYS = (
    (re.compile(r"\bday before yesterday\b"), -2),
    (re.compile(r"\bday after tomorrow\b"), 2),
    (re.compile(r"\byesterday\b|\blast night\b"), -1),
    (re.compile(r"\btomorrow\b"), 1),
    (re.compile(r"\btoday\b|\btonight\b|\bthis (?:morning|afternoon|evening)\b"), 0),
)
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


# Spanish relative dates, rewritten to the English the patterns know. Only unambiguous
# words: "mañana" (morning or tomorrow) is left out on purpose.
_SPANISH = tuple(
    (re.compile(rf"\b{es}\b"), en)
    for es, en in (
        ("la semana pasada", "last week"),
        ("esta semana", "this week"),
        ("el mes pasado", "last month"),
        ("el año pasado", "last year"),
        ("durante la noche", "during the night"),
        ("anoche", "last night"),
        ("anteayer", "day before yesterday"),
        ("ayer", "yesterday"),
        ("hoy", "today"),
        ("lunes", "monday"),
        ("martes", "tuesday"),
        ("miércoles|miercoles", "wednesday"),
        ("jueves", "thursday"),
        ("viernes", "friday"),
        ("sábado|sabado", "saturday"),
        ("domingo", "sunday"),
    )
)


# French, likewise ("mardi soir", "la semaine dernière", "le 3 mars").
_FRENCH = tuple(
    (re.compile(rf"(?<!\w){fr}(?!\w)"), en)
    for fr, en in (
        ("la semaine dernière", "last week"),
        ("cette semaine", "this week"),
        ("le mois dernier", "last month"),
        ("(?:pendant|dans|durant) la nuit", "during the night"),
        ("hier soir", "last night"),
        ("avant-hier", "day before yesterday"),
        ("hier", "yesterday"),
        ("aujourd'hui", "today"),
        ("lundi", "monday"),
        ("mardi", "tuesday"),
        ("mercredi", "wednesday"),
        ("jeudi", "thursday"),
        ("vendredi", "friday"),
        ("samedi", "saturday"),
        ("dimanche", "sunday"),
        ("1er", "1"),
        ("janvier", "january"),
        ("février|fevrier", "february"),
        ("mars", "march"),
        ("avril", "april"),
        ("mai", "may"),
        ("juin", "june"),
        ("juillet", "july"),
        ("août|aout", "august"),
        ("septembre", "september"),
        ("octobre", "october"),
        ("novembre", "november"),
        ("décembre|decembre", "december"),
    )
)


def _normalise(phrase: str) -> str:
    """One spelling per phrase so the patterns need not care about case, quotes, spacing or
    (for the common relative dates) Spanish and French."""
    text = " ".join(phrase.translate(_QUOTES).lower().split())
    for pattern, english in (*_SPANISH, *_FRENCH):
        text = pattern.sub(english, text)
    return text


def _safe_date(year: int, month: int, day: int) -> date | None:
    """None for impossible dates ("Feb. 30") so they resolve to nothing instead of raising."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _day(day: date) -> ResolvedDate:
    return ResolvedDate(day, None, "day")


def _month_span(year: int, month: int) -> ResolvedDate:
    last = monthrange(year, month)[1]
    return ResolvedDate(date(year, month, 1), date(year, month, last), "month")


def _year_span(year: int) -> ResolvedDate:
    return ResolvedDate(date(year, 1, 1), date(year, 12, 31), "year")


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + delta
    return index // 12, index % 12 + 1


def _relative_offset(text: str, unit: str) -> int | None:
    """How many units from publication: "last week" is -1, "two weeks ago" -2, else None."""
    for match in _REL_UNIT_RE.finditer(text):
        if match["unit"] == unit:
            return _SHIFT[match["mod"]]
    for match in _AGO_RE.finditer(text):
        if match["unit"] == unit:
            return -(int(match["n"]) if match["n"].isdigit() else _NUMBERS[match["n"]])
    return None


def _infer_year(month: int, day: int, text: str, published: date | None) -> date | None:
    """A yearless day takes the year the phrase states elsewhere, else the nearest plausible."""
    context = _year(text, published)
    if context is not None and context.start is not None:
        return _safe_date(context.start.year, month, day)
    if published is None:
        return None
    # Feb. 29 may need to reach back up to four years for a leap year.
    for year in range(published.year + 1, published.year - 5, -1):
        candidate = _safe_date(year, month, day)
        if candidate is not None and candidate <= published + _FUTURE_WINDOW:
            return candidate
    return None


def _absolute_day(text: str, published: date | None) -> ResolvedDate | None:
    for match in _ISO_RE.finditer(text):
        found = _safe_date(int(match[1]), int(match[2]), int(match[3]))
        if found is not None:
            return _day(found)
    for pattern in (_MDY_RE, _DMY_RE):
        for match in pattern.finditer(text):
            month, day = _MONTHS[match["mon"][:3]], int(match["d"])
            if match["y"]:
                found = _safe_date(int(match["y"]), month, day)
            else:
                found = _infer_year(month, day, text, published)
            if found is not None:
                return _day(found)
    return None


def _relative_day(text: str, published: date | None) -> ResolvedDate | None:
    if published is None:
        return None
    for pattern, offset in _RELATIVE_DAYS:
        if pattern.search(text):
            return _day(published + timedelta(days=offset))
    ago = _relative_offset(text, "day")  # "three days ago"
    return None if ago is None else _day(published + timedelta(days=ago))


def _weekday(text: str, published: date | None) -> ResolvedDate | None:
    """News reports the past, so a bare weekday is the latest one on or before publication."""
    match = _WEEKDAY_RE.search(text)
    if match is None:
        return None
    target = _WEEKDAYS.index(match["wd"])
    week = _week(text, published)  # "Friday last week" names a day inside a stated week
    if week is not None and week.start is not None:
        return _day(week.start + timedelta(days=target))
    if published is None:
        return None
    if match["mod"] == "next":
        return _day(published + timedelta(days=(target - published.weekday() - 1) % 7 + 1))
    back = (published.weekday() - target) % 7
    if back == 0 and match["mod"] in _STRICTLY_PAST:
        back = 7
    return _day(published - timedelta(days=back))


def _overnight(text: str, published: date | None) -> ResolvedDate | None:
    """A night straddles two dates; we cannot tell which side of midnight the event fell on."""
    if published is None or not _OVERNIGHT_RE.search(text):
        return None
    return ResolvedDate(published - timedelta(days=1), published, "day")


def _week(text: str, published: date | None) -> ResolvedDate | None:
    offset = _relative_offset(text, "week")
    if published is None or offset is None:
        return None
    monday = published - timedelta(days=published.weekday()) + timedelta(weeks=offset)
    return ResolvedDate(monday, monday + timedelta(days=6), "week")


def _named_month(text: str, published: date | None) -> ResolvedDate | None:
    for match in _MONTH_RE.finditer(text):
        name, mod = match["mon"], match["mod"]
        month = _MONTHS[name[:3]]
        if match["y"]:
            return _month_span(int(match["y"]), month)
        ambiguous = name in _AMBIGUOUS_MONTHS or name not in _MONTH_NAMES
        if ambiguous and mod is None and text.strip(" .,;:!?'\"()") != name:
            continue
        context = _year(text, published)  # "in March last year"
        if context is not None and context.start is not None:
            return _month_span(context.start.year, month)
        if published is None:
            return None
        back = (published.month - month) % 12
        if mod == "next":
            back = -((month - published.month - 1) % 12 + 1)
        elif mod == "last" and back == 0:
            back = 12
        return _month_span(*_add_months(published.year, published.month, -back))
    return None


def _month(text: str, published: date | None) -> ResolvedDate | None:
    named = _named_month(text, published)
    if named is not None:
        return named
    offset = _relative_offset(text, "month")
    if published is None or offset is None:
        return None
    return _month_span(*_add_months(published.year, published.month, offset))


def _year(text: str, published: date | None) -> ResolvedDate | None:
    match = _YEAR_RE.search(text)
    if match is not None:
        return _year_span(int(match[1]))
    offset = _relative_offset(text, "year")
    if published is None or offset is None:
        return None
    return _year_span(published.year + offset)


# Most specific first: when a phrase holds several date expressions the sharpest one wins.
_MATCHERS: tuple[Callable[[str, date | None], ResolvedDate | None], ...] = (
    _absolute_day, _relative_day, _weekday, _overnight, _week, _month, _year,
)  # fmt: skip


def resolve_date(phrase: str | None, published: date | None) -> ResolvedDate:
    """Turn the article's own words for when something happened into a calendar range.

    ``published`` is the only anchor for relative phrases; without it they stay unknown, as does
    anything unrecognised, so a wrong date is never presented as a grounded one.
    """
    if not phrase or not phrase.strip():
        return _UNKNOWN
    text = _normalise(phrase)
    try:
        for matcher in _MATCHERS:
            found = matcher(text, published)
            if found is not None:
                return found
    except (OverflowError, ValueError):
        return _UNKNOWN  # arithmetic left the calendar date can represent (years 1-9999)
    return _UNKNOWN


# Day- and week-level expressions, in the order a phrase is looked for in evidence text.
# Months and years are left out on purpose: in news prose they are mostly background
# ("the invasion in February 2022"), not the date of the event the sentence reports.
_SPANISH_DAYS = re.compile(
    r"\b(?:(?:el|la|este|esta) )?(?:lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado"
    r"|domingo)\b|\banoche\b|\banteayer\b|\bayer\b|\bla semana pasada\b|\besta semana\b"
    r"|\bdurante la noche\b"
)
_FR_DAY = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
_EN_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
# "dans la nuit de mercredi à jeudi", "overnight Wednesday into Thursday": the first night's
# day, as the words say
_NIGHTS = re.compile(
    rf"(?<!\w)(?:(?:pendant|dans|durant) )?la nuit (?:de|du) {_FR_DAY} (?:à|au) {_FR_DAY}(?!\w)"
    rf"|\b(?:on )?the night of {_EN_DAY} (?:to|into) {_EN_DAY}\b"
    rf"|\bovernight {_EN_DAY} (?:to|into) {_EN_DAY}\b"
)
_FRENCH_DAYS = re.compile(
    r"(?<!\w)(?:(?:le|ce) )?(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)(?!\w)"
    r"|(?<!\w)(?:avant-)?hier(?!\w)|(?<!\w)la semaine dernière(?!\w)|(?<!\w)cette semaine(?!\w)"
    r"|(?<!\w)(?:pendant|dans|durant) la nuit(?!\w)"
    r"|(?<!\w)(?:le )?(?:\d{1,2}|1er) (?:janvier|février|fevrier|mars|avril|mai|juin|juillet|août"
    r"|aout|septembre|octobre|novembre|décembre|decembre)(?: \d{4})?(?!\w)"
)
# "late on Saturday", "early Sunday", "on Tuesday evening": the words around a day belong to
# the phrase (they are what the article wrote), and resolve to the same day.
_AROUND_BEFORE = re.compile(r"(?:\b(?:late|early|earlier|later)\s+(?:on\s+)?|\bon\s+)$")
_AROUND_AFTER = re.compile(
    r"^\s+(?:morning|afternoon|evening|night)\b|^\s+(?:por la (?:mañana|tarde|noche))"
    r"|^\s+(?:soir|matin|après-midi|midi)(?!\w)"
)
_FINDERS: tuple[re.Pattern[str], ...] = (
    _ISO_RE,
    _MDY_RE,
    _DMY_RE,
    _OVERNIGHT_RE,
    *(pattern for pattern, _ in _RELATIVE_DAYS),
    _WEEKDAY_RE,
    _REL_UNIT_RE,
    _AGO_RE,
    _NIGHTS,
    _SPANISH_DAYS,
    _FRENCH_DAYS,
    *ANCHORED,
)


def _date_matches(text: str) -> Iterator[re.Match[str]]:
    """Every day- or week-level date expression in `text`, pattern by pattern (sharpest
    first); none when case folding would shift offsets."""
    folded = text.translate(_QUOTES).lower()
    if len(folded) != len(text):  # a case fold changed lengths; offsets would not map
        return
    for pattern in _FINDERS:
        for match in pattern.finditer(folded):
            if pattern is not _REL_UNIT_RE or match["unit"] == "week":
                yield match


def _reach_before(folded: str, start: int) -> int:
    """Where a search for `_AROUND_BEFORE` ending at `start` may begin and still find what a
    search from 0 finds: a match is at most a word of 7 letters, whitespace, "on" and
    whitespace (and `\\b` still sees the character before where a search begins). Searching
    the whole prefix for every date found was half the time the closed choices took."""
    i = start
    while i > 0 and folded[i - 1].isspace():
        i -= 1
    i -= 2  # "on"
    while i > 0 and folded[i - 1].isspace():
        i -= 1
    return max(0, i - 8)


def find_date_phrases(text: str) -> list[tuple[int, int]]:
    """Every day- or week-level date expression written in `text`, as (start, end) offsets,
    in text order; overlapping finds keep the longer. "late on Saturday" is found whole."""
    folded = text.translate(_QUOTES).lower()
    found: list[tuple[int, int]] = []
    for match in _date_matches(text):
        start, end = match.start(), match.end()
        if before := _AROUND_BEFORE.search(folded, _reach_before(folded, start), start):
            start = before.start()
        if after := _AROUND_AFTER.search(folded[end:]):
            end += after.end()
        found.append((start, end))
    kept: list[tuple[int, int]] = []
    for start, end in sorted(found, key=lambda se: (se[0], -se[1])):
        if kept and start < kept[-1][1]:
            if end - start > kept[-1][1] - kept[-1][0]:
                kept[-1] = (start, end)
            continue
        kept.append((start, end))
    return kept


def find_date_phrase(text: str) -> str | None:
    """The first day- or week-level date expression written in `text`, as written there,
    in order of how sharp it is (an ISO date before a weekday).

    Used when the model gives no date words (or invented ones): the event's own evidence
    sentence usually says when it happened, and code can read that without guessing.
    """
    match = next(_date_matches(text), None)
    return None if match is None else text[match.start() : match.end()]
